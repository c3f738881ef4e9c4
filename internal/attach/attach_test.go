package attach_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Small real files of each kind (their first bytes are what counts).
var (
	pdf  = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
	png  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	jpeg = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
	webp = []byte("RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	exe  = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00")
	elf  = []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00")
)

type entry struct {
	name, body string
	store      bool
}

func zipOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e.store {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		require.NoError(t, err)
		_, err = w.Write([]byte(e.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

const docxTypes = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const docmTypes = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`

func TestSniff_KnowsTypesByTheirBytesOnly(t *testing.T) {
	t.Parallel()
	odt := zipOf(t, entry{"mimetype", attach.TypeODT, true}, entry{"content.xml", "<office:document-content/>", false})
	docx := zipOf(t, entry{"[Content_Types].xml", docxTypes, false}, entry{"word/document.xml", "<w:document/>", false})
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"pdf": {pdf, attach.TypePDF}, "png": {png, attach.TypePNG}, "jpeg": {jpeg, attach.TypeJPEG}, "webp": {webp, attach.TypeWebP},
		"odt": {odt, attach.TypeODT}, "docx": {docx, attach.TypeDOCX},
		"exe": {exe, ""}, "elf": {elf, ""}, "html": {[]byte("<!DOCTYPE html><script>alert(1)</script>"), ""},
		"text":             {[]byte("just some text"), ""},
		"shell":            {[]byte("#!/bin/sh\nrm -rf /\n"), ""},
		"plain zip":        {zipOf(t, entry{"a.txt", "a", false}), ""},
		"odt spreadsheet":  {zipOf(t, entry{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", true}), ""},
		"odt deflated":     {zipOf(t, entry{"mimetype", attach.TypeODT, false}), ""},
		"docm (macros)":    {zipOf(t, entry{"[Content_Types].xml", docmTypes, false}, entry{"word/document.xml", "<w:document/>", false}), ""},
		"docx with vba":    {zipOf(t, entry{"[Content_Types].xml", docxTypes, false}, entry{"word/document.xml", "x", false}, entry{"word/vbaProject.bin", "x", false}), ""},
		"docx no document": {zipOf(t, entry{"[Content_Types].xml", docxTypes, false}), ""},
	} {
		got, ok := attach.Sniff(c.data)
		require.Equal(t, c.want, got, name)
		require.Equal(t, c.want != "", ok, name)
	}
}

func TestFileName_KeepsTheBaseWithTheSniffedExtension(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"skan.pdf":              "skan.png",
		"C:\\Users\\x\\zdj.JPG": "zdj.png",
		"../../etc/passwd":      "passwd.png",
		"zgoda.png":             "zgoda.png",
		"":                      "attachment.png",
		".png":                  "png.png",
		"a\"b\x00c\n.png":       "abc.png",
		"Wniosek – Łódź.pdf":    "Wniosek – Łódź.png",
	} {
		require.Equal(t, want, attach.FileName(in, attach.TypePNG), in)
	}
	long := attach.FileName(string(bytes.Repeat([]byte("ż"), 300))+".pdf", attach.TypePDF)
	require.LessOrEqual(t, len(long), 255)
	require.True(t, len(long) > 240 && long[len(long)-4:] == ".pdf", long)
}

type fixture struct {
	pool *pgxpool.Pool
	svc  *attach.Service
}

// setup is a fresh database and a service with small limits: 64 bytes, two
// files per owner, PDF and PNG.
func setup(t *testing.T) *fixture {
	t.Helper()
	pool := pgtest.Pool(t)
	return &fixture{pool: pool, svc: attach.New(pool, nil,
		attach.Limits{MaxBytes: 64, MaxPerOwner: 2, Types: []string{attach.TypePDF, attach.TypePNG}})}
}

func (f *fixture) add(t *testing.T, owner attach.Owner, name string, data []byte) (*attach.Attachment, error) {
	t.Helper()
	var a *attach.Attachment
	err := db.InTx(t.Context(), f.pool, func(tx *db.Tx) error {
		var err error
		a, err = f.svc.Add(t.Context(), tx, owner, "document", attach.File{Name: name, Content: bytes.NewReader(data)}, uuid.Nil)
		return err
	})
	return a, err
}

func (f *fixture) count(t *testing.T) (meta, blobs int) {
	t.Helper()
	require.NoError(t, f.pool.QueryRow(t.Context(), `select (select count(*) from attachments), (select count(*) from attachment_blobs)`).
		Scan(&meta, &blobs))
	return meta, blobs
}

// TestAdd_RefusesWhatBreaksALimitAndWritesNothing: the type comes from the
// bytes (a PNG named .pdf is a PNG, an executable named .pdf is refused),
// with the size and count limits; a refusal leaves no row behind.
func TestAdd_RefusesWhatBreaksALimitAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner := attach.Owner{Kind: "thing", ID: uuid.New()}

	a, err := f.add(t, owner, "skan.pdf", png)
	require.NoError(t, err)
	require.Equal(t, attach.TypePNG, a.ContentType)
	require.Equal(t, "skan.png", a.FileName)
	require.Equal(t, int64(len(png)), a.Size)
	sum := sha256.Sum256(png)
	require.Equal(t, hex.EncodeToString(sum[:]), a.SHA256Hex())

	for name, c := range map[string]struct {
		data []byte
		key  string
	}{
		"exe":   {exe, "attach.type_refused"},
		"jpeg":  {jpeg, "attach.type_refused"}, // recognised, but not among this service's types
		"big":   {append(append([]byte{}, pdf...), bytes.Repeat([]byte(" "), 64)...), "attach.too_large"},
		"empty": {nil, "attach.empty"},
	} {
		_, err := f.add(t, owner, name+".pdf", c.data)
		require.Equal(t, apperr.InvalidInput, apperr.CodeOf(err), name)
		var e *apperr.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, c.key, e.Key, name)
	}
	meta, blobs := f.count(t)
	require.Equal(t, []int{1, 1}, []int{meta, blobs})

	_, err = f.add(t, owner, "wniosek.pdf", pdf)
	require.NoError(t, err)
	_, err = f.add(t, owner, "trzeci.pdf", pdf)
	require.ErrorIs(t, err, attach.ErrTooMany)
	_, err = f.add(t, attach.Owner{Kind: "thing", ID: uuid.New()}, "inny.pdf", pdf)
	require.NoError(t, err, "the limit is per owner")
	meta, blobs = f.count(t)
	require.Equal(t, []int{3, 3}, []int{meta, blobs})
}

// TestOpen_AsksTheOwnersGuard: a file is served only if its owner kind's
// guard lets the caller see it; a refusal is NOT_FOUND, as for a file that
// does not exist; removal deletes the bytes too.
func TestOpen_AsksTheOwnersGuard(t *testing.T) {
	t.Parallel()
	f := setup(t)
	allowed := uuid.New()
	f.svc.Guard("thing", func(_ context.Context, a *attach.Attachment) error {
		if a.Owner.ID == allowed {
			return nil
		}
		return apperr.New(apperr.Forbidden, "x")
	})
	mine, err := f.add(t, attach.Owner{Kind: "thing", ID: allowed}, "a.pdf", pdf)
	require.NoError(t, err)
	theirs, err := f.add(t, attach.Owner{Kind: "thing", ID: uuid.New()}, "b.pdf", pdf)
	require.NoError(t, err)
	unguarded, err := f.add(t, attach.Owner{Kind: "other", ID: allowed}, "c.pdf", pdf)
	require.NoError(t, err)

	d, err := f.svc.Open(t.Context(), mine.ID)
	require.NoError(t, err)
	require.Equal(t, pdf, d.Content)
	require.Equal(t, "a.pdf", d.FileName)
	_, err = f.svc.Open(t.Context(), theirs.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.Open(t.Context(), uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.Open(t.Context(), unguarded.ID)
	require.Error(t, err)
	require.NotEqual(t, apperr.NotFound, apperr.CodeOf(err), "a kind nobody guards is a wiring error, not a 404")

	require.NoError(t, db.InTx(t.Context(), f.pool, func(tx *db.Tx) error { return f.svc.Remove(t.Context(), tx, mine.ID) }))
	_, err = f.svc.Open(t.Context(), mine.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	meta, blobs := f.count(t)
	require.Equal(t, []int{2, 2}, []int{meta, blobs})
}
