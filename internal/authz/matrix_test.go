package authz_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// policyRules reads the embedded matrix: role, object type, action, condition.
func policyRules(t *testing.T) [][4]string {
	t.Helper()
	b, err := os.ReadFile("policy.csv")
	require.NoError(t, err)
	var rules [][4]string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ",")
		if len(f) != 5 || strings.TrimSpace(f[0]) != "p" {
			continue
		}
		rules = append(rules, [4]string{strings.TrimSpace(f[1]), strings.TrimSpace(f[2]),
			strings.TrimSpace(f[3]), strings.TrimSpace(f[4])})
	}
	require.NotEmpty(t, rules)
	return rules
}

// TestMatrix tries every action of the matrix with every kind of caller on
// an object in unit U, consultation C and budget edition E, owned by "owner",
// and checks the exact outcome.
func TestMatrix_EveryRoleEveryAction(t *testing.T) {
	t.Parallel()
	b := setup(t)

	unit, otherUnit, ngo := b.organisation(t, "city_unit"), b.organisation(t, "city_unit"), b.organisation(t, "ngo")
	consultation, edition, ambassador, body, otherBody := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	domains := []string{authz.Domain("org", unit), authz.Domain("consultation", consultation), authz.Domain("budget_edition", edition),
		authz.Domain("body", body)}

	subjects := map[string]authz.Subject{"anonymous": {}}
	add := func(name string) uuid.UUID {
		id := b.account(t, name)
		subjects[name] = signedIn(id)
		return id
	}
	add("resident")
	subjects["confirmed"] = authz.Subject{AccountID: b.account(t, "confirmed"), Confirmed: true}
	subjects["verified"] = authz.Subject{AccountID: b.account(t, "verified"), Verified: true}
	owner := add("owner")
	b.member(t, unit, add("ngo_member"), "member")
	b.member(t, unit, add("org_manager"), "manager")
	b.member(t, otherUnit, add("org_manager_elsewhere"), "manager")
	b.grant(t, add("moderator"), authz.RoleModerator, authz.Domain("consultation", consultation))
	b.member(t, ngo, add("org_moderator"), "moderator")
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.GrantGroup(b.ctx, tx, authz.OrgModerators(ngo), authz.RoleModerator, authz.Domain("consultation", consultation), uuid.Nil)
	}))
	b.grant(t, add("official"), authz.RoleOfficial, authz.Domain("org", unit))
	b.grant(t, add("official_elsewhere"), authz.RoleOfficial, authz.Domain("org", otherUnit))
	b.grant(t, add("ballot_officer"), authz.RoleBallotOfficer, authz.Domain("budget_edition", edition))
	b.grant(t, add("juror"), authz.RoleJuror, authz.Domain("ambassador_edition", ambassador))
	b.grant(t, add("coordinator"), authz.RoleCoordinator, "*")
	b.grant(t, add("admin"), authz.RoleAdmin, "*")
	b.grant(t, add("body_member"), authz.RoleBodyMember, authz.Domain("body", body))
	chair := add("body_chair")
	b.grant(t, chair, authz.RoleBodyMember, authz.Domain("body", body))
	b.grant(t, chair, authz.RoleBodyChair, authz.Domain("body", body))
	b.grant(t, add("body_chair_elsewhere"), authz.RoleBodyChair, authz.Domain("body", otherBody))
	secretary := add("body_secretary")
	b.grant(t, secretary, authz.RoleBodyMember, authz.Domain("body", body))
	b.grant(t, secretary, authz.RoleBodySecretary, authz.Domain("body", body))
	// The Ambassador's jurors hold their role in 'ambassador:<edition>' (internal/ambassador).
	b.grant(t, subjects["juror"].AccountID, authz.RoleJuror, authz.Domain("ambassador", ambassador))
	domains = append(domains, authz.Domain("ambassador", ambassador))
	// Information pages: a translator of one kind of page (its domain is
	// among the object's); one of another kind sees and translates nothing.
	kind, otherKind := uuid.New(), uuid.New()
	b.grant(t, add("translator"), authz.RoleTranslator, authz.Domain("infopage_kind", kind))
	b.grant(t, add("translator_elsewhere"), authz.RoleTranslator, authz.Domain("infopage_kind", otherKind))
	domains = append(domains, authz.Domain("infopage_kind", kind))

	everyone := make([]string, 0, len(subjects))
	for name := range subjects {
		everyone = append(everyone, name)
	}

	staff := []string{"official", "coordinator", "admin"}
	var signedIn []string
	for _, name := range everyone {
		if name != "anonymous" {
			signedIn = append(signedIn, name)
		}
	}

	type tc struct {
		typ, act string
		attrs    map[string]string
		allowed  []string
	}
	cases := []tc{
		{"organisation", "read", nil, everyone},
		{"organisation", "create", nil, []string{"coordinator", "admin"}},
		{"organisation", "update", nil, []string{"org_manager", "coordinator", "admin"}},
		{"organisation", "manage_members", nil, []string{"org_manager", "coordinator", "admin"}},
		{"invitation", "invite_official", nil, []string{"coordinator", "admin"}},
		{"invitation", "invite_coordinator", nil, []string{"admin"}},
		{"invitation", "invite_admin", nil, []string{"admin"}},
		{"invitation", "invite_juror", nil, []string{"coordinator", "admin"}},
		{"invitation", "invite_ballot_officer", nil, []string{"official", "coordinator", "admin"}},
		{"role_grant", "grant", map[string]string{"role": "official"}, []string{"coordinator", "admin"}},
		{"role_grant", "grant", map[string]string{"role": "moderator"}, []string{"coordinator", "admin"}},
		{"role_grant", "grant", map[string]string{"role": "coordinator"}, []string{"admin"}},
		{"role_grant", "grant", map[string]string{"role": "admin"}, []string{"admin"}},
		{"role_grant", "grant", nil, []string{"admin"}},
		{"role_grant", "revoke", map[string]string{"role": "ballot_officer"}, []string{"coordinator", "admin"}},
		{"role_grant", "revoke", map[string]string{"role": "coordinator"}, []string{"admin"}},
		{"role_grant", "revoke", map[string]string{"role": "admin"}, []string{"admin"}},
		{"role_grant", "revoke", nil, []string{"admin"}},
		{"verification", "verify_resident", nil, []string{"official", "ballot_officer", "coordinator", "admin"}},
		{"text", "translate", nil, []string{"owner", "org_manager", "moderator", "org_moderator", "official", "coordinator", "admin"}},
		{"notification", "read", nil, []string{"owner"}},
		{"notification", "mark_read", nil, []string{"owner"}},
		{"notification_preferences", "update", nil, []string{"owner"}},
		{"session", "read", nil, []string{"owner"}},
		{"session", "revoke", nil, []string{"owner"}},
		{"audit_log", "read", nil, []string{"coordinator", "admin"}},
		{"account", "read_private", nil, []string{"owner", "admin"}},
		{"account", "update", nil, []string{"owner"}},
		{"account", "delete", nil, []string{"owner"}},
		{"participation", "take_part", nil, []string{"confirmed"}},
		{"participation", "vote", nil, []string{"verified"}},
		{"consultation", "create", nil, staff},
		{"consultation", "manage", nil, staff},
		{"consultation", "read", map[string]string{"status": "draft"}, staff},
		{"consultation", "read", map[string]string{"status": "open"}, everyone},
		{"consultation", "follow", map[string]string{"status": "open"}, signedIn},
		{"consultation", "follow", map[string]string{"status": "draft"}, nil},
		{"meeting", "register", nil, []string{"confirmed"}},
		{"submission", "create", nil, []string{"confirmed"}},
		{"submission", "edit", nil, []string{"owner"}},
		{"submission", "withdraw", nil, []string{"owner"}},
		{"submission", "support", nil, []string{"confirmed"}},
		{"submission", "flag", nil, []string{"confirmed"}},
		{"submission", "moderate", nil, []string{"moderator", "org_moderator", "official", "coordinator", "admin"}},
		{"submission", "read_hidden", nil, []string{"owner", "moderator", "org_moderator", "official", "coordinator", "admin"}},
		{"submission", "enter_on_behalf", nil, staff},
		{"submission", "answer", nil, staff},
		{"budget_edition", "create", nil, staff},
		{"budget_edition", "manage", nil, staff},
		{"budget_edition", "read", map[string]string{"status": "draft"}, staff},
		{"budget_edition", "read", map[string]string{"status": "voting"}, everyone},
		{"budget_edition", "register_voter", nil, []string{"official", "ballot_officer", "coordinator", "admin"}},
		{"ballot", "cast", nil, []string{"verified"}},
		{"budget_result", "read", map[string]string{"status": "closed"}, staff},
		{"budget_result", "read", map[string]string{"status": "results_published"}, everyone},
		{"budget_project", "submit", nil, []string{"confirmed"}},
		{"budget_project", "assist", nil, []string{"ngo_member", "org_manager"}},
		{"budget_project", "edit", nil, []string{"owner"}},
		{"budget_project", "withdraw", nil, []string{"owner"}},
		{"budget_project", "support", nil, []string{"confirmed"}},
		{"budget_project", "appeal", nil, []string{"owner"}},
		{"budget_project", "verify", nil, staff},
		{"budget_project", "decide_appeal", nil, staff},
		{"budget_project", "read", map[string]string{"status": "draft"}, []string{"owner", "official", "coordinator", "admin"}},
		{"budget_project", "read", map[string]string{"status": "submitted"}, everyone},
		{"budget_edition", "issue_codes", nil, []string{"official", "ballot_officer", "coordinator", "admin"}},
		{"budget_edition", "enter_paper", nil, []string{"official", "ballot_officer", "coordinator", "admin"}},
		{"ballot", "change", nil, []string{"verified"}},
		{"budget_edition", "register_child", nil, []string{"verified"}},
		{"budget_result", "certify", nil, staff},
		{"budget_edition", "follow", map[string]string{"status": "voting"}, signedIn},
		{"budget_edition", "follow", map[string]string{"status": "draft"}, nil},
		{"budget_session", "register", nil, []string{"confirmed"}},
		{"budget_survey", "read", map[string]string{"status": "draft"}, nil},
		{"budget_survey", "read", map[string]string{"status": "appeals"}, nil},
		{"budget_survey", "read", map[string]string{"status": "voting"}, nil},
		{"budget_survey", "read", map[string]string{"status": "closed"}, staff},
		{"budget_survey", "read", map[string]string{"status": "results_published"}, everyone},
		{"dialogue_body", "read", map[string]string{"public": "true"}, everyone},
		{"dialogue_body", "read", map[string]string{"public": "false"}, []string{"body_member", "body_chair", "body_secretary", "official", "coordinator", "admin"}},
		{"dialogue_body", "create", nil, []string{"coordinator", "admin"}},
		{"dialogue_body", "update", nil, staff},
		{"dialogue_body", "dissolve", nil, []string{"coordinator", "admin"}},
		{"dialogue_body", "manage_members", map[string]string{"role": "member"}, staff},
		{"dialogue_body", "manage_members", map[string]string{"role": "chair"}, staff},
		{"dialogue_body", "manage_members", map[string]string{"role": "guest"}, append([]string{"body_chair"}, staff...)},
		{"dialogue_body", "manage_members", map[string]string{"role": "observer"}, append([]string{"body_chair"}, staff...)},
		{"body_membership", "resign", nil, []string{"owner", "org_manager"}},
		{"body_meeting", "read", map[string]string{"public": "true"}, everyone},
		{"body_meeting", "read", map[string]string{"public": "false"}, []string{"body_member", "body_chair", "body_secretary", "official", "coordinator", "admin"}},
		{"body_meeting", "manage", map[string]string{"status": "active"}, append([]string{"body_chair", "body_secretary"}, staff...)},
		{"body_meeting", "manage", map[string]string{"status": "dissolved"}, staff},
		{"body_meeting", "register", map[string]string{"public": "true"}, []string{"confirmed"}},
		{"body_meeting", "register", map[string]string{"public": "false"}, nil},
		{"body_vote", "table", nil, []string{"body_chair", "body_secretary"}},
		{"body_vote", "manage", nil, []string{"body_chair", "body_secretary", "official", "coordinator", "admin"}},
		{"body_election", "manage", nil, staff},
		{"body_minutes", "review", nil, []string{"body_member", "body_chair", "body_secretary", "official", "coordinator", "admin"}},
		{"body_minutes", "approve", map[string]string{"status": "active"}, []string{"body_chair"}},
		{"body_minutes", "approve", map[string]string{"status": "dissolved"}, nil},
		{"body_minutes_comment", "edit", nil, []string{"owner"}},
		{"body_minutes_comment", "delete", nil, []string{"owner"}},
		{"consultation", "request_opinion", nil, staff},
		{"ambassador_edition", "read", map[string]string{"status": "draft"}, []string{"juror", "coordinator", "admin"}},
		{"ambassador_edition", "read", map[string]string{"status": "published"}, everyone},
		{"ambassador_edition", "create", nil, []string{"coordinator", "admin"}},
		{"ambassador_edition", "manage", nil, []string{"coordinator", "admin"}},
		{"ambassador_nomination", "nominate", nil, []string{"confirmed"}},
		{"ambassador_nomination", "read", nil, []string{"owner", "coordinator", "admin"}},
		{"ambassador_nomination", "edit", nil, []string{"owner"}},
		{"ambassador_nomination", "withdraw", nil, []string{"owner"}},
		{"ambassador_nomination", "manage", nil, []string{"coordinator", "admin"}},
		{"ambassador_audience", "vote", nil, []string{"verified"}},
		{"ambassador_nomination", "read", map[string]string{"jury": "open"}, []string{"owner", "juror", "coordinator", "admin"}},
		{"ambassador_nomination", "declare", map[string]string{"jury": "open"}, []string{"juror"}},
		{"ambassador_nomination", "declare", nil, nil},
		{"ambassador_nomination", "score", map[string]string{"jury": "open"}, []string{"juror"}},
		{"ambassador_nomination", "score", nil, nil},
		{"ambassador_nomination", "comment", map[string]string{"jury": "open"}, []string{"juror", "coordinator", "admin"}},
		{"ambassador_nomination", "comment", nil, []string{"coordinator", "admin"}},
		{"ambassador_edition", "read_ranking", map[string]string{"scoring": "open", "public": "false"}, []string{"coordinator", "admin"}},
		{"ambassador_edition", "read_ranking", map[string]string{"scoring": "closed", "public": "false"}, []string{"juror", "coordinator", "admin"}},
		{"ambassador_edition", "read_ranking", map[string]string{"scoring": "closed", "public": "true"}, everyone},
		{"ambassador_edition", "read_score_table", map[string]string{"public": "false"}, []string{"coordinator", "admin"}},
		{"ambassador_edition", "read_score_table", map[string]string{"public": "true"}, everyone},
		{"ambassador_proposal", "read", nil, []string{"juror", "coordinator", "admin"}},
		// The chair is a juror who owns the proposals (graph's decision matrix
		// tests the chair); the owner here holds no juror role.
		{"ambassador_proposal", "manage", nil, []string{"coordinator", "admin"}},
		// Programme results: the object's domains hold the unit of 'official'.
		{"programme", "read", nil, everyone},
		{"programme", "manage", nil, []string{"coordinator", "admin"}},
		{"programme", "watch", nil, []string{"official", "coordinator", "admin"}},
		{"programme_indicator", "read", nil, everyone},
		{"programme_indicator", "enter_value", map[string]string{"method": "entered"}, []string{"official", "coordinator", "admin"}},
		{"programme_indicator", "enter_value", map[string]string{"method": "events"}, nil},
		{"infopage", "read", map[string]string{"status": "published"}, everyone},
		{"infopage", "read", map[string]string{"status": "draft"}, []string{"official", "translator", "coordinator", "admin"}},
		{"infopage", "read", map[string]string{"status": "archived"}, staff},
		{"infopage", "create", nil, []string{"coordinator", "admin"}},
		{"infopage", "edit", map[string]string{"status": "published"}, staff},
		{"infopage", "edit", map[string]string{"status": "archived"}, []string{"coordinator", "admin"}},
		{"infopage", "publish", nil, []string{"coordinator", "admin"}},
		{"infopage", "archive", nil, []string{"coordinator", "admin"}},
		{"infopage", "translate", map[string]string{"status": "draft"}, []string{"translator", "coordinator", "admin"}},
		{"infopage", "translate", map[string]string{"status": "archived"}, []string{"coordinator", "admin"}},
		// The events calendar: the object is in the unit's domain, whose
		// members (its manager is one) act for it as the organiser.
		{"event", "read", map[string]string{"public": "true"}, everyone},
		{"event", "read", map[string]string{"public": "false"}, []string{"ngo_member", "org_manager", "coordinator", "admin"}},
		{"event", "submit", nil, []string{"ngo_member", "org_manager", "coordinator", "admin"}},
		{"event", "edit", nil, []string{"ngo_member", "org_manager", "coordinator", "admin"}},
		{"event", "cancel", nil, []string{"ngo_member", "org_manager", "coordinator", "admin"}},
		{"event", "review", nil, []string{"coordinator", "admin"}},
	}

	// The cases cover the whole matrix, so a rule cannot be added untested.
	covered := map[[2]string]bool{}
	for _, c := range cases {
		covered[[2]string{c.typ, c.act}] = true
	}
	for _, r := range policyRules(t) {
		require.True(t, covered[[2]string{r[1], r[2]}], "policy rule %v has no test case", r)
	}

	for _, c := range cases {
		obj := authz.Object{Type: c.typ, ID: uuid.NewString(), OwnerID: owner, Domains: domains, Attrs: c.attrs}
		for name, s := range subjects {
			want := slices.Contains(c.allowed, name)
			require.Equal(t, want, can(b.az, s, c.act, obj), "%s: %s %s %v", name, c.typ, c.act, c.attrs)
		}
	}
}

func TestCan_AnonymousOnlyWhatAnyoneMay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	anyone := map[[2]string]bool{}
	for _, r := range policyRules(t) {
		if r[0] == authz.RoleAnyone {
			anyone[[2]string{r[1], r[2]}] = true
		}
	}
	require.NotEmpty(t, anyone)
	anon := authz.WithSubject(authz.WithAuthorizer(context.Background(), b.az), authz.Subject{})
	for _, r := range policyRules(t) {
		// Even the object's owner field cannot make an anonymous caller an owner.
		obj := authz.Object{Type: r[1], Domains: []string{"*"}, Attrs: map[string]string{"role": "moderator", "status": "open", "public": "true"}}
		want := anyone[[2]string{r[1], r[2]}]
		require.Equal(t, want, authz.Can(anon, r[2], obj), "%v", r)
		if !want {
			require.ErrorIs(t, authz.Require(anon, r[2], obj), apperr.ErrUnauthenticated)
		}
	}
}

func TestRequire_SignedInCallerIsForbidden(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := authz.WithSubject(authz.WithAuthorizer(b.ctx, b.az), signedIn(b.account(t, "r")))
	require.ErrorIs(t, authz.Require(ctx, "read", authz.Object{Type: "audit_log"}), apperr.ErrForbidden)
	require.NoError(t, authz.Require(ctx, "read", authz.Object{Type: "organisation"}))
}

func TestCan_DeniesWithoutAuthorizer(t *testing.T) {
	t.Parallel()
	obj := authz.Object{Type: "organisation"} // anyone may read it, given an Authorizer
	anon := context.Background()
	require.False(t, authz.Can(anon, "read", obj))
	require.ErrorIs(t, authz.Require(anon, "read", obj), apperr.ErrUnauthenticated)

	user := authz.WithSubject(context.Background(), signedIn(uuid.New()))
	require.False(t, authz.Can(user, "read", obj))
	require.ErrorIs(t, authz.Require(user, "read", obj), apperr.ErrForbidden)

	var nilAz *authz.Authorizer
	require.False(t, authz.Can(authz.WithAuthorizer(user, nilAz), "read", obj))
	require.False(t, authz.Can(authz.WithAuthorizer(user, &authz.Authorizer{}), "read", obj))
}

func TestCan_UnknownActionIsDenied(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.account(t, "admin")
	b.grant(t, admin, authz.RoleAdmin, "*")
	require.True(t, can(b.az, signedIn(admin), "read", authz.Object{Type: "audit_log"}))
	require.False(t, can(b.az, signedIn(admin), "delete", authz.Object{Type: "audit_log"}))
	require.False(t, can(b.az, signedIn(admin), "read", authz.Object{Type: "audit_logs"}))
}

func TestCan_OfficialScopedToOwnUnit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unit, other := b.organisation(t, "city_unit"), b.organisation(t, "city_unit")
	official := signedIn(b.account(t, "official"))
	b.grant(t, official.AccountID, authz.RoleOfficial, authz.Domain("org", unit))

	inUnit := authz.Object{Type: "invitation", Domains: []string{authz.Domain("org", unit)}}
	elsewhere := authz.Object{Type: "invitation", Domains: []string{authz.Domain("org", other)}}
	nowhere := authz.Object{Type: "invitation"}
	require.True(t, can(b.az, official, "invite_ballot_officer", inUnit))
	require.False(t, can(b.az, official, "invite_ballot_officer", elsewhere))
	require.False(t, can(b.az, official, "invite_ballot_officer", nowhere))
	require.False(t, can(b.az, official, "invite_official", inUnit))

	ctx := authz.WithSubject(authz.WithAuthorizer(b.ctx, b.az), official)
	require.ErrorIs(t, authz.Require(ctx, "invite_ballot_officer", elsewhere), apperr.ErrForbidden)

	// Global roles apply with or without domains.
	coordinator := signedIn(b.account(t, "coordinator"))
	b.grant(t, coordinator.AccountID, authz.RoleCoordinator, "*")
	require.True(t, can(b.az, coordinator, "invite_ballot_officer", elsewhere))
	require.True(t, can(b.az, coordinator, "invite_ballot_officer", nowhere))
}

func TestCan_OrgModeratorsInheritConsultationModerator(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ngo := b.organisation(t, "ngo")
	consultation, other := uuid.New(), uuid.New()
	mod := signedIn(b.account(t, "mod"))
	plain := signedIn(b.account(t, "plain"))
	b.member(t, ngo, mod.AccountID, "moderator")
	b.member(t, ngo, plain.AccountID, "member")

	text := func(c uuid.UUID) authz.Object {
		return authz.Object{Type: "text", OwnerID: uuid.New(), Domains: []string{authz.Domain("consultation", c)}}
	}
	require.False(t, can(b.az, mod, "translate", text(consultation)))

	// Assigning the organisation to moderate the consultation: one group grant.
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.GrantGroup(b.ctx, tx, authz.OrgModerators(ngo), authz.RoleModerator, authz.Domain("consultation", consultation), uuid.Nil)
	}))
	require.True(t, can(b.az, mod, "translate", text(consultation)))
	require.False(t, can(b.az, mod, "translate", text(other)))
	require.False(t, can(b.az, plain, "translate", text(consultation)), "only members with the organisation role moderator")

	domains, err := authz.DomainsWithRole(b.ctx, b.pool, mod.AccountID, authz.RoleModerator)
	require.NoError(t, err)
	require.Equal(t, []string{authz.Domain("consultation", consultation)}, domains)

	// Leaving the organisation ends the inherited role.
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if _, err := tx.Exec(b.ctx, "delete from organisation_members where account_id = $1", mod.AccountID); err != nil {
			return err
		}
		return b.az.Changed(b.ctx, tx)
	}))
	require.False(t, can(b.az, mod, "translate", text(consultation)))

	// And withdrawing the assignment ends it for every member.
	b.member(t, ngo, mod.AccountID, "moderator")
	require.True(t, can(b.az, mod, "translate", text(consultation)))
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.RevokeGroup(b.ctx, tx, authz.OrgModerators(ngo), authz.RoleModerator, authz.Domain("consultation", consultation), uuid.Nil)
	}))
	require.False(t, can(b.az, mod, "translate", text(consultation)))
}
