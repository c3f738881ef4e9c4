package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Identifier types of the documents an officer may see.
const (
	IdentifierPESEL         = "pesel"
	IdentifierPassport      = "passport"
	IdentifierResidenceCard = "residence_card"
	IdentifierOther         = "other"
)

// Verification methods.
const (
	MethodInPerson = "in_person"
	MethodVerifier = "verifier"
)

const maxIdentifier = 64

// VerifyInput is a verification of a resident: the document type and number
// the officer saw, and how (empty Method: in person).
type VerifyInput struct {
	AccountID      uuid.UUID
	IdentifierType string
	Identifier     string
	Method         string
}

// NormalizeIdentifier canonicalises a document number so that the same
// document always gives the same hash: upper case, without spaces and
// hyphens. A PESEL must be 11 digits with a valid check digit. Errors are
// INVALID_INPUT on "identifierType" or "identifier".
func NormalizeIdentifier(typ, identifier string) (string, string, error) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	switch typ {
	case IdentifierPESEL, IdentifierPassport, IdentifierResidenceCard, IdentifierOther:
	default:
		return "", "", apperr.Invalid("identifierType", keyIdentifierTypeInvalid)
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(identifier) {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) { // Pd: every dash, not only '-'
			continue
		}
		b.WriteRune(r)
	}
	id := b.String()
	invalid := apperr.Invalid("identifier", keyIdentifierInvalid)
	if id == "" || utf8.RuneCountInString(id) > maxIdentifier || !utf8.ValidString(id) {
		return "", "", invalid
	}
	for _, r := range id {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r)
		if typ == IdentifierOther {
			ok = ok || r == '/' || r == '.'
		}
		if !ok {
			return "", "", invalid
		}
	}
	if typ == IdentifierPESEL && !validPESEL(id) {
		return "", "", invalid
	}
	return typ, id, nil
}

// validPESEL checks length, digits and the check digit (weights 1 3 7 9).
func validPESEL(s string) bool {
	if len(s) != 11 {
		return false
	}
	weights := [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i := range 11 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 10 {
			sum += weights[i] * int(s[i]-'0')
		}
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// HashIdentifier normalises an identifier and returns its keyed hash
// HMAC-SHA256(key, type+":"+identifier) under the current key, with the key
// id. Other domains (e.g. civic-budget voters) use it so that one document
// hashes the same everywhere.
func (s *Service) HashIdentifier(typ, identifier string) ([]byte, string, error) {
	typ, id, err := NormalizeIdentifier(typ, identifier)
	if err != nil {
		return nil, "", err
	}
	if len(s.cfg.IdentifierKey) == 0 || s.cfg.IdentifierKeyID == "" {
		return nil, "", errors.New("identity: identifier key not configured")
	}
	return identifierMAC(s.cfg.IdentifierKey, typ, id), s.cfg.IdentifierKeyID, nil
}

// identifierHashes returns the hash under the current key followed by the
// hashes under retired keys, to find duplicates across a key rotation.
func (s *Service) identifierHashes(typ, id string) [][]byte {
	out := [][]byte{identifierMAC(s.cfg.IdentifierKey, typ, id)}
	ids := make([]string, 0, len(s.cfg.PreviousIdentifierKeys))
	for k := range s.cfg.PreviousIdentifierKeys {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	for _, k := range ids {
		out = append(out, identifierMAC(s.cfg.PreviousIdentifierKeys[k], typ, id))
	}
	return out
}

func identifierMAC(key []byte, typ, id string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(typ + ":" + id))
	return m.Sum(nil)
}

// VerifyResident records that an officer saw an identity document of the
// account's holder, making the account a verified resident (may vote). The
// caller needs "verify_resident" on a verification object and may not
// verify themselves. Only the keyed hash of the identifier is stored: an
// identifier that verified another account is ErrIdentifierUsed, an
// account verified before ErrAlreadyVerified. The act is audited without
// the identifier or its type (which would hint at the person's origin).
func (s *Service) VerifyResident(ctx context.Context, in VerifyInput) (Account, error) {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return Account{}, apperr.ErrUnauthenticated
	}
	// Residents are verified at any city office or voting point: an official
	// of any unit or a ballot officer of any edition may do it, so the object
	// lies in every domain where the caller holds one of those roles.
	domains, err := authz.DomainsWithRoles(ctx, s.pool, subj.AccountID, authz.RoleOfficial, authz.RoleBallotOfficer)
	if err != nil {
		return Account{}, err
	}
	if err := authz.Require(ctx, "verify_resident", authz.Object{Type: "verification", ID: in.AccountID.String(), Domains: domains}); err != nil {
		return Account{}, err
	}
	if in.AccountID == subj.AccountID {
		return Account{}, apperr.New(apperr.Forbidden, keySelfVerification)
	}
	method := strings.TrimSpace(in.Method)
	if method == "" {
		method = MethodInPerson
	}
	if method != MethodInPerson && method != MethodVerifier {
		return Account{}, apperr.Invalid("method", keyMethodInvalid)
	}
	typ, id, err := NormalizeIdentifier(in.IdentifierType, in.Identifier)
	if err != nil {
		return Account{}, err
	}
	if len(s.cfg.IdentifierKey) == 0 || s.cfg.IdentifierKeyID == "" {
		return Account{}, errors.New("identity: identifier key not configured")
	}
	hashes := s.identifierHashes(typ, id)
	var acc Account
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var verified bool
		err := tx.QueryRow(ctx, `select exists (select 1 from verifications v where v.account_id = a.id)
			from accounts a where a.id = $1 and a.deleted_at is null for update`, in.AccountID).Scan(&verified)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if verified {
			return ErrAlreadyVerified
		}
		var used bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from verifications where identifier_hash = any($1))`, hashes).Scan(&used); err != nil {
			return fmt.Errorf("check identifier: %w", err)
		}
		if used {
			return ErrIdentifierUsed
		}
		var vid uuid.UUID
		err = tx.QueryRow(ctx, `insert into verifications (account_id, identifier_hash, key_id, method, verified_by)
			values ($1, $2, $3, $4, $5) returning id`, in.AccountID, hashes[0], s.cfg.IdentifierKeyID, method, subj.AccountID).Scan(&vid)
		if c, ok := uniqueViolation(err); ok {
			if c == "verifications_account_id_key" {
				return ErrAlreadyVerified
			}
			return ErrIdentifierUsed
		}
		if err != nil {
			return fmt.Errorf("insert verification: %w", err)
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{
			ActorID: subj.AccountID, Action: "resident.verify", ObjectType: "account", ObjectID: in.AccountID.String(),
			Data: map[string]any{"verification_id": vid.String(), "method": method, "key_id": s.cfg.IdentifierKeyID},
		}); err != nil {
			return err
		}
		acc, err = loadAccount(ctx, tx, in.AccountID)
		return err
	})
	return acc, err
}
