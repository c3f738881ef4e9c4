package identity_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/identity"
)

// A PESEL with a valid check digit (4·1+4·3+0·7+5·9+1·1+4·3+0·7+1·9+3·1+5·3 = 101 → 9).
const pesel = "44051401359"

func TestVerifyResident_StoresOnlyAKeyedHashAndAudits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	officer, officerCtx := b.admin(t)
	resident, _ := b.signUp(t, "voter@example.com")

	got, err := b.svc.VerifyResident(officerCtx, identity.VerifyInput{
		AccountID: resident.ID, IdentifierType: "pesel", Identifier: " 440514-01 359 ", Method: "in_person",
	})
	require.NoError(t, err)
	require.True(t, got.Verified)
	acc, err := b.svc.Account(b.ctx, resident.ID)
	require.NoError(t, err)
	require.True(t, acc.Verified)

	var (
		stored       []byte
		keyID, meth  string
		verifiedBy   uuid.UUID
		rowAsJSONish string
	)
	require.NoError(t, b.pool.QueryRow(b.ctx, `select identifier_hash, key_id, method, verified_by, row_to_json(v)::text
		from verifications v where account_id = $1`, resident.ID).Scan(&stored, &keyID, &meth, &verifiedBy, &rowAsJSONish))
	mac := hmac.New(sha256.New, testIdentifierKey)
	mac.Write([]byte("pesel:" + pesel))
	require.Equal(t, mac.Sum(nil), stored)
	plain := sha256.Sum256([]byte("pesel:" + pesel))
	require.NotEqual(t, plain[:], stored, "an unkeyed hash could be reversed by trying every PESEL")
	require.False(t, bytes.Contains(stored, []byte(pesel)))
	require.NotContains(t, rowAsJSONish, pesel)
	require.Equal(t, "k1", keyID)
	require.Equal(t, "in_person", meth)
	require.Equal(t, officer.ID, verifiedBy)

	var auditRow string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select row_to_json(a)::text from audit_log a
		where action = 'resident.verify' and object_id = $1 and actor_id = $2`, resident.ID.String(), officer.ID).Scan(&auditRow))
	require.NotContains(t, auditRow, pesel)
	require.NotContains(t, auditRow, "pesel", "the document type hints at origin and is not audited")
}

func TestVerifyResident_OneIdentifierVerifiesOneAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, officerCtx := b.admin(t)
	first, _ := b.signUp(t, "first@example.com")
	second, _ := b.signUp(t, "second@example.com")

	_, err := b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: first.ID, IdentifierType: "passport", Identifier: "ab 1234567"})
	require.NoError(t, err)
	// The same document, written differently.
	_, err = b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: second.ID, IdentifierType: "passport", Identifier: "AB-1234567"})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "verification.identifier_used"))
	_, err = b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: first.ID, IdentifierType: "pesel", Identifier: pesel})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "verification.already_verified"))

	acc, err := b.svc.Account(b.ctx, second.ID)
	require.NoError(t, err)
	require.False(t, acc.Verified)
	_, err = b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: second.ID, IdentifierType: "pesel", Identifier: pesel})
	require.NoError(t, err)
}

func TestVerifyResident_DuplicatesAreFoundAcrossAKeyRotation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, officerCtx := b.admin(t)
	first, _ := b.signUp(t, "first@example.com")
	second, _ := b.signUp(t, "second@example.com")
	_, err := b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: first.ID, IdentifierType: "residence_card", Identifier: "RA1234567"})
	require.NoError(t, err)

	rotated := b.with(func(c *identity.Config) {
		c.IdentifierKey, c.IdentifierKeyID = []byte("the new key"), "k2"
		c.PreviousIdentifierKeys = map[string][]byte{"k1": testIdentifierKey}
	})
	_, err = rotated.VerifyResident(officerCtx, identity.VerifyInput{AccountID: second.ID, IdentifierType: "residence_card", Identifier: "RA1234567"})
	require.ErrorIs(t, err, identity.ErrIdentifierUsed)
	_, err = rotated.VerifyResident(officerCtx, identity.VerifyInput{AccountID: second.ID, IdentifierType: "residence_card", Identifier: "RA7654321"})
	require.NoError(t, err)
	var keyID string
	require.NoError(t, b.pool.QueryRow(b.ctx, "select key_id from verifications where account_id = $1", second.ID).Scan(&keyID))
	require.Equal(t, "k2", keyID)
}

func TestVerifyResident_IsAuthorisedAndValidated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	officer, officerCtx := b.admin(t)
	resident, _ := b.signUp(t, "r@example.com")
	other, _ := b.signUp(t, "o@example.com")
	in := identity.VerifyInput{AccountID: resident.ID, IdentifierType: "pesel", Identifier: pesel}

	_, err := b.svc.VerifyResident(b.ctx, in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.VerifyResident(b.as(other), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: officer.ID, IdentifierType: "pesel", Identifier: pesel})
	require.ErrorIs(t, err, apperr.New(apperr.Forbidden, "verification.self"), "nobody verifies themselves")
	_, err = b.svc.VerifyResident(officerCtx, identity.VerifyInput{AccountID: uuid.New(), IdentifierType: "pesel", Identifier: pesel})
	require.ErrorIs(t, err, apperr.ErrNotFound)

	invalid := []struct {
		in    identity.VerifyInput
		field string
	}{
		{identity.VerifyInput{IdentifierType: "pesel", Identifier: "44051401358"}, "identifier"}, // bad check digit
		{identity.VerifyInput{IdentifierType: "pesel", Identifier: "4405140135"}, "identifier"},
		{identity.VerifyInput{IdentifierType: "pesel", Identifier: "4405140135X"}, "identifier"},
		{identity.VerifyInput{IdentifierType: "passport", Identifier: " - "}, "identifier"},
		{identity.VerifyInput{IdentifierType: "passport", Identifier: "AB/123"}, "identifier"},
		{identity.VerifyInput{IdentifierType: "dowod", Identifier: "ABC123456"}, "identifierType"},
		{identity.VerifyInput{IdentifierType: "pesel", Identifier: pesel, Method: "by_phone"}, "method"},
	}
	for _, c := range invalid {
		c.in.AccountID = resident.ID
		_, err := b.svc.VerifyResident(officerCtx, c.in)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, c.in)
		require.Equal(t, apperr.InvalidInput, e.Code, c.in)
		require.Equal(t, c.field, e.Field, c.in)
	}
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, "select count(*) from verifications").Scan(&n))
	require.Zero(t, n)
}

func TestNormalizeIdentifier(t *testing.T) {
	t.Parallel()
	cases := []struct{ typ, in, wantType, want string }{
		{"pesel", "440514 01359", "pesel", pesel},
		{"PESEL", "44051401359", "pesel", pesel},
		{"passport", "ab–123 456", "passport", "AB123456"}, // en dash
		{"residence_card", "ra-1234567", "residence_card", "RA1234567"},
		{"other", "kp/12.3", "other", "KP/12.3"},
		{"other", "жк 77", "other", "ЖК77"},
	}
	for _, c := range cases {
		typ, got, err := identity.NormalizeIdentifier(c.typ, c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.wantType, typ)
		require.Equal(t, c.want, got)
	}
	for _, p := range []string{"02070803628", "02270803624", "90090515836"} { // valid, incl. a 2000s birth date
		_, _, err := identity.NormalizeIdentifier("pesel", p)
		require.NoError(t, err, p)
	}
	for _, p := range []string{"02070803629", "00000000001", "123", "440514013590"} {
		_, _, err := identity.NormalizeIdentifier("pesel", p)
		require.ErrorIs(t, err, apperr.Invalid("identifier", "verification.identifier_invalid"), p)
	}
}

func TestVerifyResident_AnOfficialOfAnyUnitMayVerify(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unit := b.cityUnit(t, "urzad-dzielnicy")
	official, _ := b.signUp(t, "official@example.com")
	ngoMember, _ := b.signUp(t, "member@example.com")
	resident, _ := b.signUp(t, "resident@example.com")
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, 'official', $2)`, official.ID, unit)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))

	in := identity.VerifyInput{AccountID: resident.ID, IdentifierType: "pesel", Identifier: pesel}
	_, err = b.svc.VerifyResident(b.as(ngoMember), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	acc, err := b.svc.VerifyResident(b.as(official), in)
	require.NoError(t, err)
	require.True(t, acc.Verified)
}
