package ambassador_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/db"
)

var (
	pdfBytes = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	exeBytes = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00")
)

func file(name string, data []byte) attach.File {
	return attach.File{Name: name, Content: bytes.NewReader(data)}
}

// files wires the nominations' files with small limits: 128 bytes, three
// files per nomination.
func (b *bundle) files() (*ambassador.Files, *attach.Service) {
	store := attach.New(b.pool, nil, attach.Limits{MaxBytes: 128, MaxPerOwner: 3, Types: attach.AllTypes})
	store.SetClock(b.clock.Now)
	return ambassador.NewFiles(b.svc, store), store
}

// TestFiles_NominatorsDocumentsWhileEditable: the nominator attaches and
// removes documents while nominations are open; the type is sniffed; limits
// hold with nothing written; nobody else may; after the deadline nothing
// changes.
func TestFiles_NominatorsDocumentsWhileEditable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	files, store := b.files()
	nominator, _ := b.account(t, "nominator", "pl")
	other, _ := b.account(t, "other", "pl")
	n, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)

	_, a, err := files.AddDocument(b.as(nominator), n.ID, file("list poparcia.pdf", pngBytes))
	require.NoError(t, err)
	require.Equal(t, attach.TypePNG, a.ContentType)
	require.Equal(t, "list poparcia.png", a.FileName)
	require.Equal(t, ambassador.PurposeDocument, a.Purpose)
	require.Equal(t, nominator, *a.UploadedBy)

	_, _, err = files.AddDocument(b.as(nominator), n.ID, file("wniosek.pdf", exeBytes))
	requireCode(t, err, apperr.InvalidInput, "attach.type_refused")
	_, _, err = files.AddDocument(b.as(nominator), n.ID, file("duzy.pdf", append(append([]byte{}, pdfBytes...), make([]byte, 128)...)))
	requireCode(t, err, apperr.InvalidInput, "attach.too_large")
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.attachment_add' and object_id = $1`,
		n.ID.String()).Scan(&audited))
	require.Equal(t, 1, audited, "a refused upload leaves no trace")

	// Nobody else: another resident does not see it, staff may not touch an
	// online nomination's documents, the anonymous are not signed in.
	_, _, err = files.AddDocument(b.as(other), n.ID, file("x.pdf", pdfBytes))
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, _, err = files.AddDocument(b.coordinator, n.ID, file("x.pdf", pdfBytes))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, _, err = files.AddDocument(b.as(uuid.Nil), n.ID, file("x.pdf", pdfBytes))
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = files.Remove(b.as(other), a.ID)
	requireCode(t, err, apperr.NotFound, "ambassador.attachment_not_found")

	for i := range 2 {
		b.clock.Set(b.clock.Now().Add(time.Second))
		_, _, err = files.AddDocument(b.as(nominator), n.ID, file("zdjecie.pdf", pdfBytes))
		require.NoError(t, err, i)
	}
	_, _, err = files.AddDocument(b.as(nominator), n.ID, file("czwarty.pdf", pdfBytes))
	requireCode(t, err, apperr.InvalidInput, "attach.too_many")
	list, err := files.Of(b.as(nominator), n)
	require.NoError(t, err)
	require.Len(t, list, 3)
	require.Equal(t, "list poparcia.png", list[0].FileName)

	_, err = files.Remove(b.as(nominator), list[2].ID)
	require.NoError(t, err)
	d, err := store.Open(b.as(nominator), a.ID)
	require.NoError(t, err)
	require.Equal(t, pngBytes, d.Content)
	_, err = store.Open(b.as(other), a.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = store.Open(b.coordinator, a.ID)
	require.NoError(t, err, "staff see a nomination's documents")

	// After the deadline the nominator changes nothing, to the second.
	b.clock.Set(b.edition.Schedule.NominationsClose)
	_, _, err = files.AddDocument(b.as(nominator), n.ID, file("spozniony.pdf", pdfBytes))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")
	_, err = files.Remove(b.as(nominator), a.ID)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")
}

// TestFiles_StaffScansSeenByStaffOnly: staff attach the scan of a paper
// form and of a signed consent; the nominator sees neither, and no
// download reaches them; a form scan needs a staff-entered nomination.
func TestFiles_StaffScansSeenByStaffOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	files, store := b.files()
	nominator, _ := b.account(t, "nominator", "pl")
	online, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	paper, err := b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: b.person("Olena", ""),
		Channel: ambassador.ChannelPaper, ReceivedAt: b.start, NominatorName: "Maria Nowak"})
	require.NoError(t, err)

	_, form, err := files.AttachScan(b.coordinator, paper.ID, ambassador.ScanForm, file("formularz.pdf", pdfBytes))
	require.NoError(t, err)
	require.Equal(t, ambassador.PurposeFormScan, form.Purpose)
	_, _, err = files.AttachScan(b.coordinator, online.ID, ambassador.ScanForm, file("formularz.pdf", pdfBytes))
	requireCode(t, err, apperr.Conflict, "ambassador.scan_form_online")
	_, consent, err := files.AttachScan(b.coordinator, online.ID, ambassador.ScanConsent, file("zgoda.pdf", pdfBytes))
	require.NoError(t, err)
	_, _, err = files.AttachScan(b.as(nominator), online.ID, ambassador.ScanConsent, file("zgoda.pdf", pdfBytes))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, _, err = files.AddDocument(b.coordinator, paper.ID, file("zalacznik.pdf", pdfBytes))
	require.NoError(t, err, "staff add documents to a nomination they entered")

	mine, err := files.Of(b.as(nominator), online)
	require.NoError(t, err)
	require.Empty(t, mine, "the consent scan is staff's")
	all, err := files.Of(b.coordinator, online)
	require.NoError(t, err)
	require.Len(t, all, 1)
	_, err = store.Open(b.as(nominator), consent.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = store.Open(b.coordinator, consent.ID)
	require.NoError(t, err)
	_, err = files.Remove(b.as(nominator), consent.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	// Until the check's end.
	b.clock.Set(b.edition.Schedule.CheckClose)
	_, _, err = files.AttachScan(b.coordinator, paper.ID, ambassador.ScanForm, file("formularz2.pdf", pdfBytes))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.entry_closed")
	b.clock.Set(b.edition.Schedule.CheckClose.Add(-time.Second))
	_, err = files.Remove(b.coordinator, form.ID)
	require.NoError(t, err)
}

// TestFiles_ErasedNomineesNominationLosesItsFiles: the nomination describes
// its nominee, so erasing them deletes its files (whichever erasure runs
// first); the uploader's export lists what they uploaded, and erasing the
// uploader keeps the files with their nomination.
func TestFiles_ErasedNomineesNominationLosesItsFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	files, store := b.files()
	nominator, _ := b.account(t, "nominator", "pl")
	nominee, nomineeEmail := b.account(t, "nominee", "pl")
	n, err := b.svc.Nominate(b.as(nominator), b.person("Nominee", nomineeEmail))
	require.NoError(t, err)
	other, err := b.svc.Nominate(b.as(nominator), b.person("Someone", "someone@x.test"))
	require.NoError(t, err)
	_, a, err := files.AddDocument(b.as(nominator), n.ID, file("o niej.pdf", pdfBytes))
	require.NoError(t, err)
	_, kept, err := files.AddDocument(b.as(nominator), other.ID, file("o kims.pdf", pdfBytes))
	require.NoError(t, err)

	export := func(p interface {
		Export(context.Context, *db.Tx, uuid.UUID) (any, error)
	}, account uuid.UUID) string {
		var out []byte
		require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
			v, err := p.Export(b.ctx, tx, account)
			if err != nil {
				return err
			}
			out, err = json.Marshal(v)
			return err
		}))
		return string(out)
	}
	uploaded := export(store.PersonalData(), nominator)
	require.Contains(t, uploaded, `"fileName":"o niej.pdf"`)
	require.Contains(t, uploaded, `"fileName":"o kims.pdf"`)
	require.Contains(t, uploaded, `"sha256":"`+a.SHA256Hex()+`"`)
	require.Contains(t, export(files.PersonalData(), nominee), `"fileName":"o niej.pdf"`)
	require.NotContains(t, export(files.PersonalData(), nominee), "o kims")

	// The Ambassador's erasure first (the nominee's name is gone), then the files'.
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if err := b.svc.PersonalData().Erase(b.ctx, tx, nominee); err != nil {
			return err
		}
		return files.PersonalData().Erase(b.ctx, tx, nominee)
	}))
	_, err = store.Open(b.coordinator, a.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = store.Open(b.coordinator, kept.ID)
	require.NoError(t, err)

	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error { return store.PersonalData().Erase(b.ctx, tx, nominator) }))
	require.Equal(t, "[]", export(store.PersonalData(), nominator))
	left, err := files.Of(b.coordinator, other)
	require.NoError(t, err)
	require.Len(t, left, 1)
	require.Nil(t, left[0].UploadedBy)
}
