package graph_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

var _ = matrixFor("ambassador.graphqls")

// Callers of the Ambassador's matrix besides callerFixture's.
const (
	callerJuror      = "juror"       // a juror of the edition tried
	callerOtherJuror = "other_juror" // a juror of another edition
	callerNominator  = "nominator"   // who nominated the nomination tried
	callerNominee    = "nominee"     // an account whose e-mail is the nominee's
	callerChair      = "chair"       // the chair of the edition's jury
)

type ambassadorFixture struct {
	*callerFixture
	tokens map[string]string
	// jurors are the tokens of the jurors granted, by edition.
	jurors map[string][]string
}

func (f *ambassadorFixture) ok(t *testing.T, res gqlResponse, path ...string) string {
	t.Helper()
	require.Empty(t, res.Errors)
	if len(path) == 0 {
		return ""
	}
	return dig(res.Data, path...).(string)
}

const ambassadorCall = `[{locale: PL, text: "Nabór"}, {locale: UK, text: "Прийом"}, {locale: EN, text: "Call"}, {locale: RU, text: "Приём"}]`

// edition creates an edition of year whose nominations opened an hour ago
// (published unless draft), and returns its id and its individuals' category.
func (f *ambassadorFixture) edition(t *testing.T, year int, draft bool) (id, individuals string) {
	t.Helper()
	open := time.Now().Add(-time.Hour)
	at := func(days int) string { return open.Add(time.Duration(days) * 24 * time.Hour).Format(time.RFC3339) }
	id = f.ok(t, f.b.gql(t, `mutation($y: Int!, $s: AmbassadorScheduleInput!) { createAmbassadorEdition(input: {year: $y, schedule: $s,
		call: `+ambassadorCall+`}) { edition { id } } }`, map[string]any{"y": year, "s": map[string]any{
		"nominationsOpen": at(0), "nominationsClose": at(10), "checkClose": at(15), "scoringClose": at(25),
		"decisionClose": at(30), "announceAt": at(31)}}, withToken(f.coord)), "createAmbassadorEdition", "edition", "id")
	if !draft {
		f.ok(t, f.b.gql(t, `mutation($e: ID!) { publishAmbassadorEdition(input: {editionId: $e}) { edition { id } } }`,
			map[string]any{"e": id}, withToken(f.coord)))
	}
	res := f.b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { categories { id kind } } }`, map[string]any{"e": id}, withToken(f.coord))
	require.Empty(t, res.Errors)
	for _, c := range dig(res.Data, "ambassadorEdition", "categories").([]any) {
		if c.(map[string]any)["kind"] == "INDIVIDUAL" {
			individuals = c.(map[string]any)["id"].(string)
		}
	}
	return id, individuals
}

const nominateMutation = `mutation($e: ID!, $c: ID!, $n: String!, $m: String!) { nominateForAmbassador(input: {editionId: $e, categoryId: $c,
	nominee: {name: $n, email: $m}, links: ["https://example.org"]}) { nomination { id status } } }`

func (f *ambassadorFixture) nominate(t *testing.T, token, edition, category, email string) string {
	t.Helper()
	return f.ok(t, f.b.gql(t, nominateMutation, map[string]any{"e": edition, "c": category, "n": "Kandydatka", "m": email},
		withToken(token)), "nominateForAmbassador", "nomination", "id")
}

func (f *ambassadorFixture) grantJuror(t *testing.T, token, edition string) {
	t.Helper()
	_, key, _ := gid.Decode(edition)
	_, account, _ := gid.Decode(f.b.accountID(t, token))
	require.NoError(t, db.InTx(t.Context(), f.b.pool, func(tx *db.Tx) error {
		return f.b.authz.Grant(t.Context(), tx, account, authz.RoleJuror, ambassador.Domain(key), uuid.Nil)
	}))
	if f.jurors == nil {
		f.jurors = map[string][]string{}
	}
	f.jurors[edition] = append(f.jurors[edition], token)
}

// decided runs decideAmbassador on edition with its jurors before a move
// past the jury's decision (to the audience vote or the announcement).
func (f *ambassadorFixture) decided(t *testing.T, edition, to string) {
	t.Helper()
	if to == "AUDIENCE_VOTE" || to == "ANNOUNCEMENT" {
		decideAmbassador(t, f.b, f.coord, edition, f.jurors[edition]...)
	}
}

// TestAmbassadorMutations_PermissionMatrix tries every mutation of
// ambassador.graphqls with every kind of caller, including a juror of the
// edition, a juror of another edition, the nominator and the nominee.
// Coordinators and admins run editions; any confirmed account nominates;
// only the nominator edits and withdraws; nobody but staff enters, records
// consent or checks; consent by link is anonymous, the token its proof.
func TestAmbassadorMutations_PermissionMatrix(t *testing.T) {
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
	spare := b.signUp(t, "juror.zapasowy@example.org")
	f.grantJuror(t, spare, edition)
	draft, _ := f.edition(t, 2026, true)
	toPublish, _ := f.edition(t, 2027, true)
	nomination := f.nominate(t, f.tokens[callerNominator], edition, individuals, "nominowana@example.org")
	toWithdraw := f.nominate(t, f.tokens[callerNominator], edition, individuals, "inna@example.org")
	noConsent := f.nominate(t, f.tokens[callerNominator], edition, individuals, "bez.zgody@example.org")
	toResend := f.nominate(t, f.tokens[callerNominator], edition, individuals, "ponownie@example.org")
	// An edition in its formal check, with a consented nomination: the
	// coordinator closed its nominations early by hand.
	checked, checkedCat := f.edition(t, 2023, false)
	toCheck := f.nominate(t, f.tokens[callerNominator], checked, checkedCat, "sprawdzana@example.org")
	f.ok(t, b.gql(t, `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "skan/1"}) { nomination { id } } }`,
		map[string]any{"n": toCheck}, withToken(f.coord)))
	f.ok(t, b.gql(t, `mutation($e: ID!) { moveAmbassadorEdition(input: {editionId: $e, to: FORMAL_CHECK,
		reason: "Nabór zamknięty wcześniej."}) { edition { id } } }`, map[string]any{"e": checked}, withToken(f.coord)))
	toMove, _ := f.edition(t, 2022, false)
	var err error

	staff := []string{callerCoordinator, callerAdmin}
	confirmed := f.callerFixture.callers(callerAnonymous, callerUnconfirmed)
	confirmed = append(confirmed, callerJuror, callerOtherJuror, callerNominator, callerNominee)
	now := time.Now().Add(-time.Minute).Format(time.RFC3339)
	jurorID := b.accountID(t, f.tokens[callerJuror])

	names := []string{"giveAmbassadorConsent"}
	try := func(name, query string, vars map[string]any, allowed []string, mode matrixMode) {
		t.Helper()
		names = append(names, name)
		tryEveryCaller(t, b, f.tokens, name, query, vars, allowed, nil, mode)
	}
	try("createAmbassadorEdition", `mutation($s: AmbassadorScheduleInput!) { createAmbassadorEdition(input: {year: 2040, schedule: $s}) { edition { id } } }`,
		map[string]any{"s": map[string]any{"nominationsOpen": "2040-01-01T00:00:00Z", "nominationsClose": "2040-06-30T00:00:00Z",
			"checkClose": "2040-07-15T00:00:00Z", "scoringClose": "2040-08-15T00:00:00Z", "decisionClose": "2040-09-01T00:00:00Z",
			"announceAt": "2040-09-15T00:00:00Z"}}, staff, firstAllowedSucceeds)
	try("updateAmbassadorEdition", `mutation($e: ID!) { updateAmbassadorEdition(input: {editionId: $e, organisationTitles: 3}) { edition { id } } }`,
		map[string]any{"e": draft}, staff, everyAllowedSucceeds)
	try("publishAmbassadorEdition", `mutation($e: ID!) { publishAmbassadorEdition(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": toPublish}, staff, firstAllowedSucceeds)
	try("inviteAmbassadorJuror", `mutation($e: ID!) { inviteAmbassadorJuror(input: {editionId: $e, email: "nowy.juror@example.org"}) { invitation { id } } }`,
		map[string]any{"e": edition}, staff, everyAllowedSucceeds)
	try("setAmbassadorJuryChair", `mutation($e: ID!, $a: ID!) { setAmbassadorJuryChair(input: {editionId: $e, accountId: $a}) { edition { jurors { chair } } } }`,
		map[string]any{"e": edition, "a": jurorID}, staff, everyAllowedSucceeds)
	try("removeAmbassadorJuror", `mutation($e: ID!, $a: ID!) { removeAmbassadorJuror(input: {editionId: $e, accountId: $a}) { edition { id } } }`,
		map[string]any{"e": edition, "a": b.accountID(t, spare)}, staff, firstAllowedSucceeds)
	try("nominateForAmbassador", nominateMutation, map[string]any{"e": edition, "c": individuals, "n": "Ktoś", "m": "ktos@example.org"},
		confirmed, everyAllowedSucceeds)
	try("enterAmbassadorNomination", `mutation($e: ID!, $c: ID!, $r: DateTime!) { enterAmbassadorNomination(input: {editionId: $e, categoryId: $c,
		nominee: {name: "Z poczty"}, channel: POST, receivedAt: $r, scanRef: "skan/2", nominatorName: "Jan Nowak"}) { nomination { staffEntered } } }`,
		map[string]any{"e": edition, "c": individuals, "r": now}, staff, everyAllowedSucceeds)
	try("editAmbassadorNomination", `mutation($n: ID!) { editAmbassadorNomination(input: {nominationId: $n, links: []}) { nomination { links } } }`,
		map[string]any{"n": nomination}, []string{callerNominator}, everyAllowedSucceeds)
	try("withdrawAmbassadorNomination", `mutation($n: ID!) { withdrawAmbassadorNomination(input: {nominationId: $n}) { nomination { status } } }`,
		map[string]any{"n": toWithdraw}, []string{callerNominator}, everyAllowedSucceeds)
	try("recordAmbassadorConsent", `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "skan/3"}) { nomination { consent { channel } } } }`,
		map[string]any{"n": noConsent}, staff, firstAllowedSucceeds)
	try("checkAmbassadorNomination", `mutation($n: ID!) { checkAmbassadorNomination(input: {nominationId: $n, eligible: true}) { nomination { status } } }`,
		map[string]any{"n": toCheck}, staff, everyAllowedSucceeds)
	try("moveAmbassadorEdition", `mutation($e: ID!) { moveAmbassadorEdition(input: {editionId: $e, to: FORMAL_CHECK,
		reason: "Wszystkie zgłoszenia już wpłynęły."}) { edition { phase phaseChanges { from to scheduled } } } }`,
		map[string]any{"e": toMove}, staff, firstAllowedSucceeds)
	try("resendAmbassadorConsentLink", `mutation($n: ID!) { resendAmbassadorConsentLink(input: {nominationId: $n}) { nomination { id } } }`,
		map[string]any{"n": toResend}, staff, everyAllowedSucceeds)
	requireMatrixCoversFile(t, "ambassador.graphqls", names)

	// Consent by link: anonymous, the token is the proof; a wrong one is
	// NOT_FOUND for everyone; the right one works once.
	_, nominationKey, _ := gid.Decode(nomination)
	// Here the test puts a link of its own in place of the e-mailed one (the
	// real e-mailed link: TestAmbassador_ConsentJuryAndGDPRThroughTheAPI).
	token := "a-consent-token-of-the-test-that-is-long-43"
	sum := sha256.Sum256([]byte(token))
	_, err = b.pool.Exec(t.Context(), `update ambassador_consent_tokens set revoked_at = now() where nomination_id = $1`, nominationKey)
	require.NoError(t, err)
	_, err = b.pool.Exec(t.Context(), `insert into ambassador_consent_tokens (nomination_id, token_hash, created_at, expires_at)
		values ($1, $2, now(), now() + interval '1 day')`, nominationKey, sum[:])
	require.NoError(t, err)
	consent := `mutation($t: String!) { giveAmbassadorConsent(input: {token: $t}) { year category nomineeName } }`
	for caller, tok := range f.tokens {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		require.Equal(t, "NOT_FOUND", b.gql(t, consent, map[string]any{"t": "wrong"}, opts...).code(), caller)
	}
	res := b.gql(t, consent, map[string]any{"t": token})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"year": float64(2025), "category": "INDIVIDUAL", "nomineeName": "Kandydatka"}, dig(res.Data, "giveAmbassadorConsent"))
	require.Equal(t, "NOT_FOUND", b.gql(t, consent, map[string]any{"t": token}).code())
}

// TestAmbassadorNominations_SeenOnlyByNominatorAndStaff: nominees are not
// public; every list item is also visible through node(id:); drafts are
// the staff's and their jurors'.
func TestAmbassadorNominations_SeenOnlyByNominatorAndStaff(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}
	edition, individuals := f.edition(t, 2025, false)
	draft, _ := f.edition(t, 2026, true)
	mine := f.nominate(t, f.tokens[callerResident], edition, individuals, "kandydat@example.org")
	f.nominate(t, f.tokens[callerVerified], edition, individuals, "kandydatka@example.org")

	list := `query($e: ID!) { ambassadorEdition(id: $e) { nominations { totalCount edges { node { id nominee { name email } } } } } }`
	count := func(token string) (int, []any) {
		var opts []reqOpt
		if token != "" {
			opts = append(opts, withToken(token))
		}
		res := b.gql(t, list, map[string]any{"e": edition}, opts...)
		require.Empty(t, res.Errors)
		return int(dig(res.Data, "ambassadorEdition", "nominations", "totalCount").(float64)),
			dig(res.Data, "ambassadorEdition", "nominations", "edges").([]any)
	}
	n, _ := count("")
	require.Equal(t, 0, n)
	n, _ = count(f.tokens[callerNGOMember])
	require.Equal(t, 0, n)
	n, _ = count(f.tokens[callerOfficial])
	require.Equal(t, 0, n)
	n, edges := count(f.tokens[callerResident])
	require.Equal(t, 1, n)
	require.Equal(t, mine, dig(edges[0], "node", "id"))
	n, edges = count(f.coord)
	require.Equal(t, 2, n)
	for _, e := range edges {
		res := b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": dig(e, "node", "id")}, withToken(f.coord))
		require.Empty(t, res.Errors)
		require.Equal(t, dig(e, "node", "id"), dig(res.Data, "node", "id"))
	}
	res := b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": mine}, withToken(f.tokens[callerVerified]))
	require.Empty(t, res.Errors)
	require.Nil(t, dig(res.Data, "node"))

	editions := `{ ambassadorEditions { totalCount } }`
	res = b.gql(t, editions, nil)
	require.Equal(t, float64(1), dig(res.Data, "ambassadorEditions", "totalCount"))
	res = b.gql(t, editions, nil, withToken(f.coord))
	require.Equal(t, float64(2), dig(res.Data, "ambassadorEditions", "totalCount"))
	res = b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { id } }`, map[string]any{"e": draft}, withToken(f.tokens[callerResident]))
	require.Nil(t, dig(res.Data, "ambassadorEdition"))
	res = b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { jurors { displayName } viewerCan { manage nominate } } }`,
		map[string]any{"e": edition}, withToken(f.tokens[callerResident]))
	require.Empty(t, res.Errors)
	require.Nil(t, dig(res.Data, "ambassadorEdition", "jurors"))
	require.Equal(t, map[string]any{"manage": false, "nominate": true}, dig(res.Data, "ambassadorEdition", "viewerCan"))
}
