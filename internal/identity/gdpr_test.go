package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
)

// person is an account holding a row in every table the platform keeps
// about people, as the GDPR tests need it.
type person struct {
	acc       identity.Account
	ctx       context.Context // the person acting
	token     string
	org       org.Organisation
	textID    uuid.UUID
	adminCtx  context.Context
	liveToken string // the one-time token in the unsent e-mail
}

const (
	orgName     = "Stowarzyszenie Łemków"
	description = "Ми об'єднуємо лемків Кракова."
)

// richPerson signs up email and gives the account a session, a
// verification (by the identifier given), a global role, an organisation it created (with a text it
// wrote) and manages, notification preferences, an in-app notification,
// two e-mails (one redacted, one still holding a live link), an invitation
// to its address and one it sent.
func (b *bundle) richPerson(t *testing.T, email, idType, identifier string) person {
	t.Helper()
	_, adminCtx := b.admin(t)
	acc, tok := b.signUp(t, email)
	p := person{acc: acc, ctx: b.as(acc), token: tok, adminCtx: adminCtx}

	_, err := b.svc.VerifyResident(adminCtx, identity.VerifyInput{AccountID: acc.ID, IdentifierType: idType, Identifier: identifier})
	require.NoError(t, err)
	require.NoError(t, b.svc.GrantRole(adminCtx, acc.ID, authz.RoleCoordinator, authz.GlobalDomain))

	orgs := org.New(b.pool, b.az)
	p.org, err = orgs.Create(p.ctx, org.CreateInput{
		Kind: "minority_organisation", Name: orgName, Slug: "lemkowie-" + uuid.NewString()[:8],
		Description: &i18n.Input{Locale: i18n.UK, Text: description},
	})
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, p.org.DescriptionTextID)
	p.textID = p.org.DescriptionTextID
	_, err = orgs.AddMember(adminCtx, p.org.ID, acc.ID, "manager")
	require.NoError(t, err)

	locale := "uk"
	inApp, byEmail, digest := true, false, notify.DigestDaily
	_, err = b.notify.ChangePreferences(b.as(acc), acc.ID, notify.PreferencesChange{InApp: &inApp, Email: &byEmail, Digest: &digest,
		SetLocale: true, Locale: &locale})
	require.NoError(t, err)
	// No River worker runs here: the rows a worker would write are inserted.
	_, err = b.pool.Exec(b.ctx, `insert into notifications (account_id, kind, data, dedupe_key)
		values ($1, 'welcome', '{"hello": "there"}', 'test:' || $1::uuid::text)`, acc.ID)
	require.NoError(t, err)
	p.liveToken = "live-" + uuid.NewString()
	_, err = b.pool.Exec(b.ctx, `insert into email_outbox (message_id, account_id, to_address, subject, body, kind, data, sent_at, redacted)
		values ('<m1.' || $1::uuid::text || '@test>', $1, $2, 'Welcome', 'Hello, [redacted]', 'welcome', '{"secret_link": "[redacted]"}', now(), true),
		       ('<m2.' || $1::uuid::text || '@test>', $1, $2, 'Reset your password', 'Open https://otwarty.test/reset-password?token=' || $3, 'password_reset',
		        jsonb_build_object('secret_link', 'https://otwarty.test/reset-password?token=' || $3), null, false)`,
		acc.ID, acc.Email, p.liveToken)
	require.NoError(t, err)

	_, err = b.svc.Invite(adminCtx, identity.InviteInput{Email: email, Role: authz.RoleJuror, Domain: "ambassador:" + uuid.NewString()})
	require.NoError(t, err)
	_, err = b.svc.Invite(p.ctx, identity.InviteInput{Email: "juror@example.com", Role: authz.RoleJuror, Domain: "ambassador:" + uuid.NewString()})
	require.NoError(t, err)
	return p
}

func TestExportData_HoldsEverySectionAndNoSecrets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.richPerson(t, "ola@example.com", "pesel", pesel)
	other, _ := b.signUp(t, "other@example.com")
	_, err := b.pool.Exec(b.ctx, `insert into email_outbox (message_id, account_id, to_address, subject, body)
		values ('<other@test>', $1, $2, 'Not hers', 'Not hers')`, other.ID, other.Email)
	require.NoError(t, err)

	ex, err := b.svc.ExportData(p.ctx, p.acc.ID)
	require.NoError(t, err)

	raw, err := json.Marshal(ex)
	require.NoError(t, err)
	var sections map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &sections))
	keys := make([]string, 0, len(sections))
	for k := range sections {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"exportedAt", "account", "sessions", "roles", "organisationMemberships",
		"notificationPreferences", "notifications", "emails", "invitations", "texts", "auditEntries", "domains"}, keys)

	a := ex.Account
	require.Equal(t, p.acc.ID, a.ID)
	require.Equal(t, "ola@example.com", a.Email)
	require.Equal(t, "Person ola@example.com", a.DisplayName)
	require.Equal(t, "en", a.Locale)
	require.Nil(t, a.EmailConfirmedAt)
	require.Equal(t, p.acc.CreatedAt, a.CreatedAt)
	require.NotNil(t, a.Verification)
	require.Equal(t, identity.MethodInPerson, a.Verification.Method)

	require.Len(t, ex.Sessions, 1)
	require.Equal(t, "test", ex.Sessions[0].UserAgent)
	require.Equal(t, "192.0.2.1", ex.Sessions[0].IP)
	require.Nil(t, ex.Sessions[0].RevokedAt)
	require.True(t, ex.Sessions[0].ExpiresAt.After(ex.Sessions[0].CreatedAt))

	require.Len(t, ex.Roles, 1)
	require.Equal(t, identity.ExportRole{Role: "coordinator", Domain: "*", GrantedAt: ex.Roles[0].GrantedAt}, ex.Roles[0])

	require.Len(t, ex.Memberships, 1)
	require.Equal(t, p.org.ID, ex.Memberships[0].OrganisationID)
	require.Equal(t, orgName, ex.Memberships[0].OrganisationName)
	require.Equal(t, "manager", ex.Memberships[0].Role)

	require.NotNil(t, ex.Preferences)
	require.Equal(t, identity.ExportPreferences{InApp: true, Email: false, Locale: ex.Preferences.Locale, Digest: "daily",
		UpdatedAt: ex.Preferences.UpdatedAt}, *ex.Preferences)
	require.Equal(t, "uk", *ex.Preferences.Locale)

	require.Len(t, ex.Notifications, 1)
	require.Equal(t, "welcome", ex.Notifications[0].Kind)
	require.Equal(t, map[string]string{"hello": "there"}, ex.Notifications[0].Data)
	require.Nil(t, ex.Notifications[0].ReadAt)

	// Hers only; the redacted body is there, the one with a live link not.
	require.Len(t, ex.Emails, 2)
	require.Equal(t, "Welcome", ex.Emails[0].Subject)
	require.Equal(t, "ola@example.com", ex.Emails[0].To)
	require.NotNil(t, ex.Emails[0].Body)
	require.Equal(t, "Hello, [redacted]", *ex.Emails[0].Body)
	require.NotNil(t, ex.Emails[0].SentAt)
	require.Equal(t, "Reset your password", ex.Emails[1].Subject)
	require.Nil(t, ex.Emails[1].Body)
	require.Nil(t, ex.Emails[1].SentAt)

	require.Len(t, ex.Invitations, 1, "the one to her address, not the one she sent")
	require.Equal(t, "juror", ex.Invitations[0].Role)
	require.Nil(t, ex.Invitations[0].AcceptedAt)

	require.Len(t, ex.Texts, 1)
	require.Equal(t, identity.ExportTextVersion{TextID: p.textID, Locale: "uk", Body: description, IsOriginal: true,
		CreatedAt: ex.Texts[0].CreatedAt}, ex.Texts[0])

	var actions []string
	for _, e := range ex.AuditEntries {
		actions = append(actions, e.Action)
	}
	require.ElementsMatch(t, []string{"org.create", "invitation.create"}, actions)

	// No secret leaves in an export: neither the identifier nor its keyed
	// hash, nor password, session or token hashes, nor the live link.
	var idHash, sessionHash []byte
	require.NoError(t, b.pool.QueryRow(b.ctx, `select identifier_hash from verifications where account_id = $1`, p.acc.ID).Scan(&idHash))
	require.NoError(t, b.pool.QueryRow(b.ctx, `select token_hash from sessions where account_id = $1`, p.acc.ID).Scan(&sessionHash))
	text := string(raw)
	for _, secret := range [][]byte{idHash, sessionHash, sha(p.token)} {
		for _, enc := range []string{hex.EncodeToString(secret), base64.StdEncoding.EncodeToString(secret),
			base64.RawURLEncoding.EncodeToString(secret), base64.RawStdEncoding.EncodeToString(secret)} {
			require.NotContains(t, text, enc)
		}
	}
	require.NotContains(t, text, pesel)
	require.NotContains(t, text, p.token)
	require.NotContains(t, text, p.liveToken)
	require.NotContains(t, text, "argon2")
	require.NotContains(t, text, "Not hers")
	require.NotContains(t, strings.ToLower(text), "identifier")
}

func TestExportData_OnlyTheAccountItself(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.richPerson(t, "ola@example.com", "pesel", pesel)
	other, _ := b.signUp(t, "other@example.com")

	for name, ctx := range map[string]context.Context{"another account": b.as(other), "an admin": p.adminCtx} {
		_, err := b.svc.ExportData(ctx, p.acc.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		require.ErrorIs(t, b.svc.DeleteAccount(ctx, p.acc.ID, password), apperr.ErrNotFound, name)
	}
	anonymous := authz.WithAuthorizer(b.ctx, b.az)
	_, err := b.svc.ExportData(anonymous, p.acc.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	require.ErrorIs(t, b.svc.DeleteAccount(anonymous, p.acc.ID, password), apperr.ErrUnauthenticated)

	_, err = b.svc.Account(b.ctx, p.acc.ID)
	require.NoError(t, err, "nobody but the owner may delete")
}

// personalState is every row the platform holds for accountID, as JSON, to
// tell whether anything changed.
func (b *bundle) personalState(t *testing.T, accountID uuid.UUID) string {
	t.Helper()
	var s string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select json_build_object(
		'account', (select row_to_json(a) from accounts a where id = $1),
		'sessions', (select json_agg(s order by id) from sessions s where account_id = $1),
		'tokens', (select json_agg(t order by token_hash) from account_tokens t where account_id = $1),
		'roles', (select json_agg(g order by id) from role_grants g where account_id = $1),
		'members', (select json_agg(m order by organisation_id) from organisation_members m where account_id = $1),
		'prefs', (select row_to_json(p) from notification_preferences p where account_id = $1),
		'notifications', (select json_agg(n order by id) from notifications n where account_id = $1),
		'outbox', (select json_agg(o order by id) from email_outbox o where account_id = $1),
		'secrets', (select json_agg(x order by dedupe_key) from notification_secrets x where dedupe_key like '%' || $1::uuid::text || '%'),
		'verification', (select row_to_json(v) from verifications v where account_id = $1))::text`, accountID).Scan(&s))
	return s
}

func TestDeleteAccount_WrongPasswordChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.richPerson(t, "ola@example.com", "pesel", pesel)
	before := b.personalState(t, p.acc.ID)
	audits := func() (n int) {
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log`).Scan(&n))
		return n
	}
	auditsBefore := audits()

	err := b.svc.DeleteAccount(p.ctx, p.acc.ID, "not the password at all")
	require.ErrorIs(t, err, apperr.Invalid("password", "auth.invalid_credentials"))
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "password", e.Field)

	require.Equal(t, before, b.personalState(t, p.acc.ID))
	require.Equal(t, auditsBefore, audits())
	_, _, err = b.svc.Authenticate(b.ctx, p.token)
	require.NoError(t, err)
	require.True(t, authz.Can(p.ctx, "create", authz.Object{Type: "organisation"}))
}

func TestDeleteAccount_ErasesPersonalDataAndKeepsTexts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.richPerson(t, "ola@example.com", "pesel", pesel)
	id := p.acc.ID
	// A pending reset link waits for its e-mail in notification_secrets.
	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "ola@example.com"))
	bystander := b.richPerson(t, "bystander@example.com", "passport", "EK1234567")
	bystanderBefore := b.personalState(t, bystander.acc.ID)

	orgObject := org.Object(p.org.ID)
	require.True(t, authz.Can(p.ctx, "create", authz.Object{Type: "organisation"}), "coordinator")
	require.True(t, authz.Can(p.ctx, "manage_members", orgObject), "org manager")
	count := func(sql string) int {
		t.Helper()
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, sql, id).Scan(&n))
		return n
	}
	require.Positive(t, count(`select count(*) from account_tokens where account_id = $1`))
	require.Equal(t, 2, count(`select count(*) from notification_secrets
		where dedupe_key like 'confirm_email:' || $1::uuid::text || ':%' or dedupe_key like 'password_reset:' || $1::uuid::text || ':%'`))

	require.NoError(t, b.svc.DeleteAccount(p.ctx, id, password))

	// The row stays, marked deleted, without address or password.
	var (
		email, hash, name, locale string
		deleted                   bool
	)
	require.NoError(t, b.pool.QueryRow(b.ctx, `select email, password_hash, display_name, locale, deleted_at is not null
		from accounts where id = $1`, id).Scan(&email, &hash, &name, &locale, &deleted))
	require.True(t, deleted)
	require.Regexp(t, `^deleted-[0-9a-f-]{36}@deleted\.invalid$`, email)
	require.NotContains(t, email, id.String(), "a placeholder derived from the id could be taken beforehand")
	require.False(t, strings.HasPrefix(hash, "$argon2id$"), "no password can match")
	require.Equal(t, "Person ola@example.com", name, "kept, but no reader shows a deleted account's name")
	require.Equal(t, "en", locale)

	for table, sql := range map[string]string{
		"sessions":                 `select count(*) from sessions where account_id = $1`,
		"account_tokens":           `select count(*) from account_tokens where account_id = $1`,
		"notification_preferences": `select count(*) from notification_preferences where account_id = $1`,
		"notifications":            `select count(*) from notifications where account_id = $1`,
		"email_outbox":             `select count(*) from email_outbox where account_id = $1 or to_address = 'ola@example.com'`,
		"notification_secrets": `select count(*) from notification_secrets
			where dedupe_key like 'confirm_email:' || $1::uuid::text || ':%' or dedupe_key like 'password_reset:' || $1::uuid::text || ':%'`,
		"verifications":        `select count(*) from verifications where account_id = $1`,
		"organisation_members": `select count(*) from organisation_members where account_id = $1`,
		"role_grants":          `select count(*) from role_grants where account_id = $1`,
	} {
		require.Zero(t, count(sql), table)
	}
	require.Equal(t, bystanderBefore, b.personalState(t, bystander.acc.ID), "another account keeps everything")

	// Every instance drops the grants: direct ones through Revoke, the
	// membership's through a reload.
	require.False(t, authz.Can(p.ctx, "create", authz.Object{Type: "organisation"}))
	require.False(t, authz.Can(p.ctx, "manage_members", orgObject))
	require.True(t, authz.Can(bystander.ctx, "create", authz.Object{Type: "organisation"}))

	// Audited as the account's own act, with no personal data; the role
	// revocation too.
	var auditData, actor string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select data::text, actor_id::text from audit_log
		where action = 'account.delete' and object_type = 'account' and object_id = $1`, id.String()).Scan(&auditData, &actor))
	require.Equal(t, "{}", auditData)
	require.Equal(t, id.String(), actor)
	require.Equal(t, 1, count(`select count(*) from audit_log where action = 'role.revoke' and actor_id = $1
		and object_id = $1::uuid::text and data->>'role' = 'coordinator'`))

	// Texts stay with their body, credited to nobody visible.
	versions, err := i18n.Versions(b.ctx, b.pool, p.textID)
	require.NoError(t, err)
	require.Len(t, versions, 1)
	require.Equal(t, description, versions[0].Body)
	require.Equal(t, id, versions[0].AuthorID)
	found, err := b.svc.AccountsByIDs(b.ctx, []uuid.UUID{id, bystander.acc.ID})
	require.NoError(t, err)
	require.NotContains(t, found, id)
	require.Contains(t, found, bystander.acc.ID)
	// Invitations sent stay for audit.
	require.Equal(t, 1, count(`select count(*) from invitations where invited_by = $1`))

	// The account is gone for every path in.
	_, err = b.svc.Account(b.ctx, id)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, _, err = b.svc.Authenticate(b.ctx, p.token)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, _, err = b.svc.SignIn(b.ctx, "ola@example.com", password, identity.ClientMeta{})
	require.ErrorIs(t, err, identity.ErrInvalidCredentials)
	_, err = b.svc.ExportData(p.ctx, id)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	require.ErrorIs(t, b.svc.DeleteAccount(p.ctx, id, password), apperr.ErrNotFound)

	// The address is free again.
	again, _ := b.signUp(t, "ola@example.com")
	require.NotEqual(t, id, again.ID)
	_, _, err = b.svc.SignIn(b.ctx, "ola@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
}

func TestDeleteAccount_RefusesTheLastAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first, firstCtx := b.admin(t)
	before := b.personalState(t, first.ID)

	require.ErrorIs(t, b.svc.DeleteAccount(firstCtx, first.ID, password), identity.ErrLastAdmin)
	require.ErrorIs(t, b.svc.DeleteAccount(firstCtx, first.ID, password), apperr.New(apperr.Conflict, "account.last_admin"))
	require.True(t, i18n.Has("account.last_admin"))
	require.Equal(t, before, b.personalState(t, first.ID))

	second, secondCtx := b.admin(t)
	require.NoError(t, b.svc.DeleteAccount(firstCtx, first.ID, password))
	require.False(t, authz.Can(firstCtx, "create", authz.Object{Type: "organisation"}))
	require.ErrorIs(t, b.svc.DeleteAccount(secondCtx, second.ID, password), identity.ErrLastAdmin)
	roles, err := b.svc.Roles(b.ctx, second.ID)
	require.NoError(t, err)
	require.Len(t, roles, 1)
}
