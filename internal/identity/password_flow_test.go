package identity_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/identity"
)

func TestConfirmEmail_TokenWorksOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "c@example.com")
	tok := b.secretToken(t, "confirm_email", acc.ID, "")

	got, err := b.svc.ConfirmEmail(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, acc.ID, got.ID)
	require.True(t, got.EmailConfirmed)

	_, err = b.svc.ConfirmEmail(b.ctx, tok)
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, apperr.Error{Code: apperr.InvalidInput, Key: "auth.token_invalid", Field: "token"}, *e)
	for _, bad := range []string{"", "x", strings.Repeat("a", 43)} {
		_, err = b.svc.ConfirmEmail(b.ctx, bad)
		require.ErrorIs(t, err, identity.ErrTokenInvalid)
	}

	// A confirmed account asking again gets nothing new.
	require.NoError(t, b.svc.ResendConfirmation(b.as(acc), acc.ID))
	require.Len(t, b.notices(t, "confirm_email", acc.ID, ""), 1)
}

func TestConfirmEmail_ExpiredTokenAndResend(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "late@example.com")
	old := b.secretToken(t, "confirm_email", acc.ID, "")
	_, err := b.pool.Exec(b.ctx, `update account_tokens set created_at = now() - interval '3 days', expires_at = now() - interval '1 second'
		where account_id = $1`, acc.ID)
	require.NoError(t, err)
	_, err = b.svc.ConfirmEmail(b.ctx, old)
	require.ErrorIs(t, err, identity.ErrTokenInvalid)

	require.NoError(t, b.svc.ResendConfirmation(b.as(acc), acc.ID))
	fresh := b.secretToken(t, "confirm_email", acc.ID, "")
	require.NotEqual(t, old, fresh)
	got, err := b.svc.ConfirmEmail(b.ctx, fresh)
	require.NoError(t, err)
	require.True(t, got.EmailConfirmed)

	require.ErrorIs(t, b.svc.ResendConfirmation(b.as(acc), uuid.New()), apperr.ErrNotFound)
}

func TestConfirmEmail_TokenOfOnePurposeDoesNotServeAnother(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "mix@example.com")
	confirm := b.secretToken(t, "confirm_email", acc.ID, "")
	_, err := b.svc.ResetPassword(b.ctx, confirm, "a brand new password")
	require.ErrorIs(t, err, identity.ErrTokenInvalid)

	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "mix@example.com"))
	reset := b.secretToken(t, "password_reset", acc.ID, "")
	_, err = b.svc.ConfirmEmail(b.ctx, reset)
	require.ErrorIs(t, err, identity.ErrTokenInvalid)
}

func TestChangePassword_RevokesOtherSessionsButNotTheCurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, current := b.signUp(t, "cp@example.com")
	_, other1, err := b.svc.SignIn(b.ctx, "cp@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
	_, other2, err := b.svc.SignIn(b.ctx, "cp@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
	_, sess, err := b.svc.Authenticate(b.ctx, current)
	require.NoError(t, err)

	_, err = b.svc.ChangePassword(b.as(acc), acc.ID, sess.ID, "not my password", "a brand new password")
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, apperr.Error{Code: apperr.InvalidInput, Key: "auth.invalid_credentials", Field: "currentPassword"}, *e)
	_, err = b.svc.ChangePassword(b.as(acc), acc.ID, sess.ID, password, "short")
	require.ErrorIs(t, err, apperr.Invalid("newPassword", "auth.password_too_short"))
	require.Equal(t, "newPassword", err.(*apperr.Error).Field)
	require.Empty(t, b.notices(t, "password_changed", acc.ID, ""))

	got, err := b.svc.ChangePassword(b.as(acc), acc.ID, sess.ID, password, "a brand new password")
	require.NoError(t, err)
	require.Equal(t, acc.ID, got.ID)

	_, _, err = b.svc.Authenticate(b.ctx, current)
	require.NoError(t, err)
	for _, tok := range []string{other1, other2} {
		_, _, err = b.svc.Authenticate(b.ctx, tok)
		require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	}
	_, _, err = b.svc.SignIn(b.ctx, "cp@example.com", password, identity.ClientMeta{})
	require.ErrorIs(t, err, identity.ErrInvalidCredentials)
	_, _, err = b.svc.SignIn(b.ctx, "cp@example.com", "a brand new password", identity.ClientMeta{})
	require.NoError(t, err)

	changed := b.notices(t, "password_changed", acc.ID, "")
	require.Len(t, changed, 1)
	require.True(t, changed[0].InApp)
	require.True(t, changed[0].Email)
	require.True(t, strings.HasPrefix(changed[0].DedupeKey, "password_changed:"+acc.ID.String()+":"))

	// A second change is a second event, not a duplicate.
	_, err = b.svc.ChangePassword(b.as(acc), acc.ID, sess.ID, "a brand new password", "yet another password")
	require.NoError(t, err)
	require.Len(t, b.notices(t, "password_changed", acc.ID, ""), 2)
}

func TestPasswordReset_EndToEnd(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, tok1 := b.signUp(t, "forgetful@example.com")
	_, tok2, err := b.svc.SignIn(b.ctx, "forgetful@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)

	// Unknown addresses answer the same and send nothing.
	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "nobody@example.com"))
	require.ErrorIs(t, b.svc.RequestPasswordReset(b.ctx, "nonsense"), apperr.Invalid("email", "auth.email_invalid"))
	var jobs int
	require.NoError(t, b.pool.QueryRow(b.ctx, "select count(*) from river_job where args->>'kind' = 'password_reset'").Scan(&jobs))
	require.Zero(t, jobs)

	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, " Forgetful@Example.com "))
	reset := b.notices(t, "password_reset", acc.ID, "")
	require.Len(t, reset, 1)
	require.True(t, reset[0].Transactional)
	require.True(t, reset[0].Email)
	tok := b.secretToken(t, "password_reset", acc.ID, "")

	_, err = b.svc.ResetPassword(b.ctx, tok, "too short")
	require.ErrorIs(t, err, apperr.Invalid("newPassword", "auth.password_too_short"))
	got, err := b.svc.ResetPassword(b.ctx, tok, "remembered at last")
	require.NoError(t, err)
	require.True(t, got.EmailConfirmed, "the reset link proved the address")

	for _, old := range []string{tok1, tok2} {
		_, _, err = b.svc.Authenticate(b.ctx, old)
		require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	}
	_, _, err = b.svc.SignIn(b.ctx, "forgetful@example.com", password, identity.ClientMeta{})
	require.ErrorIs(t, err, identity.ErrInvalidCredentials)
	_, _, err = b.svc.SignIn(b.ctx, "forgetful@example.com", "remembered at last", identity.ClientMeta{})
	require.NoError(t, err)

	_, err = b.svc.ResetPassword(b.ctx, tok, "and once more please")
	require.ErrorIs(t, err, identity.ErrTokenInvalid)
	require.Len(t, b.notices(t, "password_changed", acc.ID, ""), 1)
}

func TestPasswordReset_ChangingThePasswordKillsPendingResetLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, cur := b.signUp(t, "pending@example.com")
	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "pending@example.com"))
	tok := b.secretToken(t, "password_reset", acc.ID, "")
	_, sess, err := b.svc.Authenticate(b.ctx, cur)
	require.NoError(t, err)
	_, err = b.svc.ChangePassword(b.as(acc), acc.ID, sess.ID, password, "a brand new password")
	require.NoError(t, err)

	_, err = b.svc.ResetPassword(b.ctx, tok, "attacker's password")
	require.ErrorIs(t, err, identity.ErrTokenInvalid)
}

func TestPasswordReset_ExpiredTokenIsInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "slow@example.com")
	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "slow@example.com"))
	tok := b.secretToken(t, "password_reset", acc.ID, "")
	_, err := b.pool.Exec(b.ctx, "update account_tokens set expires_at = now() - interval '1 second' where purpose = 'reset_password'")
	require.NoError(t, err)
	_, err = b.svc.ResetPassword(b.ctx, tok, "remembered at last")
	require.ErrorIs(t, err, identity.ErrTokenInvalid)
}

func TestNewLinks_AreThrottledPerAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.signUp(t, "flood@example.com")

	// The sign-up link was just sent.
	require.ErrorIs(t, b.svc.ResendConfirmation(b.as(acc), acc.ID), apperr.ErrRateLimited)
	for range 3 {
		require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "flood@example.com"))
	}
	require.Len(t, b.notices(t, "confirm_email", acc.ID, ""), 1)
	require.Len(t, b.notices(t, "password_reset", acc.ID, ""), 1)

	_, err := b.pool.Exec(b.ctx, "update account_tokens set created_at = created_at - $1::bigint * interval '1 microsecond'",
		identity.ResendInterval.Microseconds())
	require.NoError(t, err)
	require.NoError(t, b.svc.ResendConfirmation(b.as(acc), acc.ID))
	require.NoError(t, b.svc.RequestPasswordReset(b.ctx, "flood@example.com"))
	require.Len(t, b.notices(t, "confirm_email", acc.ID, ""), 2)
	require.Len(t, b.notices(t, "password_reset", acc.ID, ""), 2)
}
