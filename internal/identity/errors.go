package identity

import "github.com/otwarty/otwarty/internal/apperr"

// The errors a user can hit; each key has a message in the i18n catalogs.
var (
	// ErrInvalidCredentials is the one answer to every failed sign-in, so
	// that it does not tell an unknown e-mail from a wrong password.
	ErrInvalidCredentials = apperr.New(apperr.Unauthenticated, "auth.invalid_credentials")
	// ErrEmailTaken: sign-up with an address that has an account (DESIGN
	// allows revealing it; sign-up is rate-limited per IP).
	ErrEmailTaken = apperr.New(apperr.Conflict, "auth.email_taken")
	// ErrTokenInvalid: an e-mail confirmation or password reset token that
	// is unknown, used or expired.
	ErrTokenInvalid = apperr.Invalid("token", "auth.token_invalid")
	// ErrWrongCurrentPassword: ChangePassword with a wrong current password.
	ErrWrongCurrentPassword = apperr.Invalid("currentPassword", "auth.invalid_credentials")
	// ErrInvitationInvalid: an invitation token that is unknown, accepted,
	// revoked or expired.
	ErrInvitationInvalid = apperr.Invalid("token", "invitation.invalid")
	// ErrIdentifierUsed: the identifier already verified another account.
	ErrIdentifierUsed = apperr.New(apperr.Conflict, "verification.identifier_used")
	// ErrAlreadyVerified: the account is already a verified resident.
	ErrAlreadyVerified = apperr.New(apperr.Conflict, "verification.already_verified")

	errNotFound = apperr.ErrNotFound
)

// Message keys of the other errors; TestErrorKeys_AreInTheCatalog checks
// that the catalog has each of them.
const (
	keyEmailInvalid          = "auth.email_invalid"
	keyPasswordTooShort      = "auth.password_too_short" // args: min
	keyPasswordTooLong       = "auth.password_too_long"  // args: max
	keyDisplayNameInvalid    = "auth.display_name_invalid"
	keyLocaleInvalid         = "auth.locale_invalid"
	keyRoleInvalid           = "invitation.role_invalid"
	keyDomainInvalid         = "invitation.domain_invalid"
	keyInvitationAccepted    = "invitation.accepted"
	keyIdentifierTypeInvalid = "verification.identifier_type_invalid"
	keyIdentifierInvalid     = "verification.identifier_invalid"
	keyMethodInvalid         = "verification.method_invalid"
	keySelfVerification      = "verification.self"
	keyIDInvalid             = "input.id_invalid" // an id that names nothing
)

// keys lists the message keys of every error the package returns.
func keys() []string {
	keys := []string{keyEmailInvalid, keyPasswordTooShort, keyPasswordTooLong, keyDisplayNameInvalid, keyLocaleInvalid,
		keyRoleInvalid, keyDomainInvalid, keyInvitationAccepted, keyIdentifierTypeInvalid, keyIdentifierInvalid,
		keyMethodInvalid, keySelfVerification, keyIDInvalid}
	for _, e := range []*apperr.Error{ErrInvalidCredentials, ErrEmailTaken, ErrTokenInvalid, ErrWrongCurrentPassword,
		ErrInvitationInvalid, ErrIdentifierUsed, ErrAlreadyVerified, ErrLastAdmin, errDeletePassword, apperr.ErrRateLimited, apperr.ErrNotFound,
		apperr.ErrForbidden, apperr.ErrUnauthenticated} {
		keys = append(keys, e.Key)
	}
	return keys
}
