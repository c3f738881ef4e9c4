package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

var _ = matrixFor("ambassador_nominations.graphqls")

const (
	addAttachmentMutation = `mutation($n: ID!, $file: Upload!) { addAmbassadorNominationAttachment(input: {nominationId: $n, file: $file}) {
		attachment { id fileName contentType size sha256 purpose downloadPath } nomination { attachments { id } } } }`
	attachScanMutation = `mutation($n: ID!, $k: AmbassadorScanKind!, $file: Upload!) { attachAmbassadorScan(input: {nominationId: $n, kind: $k,
		file: $file}) { attachment { id purpose downloadPath } } }`
	removeAttachmentMutation = `mutation($a: ID!) { removeAmbassadorNominationAttachment(input: {attachmentId: $a}) {
		nomination { attachments { id } } } }`
)

// tryEveryUploader is tryEveryCaller for a mutation with a file.
func tryEveryUploader(t *testing.T, b *bundle, callers map[string]string, name, query string, vars map[string]any,
	file []byte, allowed []string, mode matrixMode) {
	t.Helper()
	var order []string
	for caller := range callers {
		if !slices.Contains(allowed, caller) {
			order = append(order, caller)
		}
	}
	order = append(order, allowed...)
	for _, caller := range order {
		var opts []reqOpt
		if tok := callers[caller]; tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.upload(t, query, vars, "plik.pdf", file, opts...)
		if slices.Contains(allowed, caller) {
			require.Empty(t, res.Errors, "%s by %s", name, caller)
			if mode == firstAllowedSucceeds {
				return
			}
			continue
		}
		require.Contains(t, matrixRefusals, res.code(), "%s by %s: %+v", name, caller, res.Errors)
		if caller == callerAnonymous {
			require.Equal(t, "UNAUTHENTICATED", res.code(), name)
		}
	}
}

// TestAmbassadorNominationsMutations_PermissionMatrix tries every mutation of
// ambassador_nominations.graphqls with every kind of caller, jurors of the
// edition and of another, the nominator and the nominee included: only the
// nominator attaches to and removes from an online nomination; only staff
// attach scans, edit what they entered and reschedule; declining is
// anonymous, the link's token its proof.
func TestAmbassadorNominationsMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: map[string]string{}}
	for k, v := range cf.tokens {
		f.tokens[k] = v
	}
	for kind, email := range map[string]string{callerJuror: "jurorka@example.org", callerOtherJuror: "juror.inny@example.org",
		callerNominator: "zglaszajaca@example.org", callerNominee: "nominowana@example.org"} {
		f.tokens[kind] = b.signUp(t, email)
		b.confirm(t, email)
	}
	edition, individuals := f.edition(t, 2025, false)
	other, _ := f.edition(t, 2024, false)
	f.grantJuror(t, f.tokens[callerJuror], edition)
	f.grantJuror(t, f.tokens[callerOtherJuror], other)
	nomination := f.nominate(t, f.tokens[callerNominator], edition, individuals, "nominowana@example.org")
	forScans := f.nominate(t, f.tokens[callerNominator], edition, individuals, "skany@example.org")
	toDecline := f.nominate(t, f.tokens[callerNominator], edition, individuals, "odmowa@example.org")
	now := time.Now().Add(-time.Minute).Format(time.RFC3339)
	entered := f.ok(t, b.gql(t, `mutation($e: ID!, $c: ID!, $r: DateTime!) { enterAmbassadorNomination(input: {editionId: $e, categoryId: $c,
		nominee: {name: "Z poczty"}, channel: POST, receivedAt: $r, nominatorName: "Jan Nowak"}) { nomination { id } } }`,
		map[string]any{"e": edition, "c": individuals, "r": now}, withToken(f.coord)), "enterAmbassadorNomination", "nomination", "id")
	toRemove := f.ok(t, b.upload(t, addAttachmentMutation, map[string]any{"n": nomination}, "list.pdf", testPDF,
		withToken(f.tokens[callerNominator])), "addAmbassadorNominationAttachment", "attachment", "id")

	staff := []string{callerCoordinator, callerAdmin}
	names := []string{"declineAmbassadorNomination"}
	try := func(name, query string, vars map[string]any, allowed []string, mode matrixMode) {
		t.Helper()
		names = append(names, name)
		tryEveryCaller(t, b, f.tokens, name, query, vars, allowed, nil, mode)
	}
	names = append(names, "addAmbassadorNominationAttachment", "attachAmbassadorScan")
	tryEveryUploader(t, b, f.tokens, "addAmbassadorNominationAttachment", addAttachmentMutation, map[string]any{"n": nomination},
		testPDF, []string{callerNominator}, everyAllowedSucceeds)
	tryEveryUploader(t, b, f.tokens, "attachAmbassadorScan", attachScanMutation, map[string]any{"n": forScans, "k": "CONSENT"},
		testPDF, staff, everyAllowedSucceeds)
	try("removeAmbassadorNominationAttachment", removeAttachmentMutation, map[string]any{"a": toRemove},
		[]string{callerNominator}, firstAllowedSucceeds)
	try("editAmbassadorEntry", `mutation($n: ID!) { editAmbassadorEntry(input: {nominationId: $n, nominatorName: "Jan Nowakowski"}) {
		nomination { nominatorName } } }`, map[string]any{"n": entered}, staff, everyAllowedSucceeds)
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { schedule { nominationsOpen nominationsClose checkClose scoringClose
		decisionClose announceAt } } }`, map[string]any{"e": edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	schedule := dig(res.Data, "ambassadorEdition", "schedule").(map[string]any)
	close, err := time.Parse(time.RFC3339, schedule["nominationsClose"].(string))
	require.NoError(t, err)
	schedule["nominationsClose"] = close.Add(48 * time.Hour).Format(time.RFC3339Nano)
	try("rescheduleAmbassadorEdition", `mutation($e: ID!, $s: AmbassadorScheduleInput!) { rescheduleAmbassadorEdition(input: {editionId: $e,
		schedule: $s, reason: "Przedłużamy nabór o dwa dni."}) { edition { schedule { nominationsClose } } } }`,
		map[string]any{"e": edition, "s": schedule}, staff, firstAllowedSucceeds)
	requireMatrixCoversFile(t, "ambassador_nominations.graphqls", names)

	// Declining by link: anonymous, a wrong token is NOT_FOUND for
	// everyone; the right one works once, and consent is then impossible.
	_, key, _ := gid.Decode(toDecline)
	token := "a-decline-token-of-the-test-that-is-long-43"
	sum := sha256.Sum256([]byte(token))
	_, err = b.pool.Exec(t.Context(), `update ambassador_consent_tokens set revoked_at = now() where nomination_id = $1`, key)
	require.NoError(t, err)
	_, err = b.pool.Exec(t.Context(), `insert into ambassador_consent_tokens (nomination_id, token_hash, created_at, expires_at)
		values ($1, $2, now(), now() + interval '1 day')`, key, sum[:])
	require.NoError(t, err)
	decline := `mutation($t: String!) { declineAmbassadorNomination(input: {token: $t}) { year category nomineeName } }`
	for caller, tok := range f.tokens {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		require.Equal(t, "NOT_FOUND", b.gql(t, decline, map[string]any{"t": "wrong"}, opts...).code(), caller)
	}
	res = b.gql(t, decline, map[string]any{"t": token})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"year": float64(2025), "category": "INDIVIDUAL", "nomineeName": "Kandydatka"},
		dig(res.Data, "declineAmbassadorNomination"))
	require.Equal(t, "NOT_FOUND", b.gql(t, decline, map[string]any{"t": token}).code())
	require.Equal(t, "NOT_FOUND", b.gql(t, `mutation($t: String!) { giveAmbassadorConsent(input: {token: $t}) { year } }`,
		map[string]any{"t": token}).code())
	res = b.gql(t, `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { status ineligibility } } }`,
		map[string]any{"n": toDecline}, withToken(f.tokens[callerNominator]))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "NOT_ELIGIBLE", "ineligibility": "DECLINED"}, dig(res.Data, "node"))
}

// TestAmbassadorAttachments_UploadSniffAndAuthorisedDownload: the nominator
// uploads through the multipart spec; the type comes from the bytes (a PNG
// named .pdf is image/png, named .png); an executable and an oversized file
// are refused; the download is the nominator's and staff's, as an
// attachment with nosniff, 404 for everyone else; a scan is staff's only.
func TestAmbassadorAttachments_UploadSniffAndAuthorisedDownload(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}
	edition, individuals := f.edition(t, 2025, false)
	nominator := f.tokens[callerResident]
	nomination := f.nominate(t, nominator, edition, individuals, "kandydatka@example.org")
	srv := b.downloads(t)
	// A juror of the edition sees no nomination before scoring (the scoring's
	// rules decide what jurors see, and the guard follows Nomination).
	juror := b.signUp(t, "jurorka.pliki@example.org")
	b.confirm(t, "jurorka.pliki@example.org")
	f.grantJuror(t, juror, edition)

	res := b.upload(t, addAttachmentMutation, map[string]any{"n": nomination}, "skan.pdf", testPNG, withToken(nominator))
	require.Empty(t, res.Errors)
	a := dig(res.Data, "addAmbassadorNominationAttachment", "attachment").(map[string]any)
	sum := sha256.Sum256(testPNG)
	require.Equal(t, "skan.png", a["fileName"])
	require.Equal(t, "image/png", a["contentType"])
	require.Equal(t, float64(len(testPNG)), a["size"])
	require.Equal(t, hex.EncodeToString(sum[:]), a["sha256"])
	require.Equal(t, "DOCUMENT", a["purpose"])
	require.Equal(t, "/attachments/"+a["id"].(string), a["downloadPath"])

	for name, c := range map[string]struct {
		file  []byte
		field string
	}{
		"program.pdf": {testEXE, "file"},
		"duzy.pdf":    {append(append([]byte{}, testPDF...), bytes.Repeat([]byte(" "), testAttachMaxBytes)...), "file"},
	} {
		res := b.upload(t, addAttachmentMutation, map[string]any{"n": nomination}, name, c.file, withToken(nominator))
		require.Equal(t, "INVALID_INPUT", res.code(), name)
		require.Equal(t, c.field, res.Errors[0].Extensions["field"], name)
	}

	path := a["downloadPath"].(string)
	for _, who := range []string{nominator, f.coord, f.tokens[callerAdmin]} {
		d := get(t, srv, path, who)
		require.Equal(t, 200, d.status)
		require.Equal(t, testPNG, d.body)
		require.Equal(t, "image/png", d.header.Get("Content-Type"))
		require.Equal(t, `attachment; filename=skan.png`, d.header.Get("Content-Disposition"))
		require.Equal(t, "nosniff", d.header.Get("X-Content-Type-Options"))
		require.Equal(t, "private, no-store", d.header.Get("Cache-Control"))
	}
	for _, who := range []string{"", f.tokens[callerVerified], f.tokens[callerOfficial], f.tokens[callerNGOMember], juror} {
		d := get(t, srv, path, who)
		require.Equal(t, 404, d.status, who)
		require.NotContains(t, string(d.body), "PNG")
	}
	require.Equal(t, 404, get(t, srv, "/attachments/nonsense", f.coord).status)
	require.Equal(t, 404, get(t, srv, "/attachments/"+gid.Encode("AmbassadorNomination", [16]byte{1}), f.coord).status)

	// A scan: staff's only, not listed for the nominator.
	res = b.upload(t, attachScanMutation, map[string]any{"n": nomination, "k": "CONSENT"}, "zgoda.pdf", testPDF, withToken(f.coord))
	require.Empty(t, res.Errors)
	scan := dig(res.Data, "attachAmbassadorScan", "attachment").(map[string]any)
	require.Equal(t, "CONSENT_SCAN", scan["purpose"])
	require.Equal(t, 404, get(t, srv, scan["downloadPath"].(string), nominator).status)
	require.Equal(t, 200, get(t, srv, scan["downloadPath"].(string), f.coord).status)
	list := `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { attachments { fileName purpose } } } }`
	res = b.gql(t, list, map[string]any{"n": nomination}, withToken(nominator))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"fileName": "skan.png", "purpose": "DOCUMENT"}}, dig(res.Data, "node", "attachments"))
	res = b.gql(t, list, map[string]any{"n": nomination}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Len(t, dig(res.Data, "node", "attachments"), 2)

	// A form scan belongs to nominations entered by staff.
	res = b.upload(t, attachScanMutation, map[string]any{"n": nomination, "k": "FORM"}, "formularz.pdf", testPDF, withToken(f.coord))
	require.Equal(t, "CONFLICT", res.code())

	// Removed: gone for everyone.
	res = b.gql(t, removeAttachmentMutation, map[string]any{"a": a["id"]}, withToken(nominator))
	require.Empty(t, res.Errors)
	require.Equal(t, 404, get(t, srv, path, f.coord).status)
}

// TestAmbassadorAttachments_ExportedToTheUploader: the GDPR export lists the
// files a person uploaded (metadata only).
func TestAmbassadorAttachments_ExportedToTheUploader(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}
	edition, individuals := f.edition(t, 2025, false)
	nominator := f.tokens[callerResident]
	nomination := f.nominate(t, nominator, edition, individuals, "kandydatka@example.org")
	f.ok(t, b.upload(t, addAttachmentMutation, map[string]any{"n": nomination}, "rekomendacja.pdf", testPDF, withToken(nominator)))
	res := b.gql(t, `{ me { dataExport } }`, nil, withToken(nominator))
	require.Empty(t, res.Errors)
	require.Contains(t, dig(res.Data, "me", "dataExport"), `"fileName": "rekomendacja.pdf"`)
}
