package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// scoringFixture is an Ambassador edition with eligible nominations in
// SCORING, moved there through the API by its coordinator.
type scoringFixture struct {
	*ambassadorFixture
	edition  string
	cats     map[string]string // kind → category id
	criteria []string          // in order
}

// newScoringFixture opens (and publishes) an edition of year; criteria is
// a GraphQL list literal of AmbassadorCriterionInput, "" for the defaults.
func newScoringFixture(t *testing.T, cf *callerFixture, year int, criteria string) *scoringFixture {
	t.Helper()
	f := &scoringFixture{ambassadorFixture: &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}, cats: map[string]string{}}
	b := f.b
	f.edition, _ = f.ambassadorFixture.edition(t, year, true)
	if criteria != "" {
		f.ok(t, b.gql(t, `mutation($e: ID!) { updateAmbassadorEdition(input: {editionId: $e, criteria: `+criteria+`}) { edition { id } } }`,
			map[string]any{"e": f.edition}, withToken(f.coord)))
	}
	f.ok(t, b.gql(t, `mutation($e: ID!) { publishAmbassadorEdition(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.coord)))
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { categories { id kind } criteria { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	for _, c := range dig(res.Data, "ambassadorEdition", "categories").([]any) {
		f.cats[c.(map[string]any)["kind"].(string)] = c.(map[string]any)["id"].(string)
	}
	for _, c := range dig(res.Data, "ambassadorEdition", "criteria").([]any) {
		f.criteria = append(f.criteria, c.(map[string]any)["id"].(string))
	}
	return f
}

// account signs up and confirms a new account.
func (f *scoringFixture) account(t *testing.T, email string) string {
	t.Helper()
	tok := f.b.signUp(t, email)
	f.b.confirm(t, email)
	return tok
}

// nominateAs nominates name (contact email) in the category of kind.
func (f *scoringFixture) nominateAs(t *testing.T, token, kind, name, email string) string {
	t.Helper()
	return f.ok(t, f.b.gql(t, nominateMutation, map[string]any{"e": f.edition, "c": f.cats[kind], "n": name, "m": email},
		withToken(token)), "nominateForAmbassador", "nomination", "id")
}

// toScoring records every nomination's consent on paper, closes the
// nominations, checks each eligible and opens the scoring.
func (f *scoringFixture) toScoring(t *testing.T, nominations ...string) {
	t.Helper()
	b := f.b
	for _, n := range nominations {
		f.ok(t, b.gql(t, `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "skan/zgoda"}) { nomination { id } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	f.move(t, "FORMAL_CHECK")
	for _, n := range nominations {
		f.ok(t, b.gql(t, `mutation($n: ID!) { checkAmbassadorNomination(input: {nominationId: $n, eligible: true}) { nomination { status } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	f.move(t, "SCORING")
}

func (f *scoringFixture) move(t *testing.T, to string) {
	t.Helper()
	f.decided(t, f.edition, to)
	f.ok(t, f.b.gql(t, `mutation($e: ID!, $to: AmbassadorPhase!) { moveAmbassadorEdition(input: {editionId: $e, to: $to,
		reason: "Koordynatorka przesuwa fazę."}) { edition { phase } } }`, map[string]any{"e": f.edition, "to": to}, withToken(f.coord)))
}

const declareMutation = `mutation($n: ID!, $d: AmbassadorDeclaration!, $note: String) { declareAmbassadorConflict(input: {nominationId: $n,
	declaration: $d, note: $note}) { nomination { myReview { declaration conflict } } } }`

func (f *scoringFixture) declare(t *testing.T, token, nomination, declaration string) gqlResponse {
	t.Helper()
	return f.b.gql(t, declareMutation, map[string]any{"n": nomination, "d": declaration}, withToken(token))
}

const scoresMutation = `mutation($n: ID!, $s: [AmbassadorScoreInput!]!, $submit: Boolean!) { saveAmbassadorScores(input: {nominationId: $n,
	scores: $s, submit: $submit}) { sheet { status weighted scores { points } } } }`

// score saves a sheet with points on the criteria in order (fewer points
// than criteria: a partial sheet).
func (f *scoringFixture) score(t *testing.T, token, nomination string, submit bool, points ...int) gqlResponse {
	t.Helper()
	var s []map[string]any
	for i, p := range points {
		s = append(s, map[string]any{"criterionId": f.criteria[i], "points": p})
	}
	return f.b.gql(t, scoresMutation, map[string]any{"n": nomination, "s": s, "submit": submit}, withToken(token))
}

const commentMutation = `mutation($n: ID!, $b: String!) { commentOnAmbassadorNomination(input: {nominationId: $n, body: $b}) {
	comment { body staff jurorNumber } } }`

func (f *scoringFixture) comment(t *testing.T, token, nomination, body string) gqlResponse {
	t.Helper()
	return f.b.gql(t, commentMutation, map[string]any{"n": nomination, "b": body}, withToken(token))
}

// juryView is everything one caller sees of one nomination's scores, by
// every path: the edition's list (with its nested fields), node(id:), the
// ranking and the caller's GDPR export.
type juryView struct {
	listed     bool
	listSheets any // scoreSheets through the list; nil when not listed
	listTalk   any
	node       map[string]any // nil: not visible
	ranked     bool           // the nomination is in the ranking the caller sees
	ranking    any            // the ranking (nil: none)
	table      any
}

func (f *scoringFixture) view(t *testing.T, token, nomination string) juryView {
	t.Helper()
	var opts []reqOpt
	if token != "" {
		opts = append(opts, withToken(token))
	}
	var v juryView
	res := f.b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { nominations { totalCount edges { node { id
		scoreSheets { jurorNumber } discussion { body } } } }
		ranking { category { kind } entries { nominationId scorerCount mean rank tied } }
		scoreTable { rows { nominationId } } } }`, map[string]any{"e": f.edition}, opts...)
	require.Empty(t, res.Errors)
	for _, e := range dig(res.Data, "ambassadorEdition", "nominations", "edges").([]any) {
		if dig(e, "node", "id") == nomination {
			v.listed = true
			v.listSheets, v.listTalk = dig(e, "node", "scoreSheets"), dig(e, "node", "discussion")
		}
	}
	v.ranking = dig(res.Data, "ambassadorEdition", "ranking")
	v.table = dig(res.Data, "ambassadorEdition", "scoreTable")
	if v.ranking != nil {
		for _, c := range v.ranking.([]any) {
			for _, e := range c.(map[string]any)["entries"].([]any) {
				if e.(map[string]any)["nominationId"] == nomination {
					v.ranked = true
				}
			}
		}
	}
	res = f.b.gql(t, `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { id nominee { name email guardianEmail } nominatorName
		checkNote myReview { declaration conflict conflictFixed seesScores mayScore sheet { status } }
		scoreSheets { jurorNumber status recused scores { points } } discussion { body staff recused } } } }`,
		map[string]any{"n": nomination}, opts...)
	require.Empty(t, res.Errors)
	if n, ok := res.Data["node"].(map[string]any); ok {
		v.node = n
	}
	return v
}

// exportOf is the Ambassador's jury section of the caller's GDPR export.
func (f *scoringFixture) exportOf(t *testing.T, token string) map[string]any {
	t.Helper()
	res := f.b.gql(t, `{ me { dataExport } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &export))
	a := dig(export, "domains", "ambassador").(map[string]any)
	return map[string]any{"declarations": a["juryDeclarations"], "sheets": a["jurySheets"], "comments": a["juryComments"]}
}

// TestAmbassadorScoring_HiddenUntilOwnSubmission walks every path (the
// edition's list with its nested fields, node(id:), the ranking, the
// score table, the GDPR export) for a juror before and after submitting,
// jurors in conflict (declared, automatic, added by the coordinator), a
// juror of another edition, the nominator and the anonymous caller, in
// SCORING, after scoring closes and at the announcement.
func TestAmbassadorScoring_HiddenUntilOwnSubmission(t *testing.T) {
	t.Parallel()
	cf := &callerFixture{consultationFixture: newConsultationFixture(t)}
	f := newScoringFixture(t, cf, 2025, "")
	b := f.b
	nominator := f.account(t, "zglaszajaca.jury@example.org")
	early, late := f.account(t, "juror.wczesny@example.org"), f.account(t, "juror.pozny@example.org")
	declared, auto := f.account(t, "juror.deklaracja@example.org"), f.account(t, "juror.auto@example.org")
	added, other := f.account(t, "juror.koordynator@example.org"), f.account(t, "juror.inny.rok@example.org")
	for _, j := range []string{early, late, declared, auto, added} {
		f.grantJuror(t, j, f.edition)
	}
	otherEdition, _ := f.ambassadorFixture.edition(t, 2024, false)
	f.grantJuror(t, other, otherEdition)
	// The nominee's contact is the automatic juror's e-mail.
	x := f.nominateAs(t, nominator, "INDIVIDUAL", "Anna Kowalska", "juror.auto@example.org")
	notChecked := f.nominateAs(t, nominator, "INDIVIDUAL", "Bez zgody", "bez.zgody.jury@example.org")

	// Before SCORING the jury sees no nomination.
	v := f.view(t, early, x)
	require.False(t, v.listed)
	require.Nil(t, v.node)
	f.toScoring(t, x)
	require.Equal(t, "NOT_FOUND", f.declare(t, early, notChecked, "NONE").code(), "the jury sees eligible nominations only")

	// A juror who has not declared sees the nomination's own content, no
	// contacts, no nominator, no scores, and cannot score.
	v = f.view(t, early, x)
	require.True(t, v.listed)
	require.Nil(t, v.listSheets)
	require.Nil(t, v.listTalk)
	require.Equal(t, map[string]any{"name": "Anna Kowalska", "email": nil, "guardianEmail": nil}, v.node["nominee"])
	require.Nil(t, v.node["nominatorName"])
	require.Nil(t, v.node["checkNote"])
	require.Equal(t, map[string]any{"declaration": nil, "conflict": nil, "conflictFixed": false, "seesScores": false,
		"mayScore": false, "sheet": nil}, v.node["myReview"])
	require.Nil(t, v.node["scoreSheets"])
	require.Nil(t, v.node["discussion"])
	require.Nil(t, v.ranking)
	res := f.score(t, early, x, false, 5)
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "declaration", res.Errors[0].Extensions["field"])

	// Declarations: none; a conflict with a note; the automatic one is fixed;
	// the coordinator adds one, which the juror cannot take back.
	require.Empty(t, f.declare(t, early, x, "NONE").Errors)
	require.Empty(t, f.declare(t, late, x, "NONE").Errors)
	res = b.gql(t, declareMutation, map[string]any{"n": x, "d": "CONFLICT", "note": "Pracowałam z nominowaną."}, withToken(declared))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"declaration": "CONFLICT", "conflict": "DECLARED"}, dig(res.Data, "declareAmbassadorConflict", "nomination", "myReview"))
	require.Equal(t, "CONFLICT", f.declare(t, auto, x, "NONE").code())
	res = b.gql(t, `mutation($n: ID!, $a: ID!) { addAmbassadorConflict(input: {nominationId: $n, accountId: $a,
		reason: "Juror jest w zarządzie fundacji nominowanej."}) { nomination { juryConflicts { displayName declaration conflict } } } }`,
		map[string]any{"n": x, "a": b.accountID(t, added)}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "CONFLICT", f.declare(t, added, x, "NONE").code())

	// Scores: a draft may be partial; submitting needs every criterion,
	// each in its scale; the conflicted cannot score.
	require.Empty(t, f.score(t, early, x, false, 7, 8).Errors)
	require.Equal(t, "INVALID_INPUT", f.score(t, early, x, true, 7, 8).code())
	require.Equal(t, "INVALID_INPUT", f.score(t, early, x, true, 7, 8, 11, 5).code())
	res = f.score(t, early, x, true, 7, 8, 9, 6)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "SUBMITTED", "weighted": "7.50", "scores": []any{
		map[string]any{"points": float64(7)}, map[string]any{"points": float64(8)}, map[string]any{"points": float64(9)},
		map[string]any{"points": float64(6)}}}, dig(res.Data, "saveAmbassadorScores", "sheet"))
	require.Equal(t, "CONFLICT", f.score(t, early, x, false, 7).code(), "a submitted sheet stays submitted")
	require.Empty(t, f.score(t, late, x, false, 3).Errors)
	for _, j := range []string{declared, auto, added} {
		require.Equal(t, "FORBIDDEN", f.score(t, j, x, false, 3).code())
	}

	// The discussion: staff and a juror who has submitted; not before.
	require.Empty(t, f.comment(t, f.coord, x, "Proszę o uwagi do kryterium drugiego.").Errors)
	res = f.comment(t, early, x, "Bardzo dobre efekty.")
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"body": "Bardzo dobre efekty.", "staff": false, "jurorNumber": float64(1)},
		dig(res.Data, "commentOnAmbassadorNomination", "comment"))
	require.Equal(t, "INVALID_INPUT", f.comment(t, late, x, "Jeszcze nie oceniłem.").code())
	require.Equal(t, "FORBIDDEN", f.comment(t, declared, x, "Mam konflikt.").code())

	// What each one sees while scoring is open.
	v = f.view(t, early, x)
	require.Equal(t, []any{map[string]any{"jurorNumber": float64(1)}}, v.listSheets)
	require.Len(t, v.listTalk, 2)
	require.Equal(t, []any{map[string]any{"jurorNumber": float64(1), "status": "SUBMITTED", "recused": false, "scores": []any{
		map[string]any{"points": float64(7)}, map[string]any{"points": float64(8)}, map[string]any{"points": float64(9)},
		map[string]any{"points": float64(6)}}}}, v.node["scoreSheets"])
	require.Nil(t, v.ranking, "jurors see the ranking once scoring has closed")

	v = f.view(t, late, x)
	require.True(t, v.listed)
	require.Nil(t, v.listSheets)
	require.Nil(t, v.listTalk)
	require.Nil(t, v.node["scoreSheets"])
	require.Nil(t, v.node["discussion"])
	require.Equal(t, map[string]any{"status": "DRAFT"}, dig(v.node, "myReview", "sheet"))

	conflicted := map[string]string{declared: "DECLARED", auto: "NOMINEE", added: "COORDINATOR"}
	for j, reason := range conflicted {
		v = f.view(t, j, x)
		require.True(t, v.listed, reason)
		require.Nil(t, v.listSheets, reason)
		require.Nil(t, v.listTalk, reason)
		require.Nil(t, v.node["scoreSheets"], reason)
		require.Nil(t, v.node["discussion"], reason)
		require.Equal(t, reason, dig(v.node, "myReview", "conflict"))
		require.Equal(t, reason != "DECLARED", dig(v.node, "myReview", "conflictFixed"))
		require.Nil(t, v.ranking, reason)
	}
	for who, tok := range map[string]string{"other edition's juror": other, "anonymous": ""} {
		v = f.view(t, tok, x)
		require.False(t, v.listed, who)
		require.Nil(t, v.node, who)
		require.Nil(t, v.ranking, who)
		require.Nil(t, v.table, who)
	}
	v = f.view(t, nominator, x)
	require.True(t, v.listed)
	require.Nil(t, v.listSheets)
	require.Nil(t, v.node["scoreSheets"])
	require.Nil(t, v.node["discussion"])
	require.Nil(t, v.node["myReview"])
	require.Equal(t, "juror.auto@example.org", dig(v.node, "nominee", "email"), "the nominator sees their own nomination's contact")
	require.Nil(t, v.ranking)

	// Staff see everything: drafts, every conflict.
	v = f.view(t, f.coord, x)
	require.Len(t, v.node["scoreSheets"], 2)
	require.Len(t, v.node["discussion"], 2)
	require.True(t, v.ranked)
	res = b.gql(t, `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { juryConflicts { declaration conflict note } } } }`,
		map[string]any{"n": x}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.ElementsMatch(t, []any{
		map[string]any{"declaration": "NONE", "conflict": nil, "note": nil},
		map[string]any{"declaration": "NONE", "conflict": nil, "note": nil},
		map[string]any{"declaration": "CONFLICT", "conflict": "DECLARED", "note": "Pracowałam z nominowaną."},
		map[string]any{"declaration": nil, "conflict": "NOMINEE", "note": nil},
		map[string]any{"declaration": "CONFLICT", "conflict": "COORDINATOR", "note": "Juror jest w zarządzie fundacji nominowanej."},
	}, dig(res.Data, "node", "juryConflicts"))

	// The GDPR export of a juror holds their own acts only.
	ex := f.exportOf(t, early)
	require.Len(t, ex["declarations"], 1)
	require.Equal(t, "none", dig(ex["declarations"].([]any)[0], "declaration"))
	require.Len(t, ex["sheets"], 1)
	require.Len(t, dig(ex["sheets"].([]any)[0], "scores"), 4)
	require.Len(t, ex["comments"], 1)
	ex = f.exportOf(t, late)
	require.Len(t, ex["sheets"], 1)
	require.Nil(t, dig(ex["sheets"].([]any)[0], "submittedAt"))
	require.Empty(t, ex["comments"])
	ex = f.exportOf(t, declared)
	require.Equal(t, "Pracowałam z nominowaną.", dig(ex["declarations"].([]any)[0], "note"))
	require.Empty(t, ex["sheets"])

	// Scoring closes: a juror without a conflict sees the sheets (submitted
	// ones only: the late juror's draft never counted) and the ranking; the
	// conflicted still see nothing of it, and it is not in their ranking.
	f.move(t, "DECISION")
	require.Equal(t, "PHASE_CLOSED", f.score(t, late, x, true, 1, 2, 3, 4).code())
	v = f.view(t, late, x)
	require.Equal(t, []any{map[string]any{"jurorNumber": float64(1)}}, v.listSheets)
	require.Len(t, v.node["discussion"], 2)
	require.True(t, v.ranked)
	for j, reason := range conflicted {
		v = f.view(t, j, x)
		require.Nil(t, v.node["scoreSheets"], reason)
		require.Nil(t, v.node["discussion"], reason)
		require.NotNil(t, v.ranking, reason)
		require.False(t, v.ranked, reason)
		require.Nil(t, v.table, reason)
	}
	for who, tok := range map[string]string{"other edition's juror": other, "anonymous": "", "nominator": nominator} {
		v = f.view(t, tok, x)
		require.Nil(t, v.ranking, who)
		require.Nil(t, v.table, who)
		if v.node != nil {
			require.Nil(t, v.node["scoreSheets"], who)
		}
	}

	// A late recusal: the early juror declares a conflict; their sheet and
	// comment stop counting and showing (staff see them marked).
	require.Empty(t, f.declare(t, early, x, "CONFLICT").Errors)
	require.Equal(t, "CONFLICT", f.declare(t, early, x, "NONE").code(), "scoring has closed: a declared conflict is final")
	v = f.view(t, late, x)
	require.Equal(t, []any{}, v.node["scoreSheets"])
	require.Equal(t, []any{map[string]any{"body": "Proszę o uwagi do kryterium drugiego.", "staff": true, "recused": false}}, v.node["discussion"])
	v = f.view(t, f.coord, x)
	require.Equal(t, true, dig(v.node["scoreSheets"].([]any)[0], "recused"))
	entry := dig(v.ranking.([]any)[1], "entries").([]any)[0]
	require.Equal(t, map[string]any{"nominationId": x, "scorerCount": float64(0), "mean": nil, "rank": nil, "tied": false}, entry)

	// The announcement: the score table is public, juror names hidden.
	f.move(t, "ANNOUNCEMENT")
	v = f.view(t, "", x)
	require.NotNil(t, v.ranking)
	require.Equal(t, map[string]any{"rows": []any{map[string]any{"nominationId": x}}}, v.table)
	v = f.view(t, declared, x)
	require.Nil(t, v.node["scoreSheets"], "the nested path stays closed to a conflicted juror")
}

// TestAmbassadorRanking_HandComputedWithTiesRecusalsAndMissingScores: three
// criteria weighted 2, 1, 1 on 0–10 (Σ weights 4), three jurors.
//
//	A: J1 8,6,7 (29), J2 9,9,4 (31, then recused late), J3 5,5,5 (20) → (29+20)/(2·4) = 49/8 = 6.125 → "6.13"
//	B: J1 7,7,7 (28), J2 8,6,6 (28), J3 6,8,8 (28) → 84/12 = 7
//	C: J1 7,7,7 (28), J2 8,6,6 (28), J3 is its nominee (automatic conflict) → 56/8 = 7: tied with B
//	D: only J1's draft → not ranked
//	O1 (organisations): J1 10,10,10 → 40/4 = 10; O2: J2 0,0,1 → 1/4 = 0.25
//
// The score table is public at the announcement, names published; erasing
// a juror keeps their scores counted under their number.
func TestAmbassadorRanking_HandComputedWithTiesRecusalsAndMissingScores(t *testing.T) {
	t.Parallel()
	cf := &callerFixture{consultationFixture: newConsultationFixture(t)}
	f := newScoringFixture(t, cf, 2025, `[{name: {locale: PL, text: "Długość"}, weight: 2}, {name: {locale: PL, text: "Efekty"}, weight: 1},
		{name: {locale: PL, text: "Innowacyjność"}, weight: 1}]`)
	b := f.b
	nominator := f.account(t, "zglaszajacy.ranking@example.org")
	j1, j2, j3 := f.account(t, "j1@example.org"), f.account(t, "j2@example.org"), f.account(t, "j3@example.org")
	for _, j := range []string{j1, j2, j3} {
		f.grantJuror(t, j, f.edition)
	}
	a := f.nominateAs(t, nominator, "INDIVIDUAL", "A", "a@example.org")
	bb := f.nominateAs(t, nominator, "INDIVIDUAL", "B", "b@example.org")
	c := f.nominateAs(t, nominator, "INDIVIDUAL", "C", "j3@example.org")
	d := f.nominateAs(t, nominator, "INDIVIDUAL", "D", "d@example.org")
	o1 := f.nominateAs(t, nominator, "ORGANISATION", "O1", "o1@example.org")
	o2 := f.nominateAs(t, nominator, "ORGANISATION", "O2", "o2@example.org")
	f.toScoring(t, a, bb, c, d, o1, o2)
	for _, j := range []string{j1, j2, j3} {
		for _, n := range []string{a, bb, c, d, o1, o2} {
			res := f.declare(t, j, n, "NONE")
			if j == j3 && n == c {
				require.Equal(t, "CONFLICT", res.code())
				continue
			}
			require.Empty(t, res.Errors)
		}
	}
	submit := func(token, n string, points ...int) {
		t.Helper()
		require.Empty(t, f.score(t, token, n, true, points...).Errors)
	}
	submit(j1, a, 8, 6, 7)
	submit(j2, a, 9, 9, 4)
	submit(j3, a, 5, 5, 5)
	submit(j1, bb, 7, 7, 7)
	submit(j2, bb, 8, 6, 6)
	submit(j3, bb, 6, 8, 8)
	submit(j1, c, 7, 7, 7)
	submit(j2, c, 8, 6, 6)
	require.Equal(t, "FORBIDDEN", f.score(t, j3, c, true, 10, 10, 10).code())
	require.Empty(t, f.score(t, j1, d, false, 5).Errors)
	submit(j1, o1, 9, 9, 9)
	submit(j1, o1, 10, 10, 10) // revised
	submit(j2, o2, 0, 0, 1)
	require.Empty(t, f.declare(t, j2, a, "CONFLICT").Errors)

	// The coordinator publishes the jurors' names: alone, on a published
	// edition, until the announcement.
	setNames := `mutation($e: ID!, $p: Boolean!) { updateAmbassadorEdition(input: {editionId: $e, publishJurorNames: $p}) { edition { publishJurorNames } } }`
	res := b.gql(t, setNames, map[string]any{"e": f.edition, "p": true}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, true, dig(res.Data, "updateAmbassadorEdition", "edition", "publishJurorNames"))
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($e: ID!) { updateAmbassadorEdition(input: {editionId: $e, publishJurorNames: false,
		organisationTitles: 3}) { edition { id } } }`, map[string]any{"e": f.edition}, withToken(f.coord)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, setNames, map[string]any{"e": f.edition, "p": false}, withToken(j1)).code())

	entry := func(n, name string, scorers int, mean, fraction any, rank any, tied bool) map[string]any {
		return map[string]any{"nominationId": n, "nomineeName": name, "scorerCount": float64(scorers), "mean": mean,
			"meanFraction": fraction, "rank": rank, "tied": tied}
	}
	want := []any{
		map[string]any{"category": map[string]any{"kind": "ORGANISATION"}, "entries": []any{
			entry(o1, "O1", 1, "10.00", "10", float64(1), false),
			entry(o2, "O2", 1, "0.25", "1/4", float64(2), false)}},
		map[string]any{"category": map[string]any{"kind": "INDIVIDUAL"}, "entries": []any{
			entry(bb, "B", 3, "7.00", "7", float64(1), true),
			entry(c, "C", 2, "7.00", "7", float64(1), true),
			entry(a, "A", 2, "6.13", "49/8", float64(3), false),
			entry(d, "D", 0, nil, nil, nil, false)}},
	}
	ranking := func(token string) any {
		t.Helper()
		var opts []reqOpt
		if token != "" {
			opts = append(opts, withToken(token))
		}
		res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { ranking { category { kind }
			entries { nominationId nomineeName scorerCount mean meanFraction rank tied } } } }`, map[string]any{"e": f.edition}, opts...)
		require.Empty(t, res.Errors)
		return dig(res.Data, "ambassadorEdition", "ranking")
	}
	require.Equal(t, want, ranking(f.coord))
	require.Nil(t, ranking(j1))
	f.move(t, "DECISION")
	require.Equal(t, want, ranking(j1))
	require.Nil(t, ranking(""))
	f.move(t, "ANNOUNCEMENT")
	require.Equal(t, want, ranking(""))
	require.Equal(t, "PHASE_CLOSED", b.gql(t, setNames, map[string]any{"e": f.edition, "p": false}, withToken(f.coord)).code())

	table := func() []any {
		t.Helper()
		res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { scoreTable { jurorNames criteria { weight }
			rows { nomineeName category rank mean sheets { jurorNumber jurorName points weighted } } } } }`, map[string]any{"e": f.edition})
		require.Empty(t, res.Errors)
		require.Equal(t, true, dig(res.Data, "ambassadorEdition", "scoreTable", "jurorNames"))
		require.Equal(t, []any{map[string]any{"weight": float64(2)}, map[string]any{"weight": float64(1)}, map[string]any{"weight": float64(1)}},
			dig(res.Data, "ambassadorEdition", "scoreTable", "criteria"))
		return dig(res.Data, "ambassadorEdition", "scoreTable", "rows").([]any)
	}
	sheet := func(number int, name any, weighted string, points ...int) map[string]any {
		ps := []any{}
		for _, p := range points {
			ps = append(ps, float64(p))
		}
		return map[string]any{"jurorNumber": float64(number), "jurorName": name, "points": ps, "weighted": weighted}
	}
	rows := table()
	require.Len(t, rows, 6)
	require.Equal(t, map[string]any{"nomineeName": "A", "category": "INDIVIDUAL", "rank": float64(3), "mean": "6.13", "sheets": []any{
		sheet(1, "Tester", "7.25", 8, 6, 7), sheet(3, "Tester", "5.00", 5, 5, 5)}}, rows[4])
	require.Equal(t, []any{sheet(1, "Tester", "7.00", 7, 7, 7), sheet(2, "Tester", "7.00", 8, 6, 6), sheet(3, "Tester", "7.00", 6, 8, 8)},
		dig(rows[2], "sheets"))

	// Erasing J1's account keeps the scores counted, under their number.
	res = b.gql(t, `mutation($pw: String!) { deleteAccount(input: {password: $pw}) { deletedAccountId } }`,
		map[string]any{"pw": matrixPassword}, withToken(j1))
	require.Empty(t, res.Errors)
	require.Equal(t, want, ranking(""))
	rows = table()
	require.Equal(t, []any{sheet(1, nil, "7.25", 8, 6, 7), sheet(3, "Tester", "5.00", 5, 5, 5)}, dig(rows[4], "sheets"))
}
