package identity_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
)

func TestProductionArgon2_Parameters(t *testing.T) {
	t.Parallel()
	require.Equal(t, identity.Argon2Params{MemoryKiB: 65536, Time: 3, Threads: 4}, identity.ProductionArgon2())
}

func TestSignUp_NormalisesEmailAndRejectsDuplicate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, tok := b.signUp(t, " A@Example.com ")
	require.Equal(t, "a@example.com", acc.Email)
	require.False(t, acc.EmailConfirmed)
	require.False(t, acc.Verified)
	require.Equal(t, i18n.EN, acc.Locale)
	require.Equal(t, "Person  A@Example.com", acc.DisplayName) // trimmed

	got, _, err := b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, acc, got)

	_, _, err = b.svc.SignUp(b.ctx, identity.SignUpInput{Email: "a@example.com", Password: password, DisplayName: "Other"}, identity.ClientMeta{})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "auth.email_taken"))
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, "select count(*) from accounts").Scan(&n))
	require.Equal(t, 1, n)
}

func TestSignUp_ValidatesInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ok := identity.SignUpInput{Email: "ok@example.com", Password: password, DisplayName: "Ok"}
	cases := []struct {
		name       string
		change     func(*identity.SignUpInput)
		field, key string
	}{
		{"empty email", func(in *identity.SignUpInput) { in.Email = "  " }, "email", "auth.email_invalid"},
		{"no at sign", func(in *identity.SignUpInput) { in.Email = "not-an-address" }, "email", "auth.email_invalid"},
		{"display-name form", func(in *identity.SignUpInput) { in.Email = "Bob <bob@example.com>" }, "email", "auth.email_invalid"},
		{"angle brackets", func(in *identity.SignUpInput) { in.Email = "<bob@example.com>" }, "email", "auth.email_invalid"},
		{"two addresses", func(in *identity.SignUpInput) { in.Email = "a@example.com, b@example.com" }, "email", "auth.email_invalid"},
		{"11 characters", func(in *identity.SignUpInput) { in.Password = "12345678901" }, "password", "auth.password_too_short"},
		{"257 characters", func(in *identity.SignUpInput) { in.Password = strings.Repeat("ł", 257) }, "password", "auth.password_too_long"},
		{"blank name", func(in *identity.SignUpInput) { in.DisplayName = " \t " }, "displayName", "auth.display_name_invalid"},
		{"101-character name", func(in *identity.SignUpInput) { in.DisplayName = strings.Repeat("ж", 101) }, "displayName", "auth.display_name_invalid"},
		{"control character in name", func(in *identity.SignUpInput) { in.DisplayName = "a\x00b" }, "displayName", "auth.display_name_invalid"},
		{"unknown locale", func(in *identity.SignUpInput) { in.Locale = "ua" }, "locale", "auth.locale_invalid"},
	}
	for _, c := range cases {
		in := ok
		c.change(&in)
		_, _, err := b.svc.SignUp(b.ctx, in, identity.ClientMeta{})
		var e *apperr.Error
		require.ErrorAs(t, err, &e, c.name)
		require.Equal(t, apperr.InvalidInput, e.Code, c.name)
		require.Equal(t, c.field, e.Field, c.name)
		require.Equal(t, c.key, e.Key, c.name)
		require.Empty(t, e.Also, c.name)
	}

	// Every wrong field at once, in the form's order.
	_, _, err := b.svc.SignUp(b.ctx, identity.SignUpInput{Email: "nope", Password: "short", DisplayName: " ", Locale: "ua"}, identity.ClientMeta{})
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	got := []string{e.Field + " " + e.Key}
	for _, a := range e.Also {
		got = append(got, a.Field+" "+a.Key)
	}
	require.Equal(t, []string{"displayName auth.display_name_invalid", "email auth.email_invalid",
		"password auth.password_too_short", "locale auth.locale_invalid"}, got)

	// Limits count characters, not bytes: 12 two-byte letters are enough,
	// 256 are not too many; the name is trimmed; the locale defaults to Polish.
	acc, _, err := b.svc.SignUp(b.ctx, identity.SignUpInput{
		Email: "ola@example.com", Password: strings.Repeat("ą", 12), DisplayName: "  Ola  ",
	}, identity.ClientMeta{})
	require.NoError(t, err)
	require.Equal(t, "Ola", acc.DisplayName)
	require.Equal(t, i18n.PL, acc.Locale)
	_, _, err = b.svc.SignUp(b.ctx, identity.SignUpInput{
		Email: "ola2@example.com", Password: strings.Repeat("ą", 256), DisplayName: strings.Repeat("ж", 100),
	}, identity.ClientMeta{})
	require.NoError(t, err)
}

func TestSignUp_EnqueuesConfirmationAndWelcomeInTheSameTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "new@example.com")

	confirm := b.notices(t, "confirm_email", acc.ID, "")
	require.Len(t, confirm, 1)
	require.True(t, confirm[0].Email)
	require.True(t, confirm[0].Transactional)
	require.False(t, confirm[0].InApp)

	welcome := b.notices(t, "welcome", acc.ID, "")
	require.Len(t, welcome, 1)
	require.Equal(t, "welcome:"+acc.ID.String(), welcome[0].DedupeKey)
	require.True(t, welcome[0].InApp)
	require.False(t, welcome[0].Email)

	// The e-mailed token is stored only as its SHA-256 hash.
	tok := b.secretToken(t, "confirm_email", acc.ID, "")
	var stored []byte
	require.NoError(t, b.pool.QueryRow(b.ctx, `select token_hash from account_tokens where account_id = $1 and purpose = 'confirm_email'`,
		acc.ID).Scan(&stored))
	require.Equal(t, sha(tok), stored)
	require.NotContains(t, string(stored), tok)

	// A failed sign-up enqueues nothing.
	_, _, err := b.svc.SignUp(b.ctx, identity.SignUpInput{Email: "new@example.com", Password: password, DisplayName: "Again"}, identity.ClientMeta{})
	require.Error(t, err)
	var jobs int
	require.NoError(t, b.pool.QueryRow(b.ctx, "select count(*) from river_job").Scan(&jobs))
	require.Equal(t, 2, jobs)
}

func TestSignUp_StoresOnlyHashesOfSecrets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, tok := b.signUp(t, "secret@example.com")

	var sessionHash []byte
	var passwordHash string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select s.token_hash, a.password_hash from sessions s join accounts a on a.id = s.account_id
		where a.id = $1`, acc.ID).Scan(&sessionHash, &passwordHash))
	require.Equal(t, sha(tok), sessionHash)
	require.NotEqual(t, []byte(tok), sessionHash)
	require.Regexp(t, `^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`, passwordHash)
	require.NotContains(t, passwordHash, password)

	// Nothing anywhere in our tables holds the session token or the password.
	var leaks int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from
		(select row_to_json(x)::text j from accounts x union all select row_to_json(x)::text from sessions x
		 union all select row_to_json(x)::text from account_tokens x union all select args::text from river_job x) t
		where j like '%' || $1 || '%' or j like '%' || $2 || '%'`, tok, password).Scan(&leaks))
	require.Zero(t, leaks)
}

func TestSignIn_UnknownEmailAndWrongPasswordFailAlike(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.signUp(t, "known@example.com")

	_, tokWrong, errWrong := b.svc.SignIn(b.ctx, "known@example.com", "wrong password!!", identity.ClientMeta{})
	_, tokUnknown, errUnknown := b.svc.SignIn(b.ctx, "unknown@example.com", password, identity.ClientMeta{})
	_, _, errMalformed := b.svc.SignIn(b.ctx, "not an address", password, identity.ClientMeta{})
	require.Empty(t, tokWrong)
	require.Empty(t, tokUnknown)
	require.Equal(t, apperr.New(apperr.Unauthenticated, "auth.invalid_credentials"), errWrong)
	require.Equal(t, errWrong, errUnknown)
	require.Equal(t, errWrong, errMalformed)

	acc, tok, err := b.svc.SignIn(b.ctx, "  KNOWN@example.com", password, identity.ClientMeta{UserAgent: "ua", IP: "198.51.100.7"})
	require.NoError(t, err)
	require.Equal(t, "known@example.com", acc.Email)
	_, sess, err := b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, "ua", sess.UserAgent)
	require.Equal(t, "198.51.100.7", sess.IP)
}

func TestSignIn_DeletedAccountIsLockedOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, tok := b.signUp(t, "gone@example.com")
	_, err := b.pool.Exec(b.ctx, "update accounts set deleted_at = now() where id = $1", acc.ID)
	require.NoError(t, err)

	_, _, err = b.svc.SignIn(b.ctx, "gone@example.com", password, identity.ClientMeta{})
	require.ErrorIs(t, err, identity.ErrInvalidCredentials)
	_, _, err = b.svc.Authenticate(b.ctx, tok)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Account(b.ctx, acc.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestSignIn_UpgradesHashMadeWithOlderParameters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "old@example.com") // m=64,t=1,p=1
	stronger := b.with(func(c *identity.Config) { c.Argon2 = identity.Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1} })

	_, _, err := stronger.SignIn(b.ctx, "old@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
	var hash string
	require.NoError(t, b.pool.QueryRow(b.ctx, "select password_hash from accounts where id = $1", acc.ID).Scan(&hash))
	require.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=128,t=2,p=1$"), hash)

	// Both services still verify it.
	_, _, err = b.svc.SignIn(b.ctx, "old@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
}

func TestAccountsByIDs_ReturnsLiveAccountsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a1, _ := b.signUp(t, "one@example.com")
	a2, _ := b.signUp(t, "two@example.com")
	a3, _ := b.signUp(t, "three@example.com")
	_, err := b.pool.Exec(b.ctx, "update accounts set deleted_at = now() where id = $1", a3.ID)
	require.NoError(t, err)

	got, err := b.svc.AccountsByIDs(b.ctx, []uuid.UUID{a1.ID, a2.ID, a3.ID, uuid.New(), a1.ID})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]identity.Account{a1.ID: a1, a2.ID: a2}, got)

	empty, err := b.svc.AccountsByIDs(b.ctx, nil)
	require.NoError(t, err)
	require.Empty(t, empty)
}

func TestUpdateProfile_ChangesOnlyGivenFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "p@example.com")

	name := "  Ірина  "
	got, err := b.svc.UpdateProfile(b.as(acc), acc.ID, &name, nil)
	require.NoError(t, err)
	require.Equal(t, "Ірина", got.DisplayName)
	require.Equal(t, i18n.EN, got.Locale)

	uk := i18n.UK
	got, err = b.svc.UpdateProfile(b.as(acc), acc.ID, nil, &uk)
	require.NoError(t, err)
	require.Equal(t, "Ірина", got.DisplayName)
	require.Equal(t, i18n.UK, got.Locale)

	bad := i18n.Locale("de")
	_, err = b.svc.UpdateProfile(b.as(acc), acc.ID, nil, &bad)
	require.ErrorIs(t, err, apperr.Invalid("locale", "auth.locale_invalid"))
	blank := " "
	_, err = b.svc.UpdateProfile(b.as(acc), acc.ID, &blank, nil)
	require.ErrorIs(t, err, apperr.Invalid("displayName", "auth.display_name_invalid"))
	_, err = b.svc.UpdateProfile(b.as(acc), uuid.New(), &name, nil)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestCreateAdmin_GrantsGlobalAdminOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, err := b.svc.CreateAdmin(b.ctx, " Root@Example.com", password, "Root")
	require.NoError(t, err)
	require.Equal(t, "root@example.com", acc.Email)
	require.True(t, acc.EmailConfirmed)
	require.True(t, authz.Can(b.as(acc), "invite_admin", authz.Object{Type: "invitation", Domains: []string{"*"}}))

	// Again for the same address: the same account, its password untouched.
	again, err := b.svc.CreateAdmin(b.ctx, "root@example.com", "another password", "Ignored")
	require.NoError(t, err)
	require.Equal(t, acc, again)
	_, _, err = b.svc.SignIn(b.ctx, "root@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)

	var grants int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from role_grants where account_id = $1 and role = 'admin' and domain = '*'
		and granted_by is null`, acc.ID).Scan(&grants))
	require.Equal(t, 1, grants)

	_, err = b.svc.CreateAdmin(b.ctx, "weak@example.com", "short", "Weak")
	require.ErrorIs(t, err, apperr.Invalid("password", "auth.password_too_short"))
}

func TestErrorKeys_AreInTheCatalog(t *testing.T) {
	t.Parallel()
	for _, key := range identity.Keys() {
		require.True(t, i18n.Has(key), key)
	}
}
