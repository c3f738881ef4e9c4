package graph_test

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

var _ = matrixFor("identity.graphqls")

// perCaller is an e-mail address of its own for each caller kind.
func perCaller(prefix, caller string) string {
	return prefix + "." + strings.ReplaceAll(caller, "_", "-") + "@example.org"
}

// knownAccountToken stores a one-time token of purpose (confirm_email,
// reset_password) for the account with email and returns its secret: the
// real ones travel only by e-mail.
func knownAccountToken(t *testing.T, b *bundle, purpose, email string) string {
	t.Helper()
	secret := "znany-" + uuid.NewString()
	h := sha256.Sum256([]byte(secret))
	tag, err := b.pool.Exec(t.Context(), `insert into account_tokens (token_hash, account_id, purpose, expires_at)
		select $1, id, $2, now() + interval '1 hour' from accounts where email = $3`, h[:], purpose, email)
	require.NoError(t, err)
	require.Equal(t, int64(1), tag.RowsAffected(), email)
	return secret
}

// knownInvitationToken gives an invitation a token whose secret the test
// knows, as the invited person would from the e-mail.
func knownInvitationToken(t *testing.T, b *bundle, invitationID string) string {
	t.Helper()
	typ, key, ok := gid.Decode(invitationID)
	require.True(t, ok && typ == "Invitation", invitationID)
	secret := "zaproszenie-" + uuid.NewString()
	h := sha256.Sum256([]byte(secret))
	tag, err := b.pool.Exec(t.Context(), `update invitations set token_hash = $1 where id = $2`, h[:], key)
	require.NoError(t, err)
	require.Equal(t, int64(1), tag.RowsAffected())
	return secret
}

// signIn opens a new session and returns its token and id.
func (b *bundle) signIn(t *testing.T, email, password string) (token, sessionID string) {
	t.Helper()
	res := b.gql(t, `mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`,
		map[string]any{"e": email, "p": password})
	require.Empty(t, res.Errors, email)
	token = dig(res.Data, "signIn", "token").(string)
	res = b.gql(t, `{ me { sessions { id current } } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	for _, s := range dig(res.Data, "me", "sessions").([]any) {
		if s := s.(map[string]any); s["current"] == true {
			return token, s["id"].(string)
		}
	}
	t.Fatalf("no current session for %s", email)
	return "", ""
}

// requireSignedOut fails unless token no longer authenticates.
func (b *bundle) requireSignedOut(t *testing.T, token, what string) {
	t.Helper()
	res := b.gql(t, `{ me { id } }`, nil, withToken(token))
	require.Equal(t, http.StatusUnauthorized, res.Status, what)
	require.Equal(t, "UNAUTHENTICATED", res.code(), what)
}

// me returns the fields of me as token sees them.
func (b *bundle) me(t *testing.T, token, fields string) map[string]any {
	t.Helper()
	res := b.gql(t, `{ me { `+fields+` } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	return res.Data["me"].(map[string]any)
}

// TestIdentityMutations_PermissionMatrix tries every mutation of
// identity.graphqls with every kind of caller, in an order in which the
// destructive ones (password changes, sign-out, deletion) come after what
// needs the callers' sessions and passwords. The anonymous mutations take
// their credential in the input (a password, a one-time token) and so are
// open to every caller; the self-scoped ones act on the caller's own
// account only; the role mutations are the admins' and, for officials,
// the coordinators'.
func TestIdentityMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	everyone := f.callers()
	signedIn := f.callers(callerAnonymous)
	officialManagers := []string{callerCoordinator, callerAdmin} // who invites, grants and revokes an official
	admins := []string{callerAdmin}                              // ... and a coordinator or an admin
	// Residents are verified at any office or voting point: an official of
	// any unit, a ballot officer of any edition, coordinators and admins.
	verifiers := []string{callerOfficial, callerOtherOfficial, callerBallotOfficer, callerCoordinator, callerAdmin}
	_, unitKey, _ := gid.Decode(f.unitID)

	ids := map[string]string{}
	for _, c := range signedIn {
		ids[c] = b.accountID(t, f.tokens[c])
	}
	const other = "ofiara@example.org" // an account that is none of the callers
	otherToken := b.signUp(t, other)
	otherID := b.accountID(t, otherToken)
	otherSession := dig(b.me(t, otherToken, "sessions { id }")["sessions"].([]any)[0], "id").(string)
	const loginEmail, forgotEmail = "logowanie@example.org", "zapomnialam@example.org"
	b.signUp(t, loginEmail)
	b.signUp(t, forgotEmail)
	promoted := b.signUp(t, "awans@example.org")
	promotedID := b.accountID(t, promoted)

	// One target per caller for the calls that use something up.
	confirmTokens, confirmSessions := map[string]string{}, map[string]string{}
	resetTokens, resetSessions := map[string]string{}, map[string]string{}
	verifyTargets, verifySessions := map[string]string{}, map[string]string{}
	inviteTokens := map[string]string{}
	invite := `mutation($in: CreateInvitationInput!) { createInvitation(input: $in) { invitation { id email role organisation { id } } } }`
	for _, c := range everyone {
		confirmSessions[c] = b.signUp(t, perCaller("potwierdzenie", c))
		confirmTokens[c] = knownAccountToken(t, b, "confirm_email", perCaller("potwierdzenie", c))
		resetSessions[c] = b.signUp(t, perCaller("reset", c))
		resetTokens[c] = knownAccountToken(t, b, "reset_password", perCaller("reset", c))
		verifySessions[c] = b.signUp(t, perCaller("weryfikacja", c))
		verifyTargets[c] = b.accountID(t, verifySessions[c])
		res := b.gql(t, invite, map[string]any{"in": map[string]any{"email": perCaller("zaproszenie", c), "role": "OFFICIAL", "organisationId": f.unitID}},
			withToken(f.coord))
		require.Empty(t, res.Errors)
		inviteTokens[c] = knownInvitationToken(t, b, dig(res.Data, "createInvitation", "invitation", "id").(string))
	}
	pending := map[string]string{} // invitations to be revoked, by role
	pendingTokens := map[string]string{}
	for _, role := range []string{"OFFICIAL", "COORDINATOR"} {
		in := map[string]any{"email": "odwolane." + strings.ToLower(role) + "@example.org", "role": role}
		if role == "OFFICIAL" {
			in["organisationId"] = f.unitID
		}
		res := b.gql(t, invite, map[string]any{"in": in}, withToken(f.tokens[callerAdmin]))
		require.Empty(t, res.Errors)
		pending[role] = dig(res.Data, "createInvitation", "invitation", "id").(string)
		pendingTokens[role] = knownInvitationToken(t, b, pending[role])
	}
	accept := `mutation($in: AcceptInvitationInput!) { acceptInvitation(input: $in) { token account { email } } }`
	countTokens := func(email, purpose string) int {
		var n int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from account_tokens t join accounts a on a.id = t.account_id
			where a.email = $1 and t.purpose = $2`, email, purpose).Scan(&n))
		return n
	}
	signInAs := `mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`
	changePassword := `mutation($cur: String!, $new: String!) { changePassword(input: {currentPassword: $cur, newPassword: $new}) { account { email } } }`
	roles := func(token string) []any {
		return b.me(t, token, "roles { role scope organisation { id } }")["roles"].([]any)
	}
	officialGrant := map[string]any{"role": "OFFICIAL", "scope": "org:" + unitKey.String(), "organisation": map[string]any{"id": f.unitID}}
	globalGrant := func(role string) map[string]any {
		return map[string]any{"role": role, "scope": "*", "organisation": nil}
	}
	grant := `mutation($in: GrantRoleInput!) { grantRole(input: $in) { accountId grant { role scope } } }`
	revoke := `mutation($in: RevokeRoleInput!) { revokeRole(input: $in) { accountId } }`
	roleInput := func(role string) func(string) map[string]any {
		in := map[string]any{"accountId": promotedID, "role": role}
		if role == "OFFICIAL" {
			in["organisationId"] = f.unitID
		}
		return fixedVars(map[string]any{"in": in})
	}
	extra := map[string][2]string{} // a second session of each signed-in caller: token, id
	signOutTokens := map[string]string{callerAnonymous: ""}

	tries := []matrixTry{
		{name: "signUp", query: `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`,
			vars: func(c string) map[string]any {
				return map[string]any{"in": map[string]any{"email": perCaller("nowe-konto", c), "password": matrixPassword, "displayName": "Nowe konto"}}
			},
			allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, map[string]any{"email": perCaller("nowe-konto", c), "emailConfirmed": false},
						b.me(t, dig(res.Data, "signUp", "token").(string), "email emailConfirmed"), c)
				}
			}},
		{name: "signIn", query: signInAs, vars: fixedVars(map[string]any{"e": loginEmail, "p": matrixPassword}), allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, loginEmail, b.me(t, dig(res.Data, "signIn", "token").(string), "email")["email"], c)
				}
				tok := dig(got[callerAdmin].Data, "signIn", "token").(string)
				require.Len(t, b.me(t, tok, "sessions { id }")["sessions"], 1+len(everyone), "the sign-up's session and one per caller")
			}},
		{name: "confirmEmail", query: `mutation($tok: String!) { confirmEmail(input: {token: $tok}) { ok } }`,
			vars:    func(c string) map[string]any { return map[string]any{"tok": confirmTokens[c]} },
			allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range everyone {
					require.Equal(t, true, b.me(t, confirmSessions[c], "emailConfirmed")["emailConfirmed"], c)
				}
			}},
		{name: "resendEmailConfirmation", query: `mutation { resendEmailConfirmation(input: {}) { ok } }`, allowed: signedIn,
			before: func(t *testing.T) {
				// Past the minute between two links.
				_, err := b.pool.Exec(t.Context(), `update account_tokens set created_at = created_at - interval '2 minutes'
					where account_id = (select id from accounts where email = $1)`, f.emails[callerUnconfirmed])
				require.NoError(t, err)
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, 2, countTokens(f.emails[callerUnconfirmed], "confirm_email"), "a new link for the unconfirmed address")
				require.Equal(t, 1, countTokens(f.emails[callerResident], "confirm_email"), "nothing for a confirmed one")
			}},
		{name: "requestPasswordReset", query: `mutation($e: String!) { requestPasswordReset(input: {email: $e}) { ok } }`,
			vars: fixedVars(map[string]any{"e": forgotEmail}), allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, 1, countTokens(forgotEmail, "reset_password"), "one link a minute, however often asked")
			}},
		{name: "resetPassword", query: `mutation($tok: String!) { resetPassword(input: {token: $tok, newPassword: "nowe haslo po resecie"}) { ok } }`,
			vars:    func(c string) map[string]any { return map[string]any{"tok": resetTokens[c]} },
			allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range everyone {
					b.requireSignedOut(t, resetSessions[c], "a reset ends every session")
					b.signIn(t, perCaller("reset", c), "nowe haslo po resecie")
				}
			}},
		{name: "revokeSession", label: "own session", query: `mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { revokedSessionId } }`,
			before: func(t *testing.T) {
				for _, c := range signedIn {
					tok, id := b.signIn(t, f.emails[c], matrixPassword)
					extra[c] = [2]string{tok, id}
				}
			},
			vars: func(c string) map[string]any {
				if c == callerAnonymous {
					return map[string]any{"id": otherSession}
				}
				return map[string]any{"id": extra[c][1]}
			},
			allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range signedIn {
					require.Equal(t, extra[c][1], dig(got[c].Data, "revokeSession", "revokedSessionId"))
					b.requireSignedOut(t, extra[c][0], c)
					b.me(t, f.tokens[c], "id") // the session making the request lives on
				}
			}},
		{name: "revokeSession", label: "another account's session", query: `mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { revokedSessionId } }`,
			vars: fixedVars(map[string]any{"id": otherSession}), refused: "NOT_FOUND",
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, other, b.me(t, otherToken, "email")["email"], "the session still works")
			}},
		{name: "updateProfile", query: `mutation($n: String!) { updateProfile(input: {displayName: $n}) { account { displayName } } }`,
			vars:    func(c string) map[string]any { return map[string]any{"n": "Profil " + c} },
			allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range signedIn {
					require.Equal(t, "Profil "+c, b.me(t, f.tokens[c], "displayName")["displayName"], "each changed only their own")
				}
				require.Equal(t, "Tester", b.me(t, otherToken, "displayName")["displayName"])
			}},
		{name: "changePassword", query: changePassword, vars: fixedVars(map[string]any{"cur": matrixPassword, "new": "zmienione haslo konta"}),
			allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range signedIn {
					require.Equal(t, f.emails[c], dig(got[c].Data, "changePassword", "account", "email"))
					b.me(t, f.tokens[c], "id") // the current session stays
					require.Equal(t, "UNAUTHENTICATED", b.gql(t, signInAs, map[string]any{"e": f.emails[c], "p": matrixPassword}).code(), c)
					b.signIn(t, f.emails[c], "zmienione haslo konta")
					// Back, for the cases that follow.
					require.Empty(t, b.gql(t, changePassword, map[string]any{"cur": "zmienione haslo konta", "new": matrixPassword},
						withToken(f.tokens[c])).Errors)
				}
				b.signIn(t, other, matrixPassword) // nobody else's password changed
			}},
		{name: "createInvitation", label: "an official of the unit", query: invite,
			vars:    fixedVars(map[string]any{"in": map[string]any{"email": "nowy.urzednik@example.org", "role": "OFFICIAL", "organisationId": f.unitID}}),
			allowed: officialManagers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					inv := dig(res.Data, "createInvitation", "invitation").(map[string]any)
					require.Equal(t, []any{"nowy.urzednik@example.org", "OFFICIAL", f.unitID}, []any{inv["email"], inv["role"], dig(inv, "organisation", "id")}, c)
				}
				var n int
				require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from invitations where email = 'nowy.urzednik@example.org'
					and accepted_at is null and revoked_at is null`).Scan(&n))
				require.Equal(t, 1, n, "a new invitation revokes the earlier one")
			}},
		{name: "createInvitation", label: "a coordinator", query: invite,
			vars: fixedVars(map[string]any{"in": map[string]any{"email": "nowa.koordynatorka@example.org", "role": "COORDINATOR"}}), allowed: admins},
		{name: "createInvitation", label: "an admin", query: invite,
			vars: fixedVars(map[string]any{"in": map[string]any{"email": "nowy.admin@example.org", "role": "ADMIN"}}), allowed: admins},
		{name: "acceptInvitation", query: accept,
			vars: func(c string) map[string]any {
				return map[string]any{"in": map[string]any{"token": inviteTokens[c], "password": "haslo nowego urzednika", "displayName": "Nowy urzędnik"}}
			},
			allowed: everyone,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, perCaller("zaproszenie", c), dig(res.Data, "acceptInvitation", "account", "email"))
					require.Equal(t, []any{officialGrant}, roles(dig(res.Data, "acceptInvitation", "token").(string)), c)
				}
			}},
		// An invitation the caller could not have made does not exist for them.
		{name: "revokeInvitation", label: "an official's invitation", query: `mutation($id: ID!) { revokeInvitation(input: {invitationId: $id}) { invitation { id } } }`,
			vars: fixedVars(map[string]any{"id": pending["OFFICIAL"]}), allowed: officialManagers, refused: "NOT_FOUND",
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				res := b.gql(t, accept, map[string]any{"in": map[string]any{"token": pendingTokens["OFFICIAL"], "password": matrixPassword, "displayName": "X"}})
				require.Equal(t, "INVALID_INPUT", res.code(), "a revoked invitation cannot be accepted")
			}},
		{name: "revokeInvitation", label: "a coordinator's invitation", query: `mutation($id: ID!) { revokeInvitation(input: {invitationId: $id}) { invitation { id } } }`,
			vars: fixedVars(map[string]any{"id": pending["COORDINATOR"]}), allowed: admins, refused: "NOT_FOUND",
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				res := b.gql(t, accept, map[string]any{"in": map[string]any{"token": pendingTokens["COORDINATOR"], "password": matrixPassword, "displayName": "X"}})
				require.Equal(t, "INVALID_INPUT", res.code(), "a revoked invitation cannot be accepted")
			}},
		{name: "verifyResident", label: "another account",
			query: `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: PASSPORT, identifier: $id}) { verified } }`,
			vars: func(c string) map[string]any {
				return map[string]any{"a": verifyTargets[c], "id": fmt.Sprintf("WR%07d", slices.Index(everyone, c))}
			},
			allowed: verifiers,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				for _, c := range everyone {
					require.Equal(t, slices.Contains(verifiers, c), b.me(t, verifySessions[c], "verified")["verified"], c)
				}
			}},
		{name: "verifyResident", label: "themselves",
			query: `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: PASSPORT, identifier: $id}) { verified } }`,
			vars: func(c string) map[string]any {
				if c == callerAnonymous {
					return map[string]any{"a": otherID, "id": "SELF0000000"}
				}
				return map[string]any{"a": ids[c], "id": fmt.Sprintf("SELF%07d", slices.Index(everyone, c))}
			}},
		{name: "grantRole", label: "official of the unit", query: grant, vars: roleInput("OFFICIAL"), allowed: officialManagers},
		{name: "grantRole", label: "coordinator", query: grant, vars: roleInput("COORDINATOR"), allowed: admins},
		{name: "grantRole", label: "admin", query: grant, vars: roleInput("ADMIN"), allowed: admins,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, []any{globalGrant("ADMIN"), globalGrant("COORDINATOR"), officialGrant}, roles(promoted))
			}},
		{name: "revokeRole", label: "admin", query: revoke, vars: roleInput("ADMIN"), allowed: admins},
		{name: "revokeRole", label: "coordinator", query: revoke, vars: roleInput("COORDINATOR"), allowed: admins},
		{name: "revokeRole", label: "official of the unit", query: revoke, vars: roleInput("OFFICIAL"), allowed: officialManagers,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Empty(t, roles(promoted))
			}},
		{name: "signOut", query: `mutation { signOut(input: {}) { ok } }`, tokens: signOutTokens, allowed: signedIn,
			before: func(t *testing.T) {
				for _, c := range signedIn {
					signOutTokens[c], _ = b.signIn(t, f.emails[c], matrixPassword)
				}
			},
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				for _, c := range signedIn {
					b.requireSignedOut(t, signOutTokens[c], c)
					b.me(t, f.tokens[c], "id") // only the session that signed out ended
				}
			}},
		{name: "deleteAccount", query: `mutation($pw: String!) { deleteAccount(input: {password: $pw}) { deletedAccountId } }`,
			vars: fixedVars(map[string]any{"pw": matrixPassword}), allowed: signedIn,
			before: func(t *testing.T) {
				// The last admin may not leave; make the admin caller not the last.
				require.Empty(t, b.gql(t, grant, roleInput("ADMIN")(""), withToken(f.tokens[callerAdmin])).Errors)
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range signedIn {
					require.Equal(t, ids[c], dig(got[c].Data, "deleteAccount", "deletedAccountId"))
					b.requireSignedOut(t, f.tokens[c], c)
					require.Equal(t, "UNAUTHENTICATED", b.gql(t, signInAs, map[string]any{"e": f.emails[c], "p": matrixPassword}).code(), c)
				}
				require.Equal(t, other, b.me(t, otherToken, "email")["email"], "nobody else's account went")
			}},
	}
	runMatrix(t, b, f.tokens, "identity.graphqls", tries)

	// Now the only admin, the promoted account may not delete itself.
	res := b.gql(t, `mutation($pw: String!) { deleteAccount(input: {password: $pw}) { deletedAccountId } }`, map[string]any{"pw": matrixPassword},
		withToken(promoted))
	require.Equal(t, "CONFLICT", res.code())
}
