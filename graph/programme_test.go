package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
)

// programmeFixture is a programme of 2024–2028 made by the coordinator
// beside a dialogue body, a consultation unit and its official.
type programmeFixture struct {
	*dialogueFixture
	programme string
}

const createProgrammeMutation = `mutation($in: CreateProgrammeInput!) { createProgramme(input: $in) { programme { id slug firstYear lastYear
	name { text locale } viewerCan { manage watch } } } }`

const defineIndicatorMutation = `mutation($in: DefineIndicatorInput!) { defineIndicator(input: $in) { indicator { id code method
	unit target comparison targetScope minAttendance viewerCanEnter } } }`

const resultsQuery = `query($slug: String!, $y: Int!) { programme(slug: $slug) { results(year: $y) { indicator { code } year value status
	final explanation(locale: PL) parts { key value } sample { respondents ballots responseRate low high minGroup withheld }
	entered { year value note } } } }`

func newProgrammeFixture(t *testing.T) *programmeFixture {
	t.Helper()
	f := &programmeFixture{dialogueFixture: newDialogueFixture(t)}
	res := f.b.gql(t, createProgrammeMutation, map[string]any{"in": map[string]any{"slug": "otwarty-krakow", "firstYear": 2024, "lastYear": 2028,
		"name": []any{map[string]any{"locale": "PL", "text": "Otwarty Kraków 2024–2028"}, map[string]any{"locale": "UK", "text": "Відкритий Краків 2024–2028"}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"text": "Otwarty Kraków 2024–2028", "locale": "PL"}, dig(res.Data, "createProgramme", "programme", "name"))
	require.Equal(t, map[string]any{"manage": true, "watch": true}, dig(res.Data, "createProgramme", "programme", "viewerCan"))
	f.programme = dig(res.Data, "createProgramme", "programme", "id").(string)
	return f
}

// define defines an indicator (as the coordinator) with the given fields
// over a complete base and returns its id.
func (f *programmeFixture) define(t *testing.T, fields map[string]any) string {
	t.Helper()
	res := f.b.gql(t, defineIndicatorMutation, map[string]any{"in": f.indicatorInput(fields)}, withToken(f.coord))
	require.Empty(t, res.Errors)
	return dig(res.Data, "defineIndicator", "indicator", "id").(string)
}

func (f *programmeFixture) indicatorInput(fields map[string]any) map[string]any {
	in := map[string]any{"programmeId": f.programme, "code": "1.1", "position": 1, "goal": 1,
		"name": []any{map[string]any{"locale": "PL", "text": "Wskaźnik"}}, "unit": "COUNT", "baseline": 0, "baselineYear": 2023,
		"target": 2, "comparison": "AT_LEAST", "targetScope": "EACH_YEAR", "method": "ENTERED"}
	for k, v := range fields {
		in[k] = v
	}
	return in
}

// results reads the programme's results of year by code.
func (f *programmeFixture) results(t *testing.T, year int) map[string]map[string]any {
	t.Helper()
	res := f.b.gql(t, resultsQuery, map[string]any{"slug": "otwarty-krakow", "y": year})
	require.Empty(t, res.Errors)
	out := map[string]map[string]any{}
	for _, r := range dig(res.Data, "programme", "results").([]any) {
		m := r.(map[string]any)
		out[dig(m, "indicator", "code").(string)] = m
	}
	return out
}

// TestProgramme_DefinitionsAndEnteredValues: the coordinator defines
// indicators (refused with the field for bad input, redefined by code);
// officials of an indicator's unit enter its values with a source note,
// audited with the value replaced; nobody else may, and computed ones
// cannot be entered.
func TestProgramme_DefinitionsAndEnteredValues(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	b := f.b
	res := b.gql(t, `mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { organisation { id } } }`,
		map[string]any{"in": map[string]any{"kind": "CITY_UNIT", "name": "Wydział Inny", "slug": "wydzial-inny",
			"description": map[string]any{"locale": "PL", "text": "Inny wydział"}}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	otherUnit := dig(res.Data, "createOrganisation", "organisation", "id").(string)
	elsewhere := b.signUp(t, "urzednik-gdzie-indziej@example.org")
	b.confirm(t, "urzednik-gdzie-indziej@example.org")
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, elsewhere), "o": otherUnit}, withToken(f.coord)).Errors)

	// Only the coordinator and admins create programmes.
	newProg := func(slug string, first, last int) map[string]any {
		return map[string]any{"in": map[string]any{"slug": slug, "firstYear": first, "lastYear": last,
			"name": []any{map[string]any{"locale": "PL", "text": "Program"}}}}
	}
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, createProgrammeMutation, newProg("drugi", 2024, 2028)).code())
	for _, who := range []string{f.alice, f.official, f.moderator} {
		require.Equal(t, "FORBIDDEN", b.gql(t, createProgrammeMutation, newProg("drugi", 2024, 2028), withToken(who)).code())
	}
	require.Equal(t, "CONFLICT", b.gql(t, createProgrammeMutation, newProg("otwarty-krakow", 2024, 2028), withToken(f.coord)).code())
	for field, in := range map[string]map[string]any{"slug": newProg("Zły Skrót", 2024, 2028), "years": newProg("drugi", 2028, 2024)} {
		res := b.gql(t, createProgrammeMutation, in, withToken(f.coord))
		require.Equal(t, "INVALID_INPUT", res.code(), field)
		require.Equal(t, field, res.Errors[0].Extensions["field"], field)
	}
	var programmes int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select count(*) from programmes`).Scan(&programmes))
	require.Equal(t, 1, programmes, "nothing half-written")

	// Who may define, and bad input with its field.
	in := f.indicatorInput(map[string]any{"responsibleUnitId": f.unitID, "target": 4000, "unit": "PERSONS",
		"name": []any{map[string]any{"locale": "PL", "text": "Beneficjenci Punktu Informacyjnego dla Cudzoziemców"},
			map[string]any{"locale": "EN", "text": "Beneficiaries of the Information Point for Foreigners"}}})
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, defineIndicatorMutation, map[string]any{"in": in}).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, defineIndicatorMutation, map[string]any{"in": in}, withToken(f.official)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, defineIndicatorMutation, map[string]any{"in": in}, withToken(f.alice)).code())
	for field, bad := range map[string]map[string]any{
		"code":         {"code": "1 1"},
		"goal":         {"goal": 0},
		"target":       {"unit": "PERCENT", "target": 101},
		"targetYear":   {"targetScope": "BY_YEAR"},
		"baselineYear": {"baselineYear": 2031},
		"name":         {"name": []any{map[string]any{"locale": "PL", "text": " "}}},
		"weight":       {"weight": 0},
	} {
		bin := f.indicatorInput(bad)
		res := b.gql(t, defineIndicatorMutation, map[string]any{"in": bin}, withToken(f.coord))
		require.Equal(t, "INVALID_INPUT", res.code(), field)
		require.Equal(t, field, res.Errors[0].Extensions["field"], field)
	}
	res = b.gql(t, defineIndicatorMutation, map[string]any{"in": in}, withToken(f.coord))
	require.Empty(t, res.Errors)
	entered := dig(res.Data, "defineIndicator", "indicator", "id").(string)
	require.Equal(t, map[string]any{"id": entered, "code": "1.1", "method": "ENTERED", "unit": "PERSONS", "target": float64(4000),
		"comparison": "AT_LEAST", "targetScope": "EACH_YEAR", "minAttendance": nil, "viewerCanEnter": true},
		dig(res.Data, "defineIndicator", "indicator"))
	computed := f.define(t, map[string]any{"code": "4.1", "position": 9, "goal": 4, "method": "AMBASSADOR_NOMINATIONS", "target": 10})

	// Entering: the unit's official and the coordinator; not elsewhere, not
	// a resident, not anonymous; a computed indicator refuses.
	enter := `mutation($i: ID!, $y: Int!, $v: Float!, $n: String!) { enterIndicatorValue(input: {indicatorId: $i, year: $y, value: $v, note: $n}) {
		value { year value note enteredByName } indicator { enteredValues { year value } } } }`
	vars := func(id string, year int, v float64, note string) map[string]any {
		return map[string]any{"i": id, "y": year, "v": v, "n": note}
	}
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, enter, vars(entered, 2024, 5200, "Sprawozdanie PIK")).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, enter, vars(entered, 2024, 5200, "Sprawozdanie PIK"), withToken(f.alice)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, enter, vars(entered, 2024, 5200, "Sprawozdanie PIK"), withToken(elsewhere)).code())
	require.Equal(t, "CONFLICT", b.gql(t, enter, vars(computed, 2024, 12, "Policzone ręcznie"), withToken(f.coord)).code())
	for field, v := range map[string]map[string]any{
		"note":  vars(entered, 2024, 5200, "  "),
		"value": vars(entered, 2024, 52.5, "Sprawozdanie PIK"),
		"year":  vars(entered, 2023, 5200, "Sprawozdanie PIK"),
	} {
		res := b.gql(t, enter, v, withToken(f.official))
		require.Equal(t, "INVALID_INPUT", res.code(), field)
		require.Equal(t, field, res.Errors[0].Extensions["field"], field)
	}
	res = b.gql(t, enter, vars(entered, 2024, 5100, "Sprawozdanie Punktu Informacyjnego za 2024 r."), withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"year": float64(2024), "value": float64(5100), "note": "Sprawozdanie Punktu Informacyjnego za 2024 r.",
		"enteredByName": "Tester"}, dig(res.Data, "enterIndicatorValue", "value"))
	res = b.gql(t, enter, vars(entered, 2024, 5132, "Sprawozdanie PIK, korekta"), withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Empty(t, b.gql(t, enter, vars(entered, 2025, 3900, "Sprawozdanie PIK za 2025 r."), withToken(f.official)).Errors)
	var audits []string
	rows, err := b.pool.Query(context.Background(), `select coalesce(data->>'previous', '-') || '→' || (data->>'value')
		from audit_log where action = 'programme.value_enter' and object_id = $1 order by created_at`, rawID(t, entered))
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		audits = append(audits, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"-→5100", "5100→5132", "-→3900"}, audits, "every entry audited with the value it replaced")

	// The results: an entered value met (2024) and one not met (2025, over).
	r := f.results(t, 2024)
	require.Equal(t, float64(5132), r["1.1"]["value"])
	require.Equal(t, "MET", r["1.1"]["status"])
	require.Equal(t, true, r["1.1"]["final"])
	require.Equal(t, map[string]any{"year": float64(2024), "value": float64(5132), "note": "Sprawozdanie PIK, korekta"}, r["1.1"]["entered"])
	require.Contains(t, r["1.1"]["explanation"], "Źródło: Sprawozdanie PIK, korekta")
	r = f.results(t, 2025)
	require.Equal(t, "NOT_MET", r["1.1"]["status"])
	r = f.results(t, 2026)
	require.Nil(t, r["1.1"]["value"])
	require.Equal(t, "NOT_YET_KNOWN", r["1.1"]["status"])
	require.Equal(t, "Wartość za ten rok nie została jeszcze wpisana.", r["1.1"]["explanation"])

	// Redefined by its code: the target changes the status; names gain versions.
	f.define(t, map[string]any{"responsibleUnitId": f.unitID, "target": 5200, "unit": "PERSONS"})
	require.Equal(t, "NOT_MET", f.results(t, 2024)["1.1"]["status"])
	res = b.gql(t, `query { programmes { indicators { code name(locale: EN) { text } } } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"code": "1.1", "name": map[string]any{"text": "Beneficiaries of the Information Point for Foreigners"}},
		map[string]any{"code": "4.1", "name": map[string]any{"text": "Wskaźnik"}}},
		dig(res.Data, "programmes").([]any)[0].(map[string]any)["indicators"])
}

// TestProgramme_ComputedFromAYearOfActivity builds a year of the platform's
// activity — consultation meetings with their attendance, Ambassador
// nominations, body meetings, civic-budget survey answers above and below
// 10 — and checks every computed indicator exactly, its status changing
// when its target is met.
func TestProgramme_ComputedFromAYearOfActivity(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	b := f.b
	year := time.Now().In(warsawZone(t)).Year()
	f.define(t, map[string]any{"code": "2.2", "goal": 2, "method": "CONSULTATION_MEETINGS", "target": 2})
	f.define(t, map[string]any{"code": "4.1", "position": 2, "goal": 4, "method": "AMBASSADOR_NOMINATIONS", "target": 3})
	otherBody := f.createBody(t, true)
	f.define(t, map[string]any{"code": "2.1", "position": 3, "goal": 2, "method": "BODY_MEETINGS", "target": 2, "bodyIds": []any{f.body}})
	f.define(t, map[string]any{"code": "3.2", "position": 4, "goal": 3, "method": "BUDGET_SHARE", "unit": "PERCENT", "target": 5})
	f.define(t, map[string]any{"code": "1.2", "position": 5, "goal": 1, "method": "TRANSLATED_PROCEDURES", "target": 50,
		"targetScope": "BY_YEAR", "targetYear": 2028})
	f.define(t, map[string]any{"code": "3.1", "position": 6, "goal": 3, "method": "EVENTS", "target": 3, "organiserIds": []any{f.ngoID}})

	// Consultation meetings: A with 10 present, B with 9, C cancelled, D
	// not yet held.
	consultation, _, _ := f.openForPages(t)
	start := time.Now().Add(2 * time.Second)
	meeting := func(title string, startsAt time.Time) string {
		res := b.gql(t, `mutation($in: MeetingInput!) { createMeeting(input: $in) { meeting { id } } }`, map[string]any{"in": map[string]any{
			"consultationId": consultation, "kind": "MEETING", "title": map[string]any{"locale": "PL", "text": title},
			"startsAt": startsAt.Format(time.RFC3339Nano), "endsAt": startsAt.Add(time.Second).Format(time.RFC3339Nano),
			"place": "Dom Wielokulturowy", "languages": []string{"PL", "UK"}}}, withToken(f.official))
		require.Empty(t, res.Errors)
		return dig(res.Data, "createMeeting", "meeting", "id").(string)
	}
	a, bm, c := meeting("Spotkanie A", start), meeting("Spotkanie B", start), meeting("Spotkanie C", start)
	meeting("Spotkanie D", time.Now().Add(48*time.Hour))
	register := `mutation($id: ID!) { registerForMeeting(input: {meetingId: $id}) { meeting { id } } }`
	for _, who := range []string{f.alice, f.bob} {
		require.Empty(t, b.gql(t, register, map[string]any{"id": a}, withToken(who)).Errors)
	}
	require.Empty(t, b.gql(t, register, map[string]any{"id": bm}, withToken(f.carol)).Errors)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Sala zajęta"}) { meeting { id } } }`,
		map[string]any{"id": c}, withToken(f.official)).Errors)
	attend := `mutation($id: ID!, $a: [ID!]!, $w: Int!, $o: [ID!]!) { recordAttendance(input: {meetingId: $id, attendedAccountIds: $a,
		walkIns: $w, organisationIds: $o}) { meeting { attendedCount walkInCount organisationsPresent { id } } } }`
	time.Sleep(time.Until(start.Add(1500 * time.Millisecond)))
	res := b.gql(t, attend, map[string]any{"id": a, "a": []string{b.accountID(t, f.alice), b.accountID(t, f.bob)}, "w": 6,
		"o": []string{f.unitID, f.ngoID}}, withToken(f.official))
	require.Empty(t, res.Errors)
	got := dig(res.Data, "recordAttendance", "meeting").(map[string]any)
	require.Equal(t, []any{float64(2), float64(6)}, []any{got["attendedCount"], got["walkInCount"]})
	require.ElementsMatch(t, []any{map[string]any{"id": f.unitID}, map[string]any{"id": f.ngoID}}, got["organisationsPresent"])
	require.Equal(t, "INVALID_INPUT", b.gql(t, attend, map[string]any{"id": bm, "a": []string{}, "w": -1, "o": []string{}}, withToken(f.official)).code())
	require.Empty(t, b.gql(t, attend, map[string]any{"id": bm, "a": []string{b.accountID(t, f.carol)}, "w": 8, "o": []string{}},
		withToken(f.official)).Errors)

	// Ambassador: three nominations in an edition opened this year, one withdrawn.
	cf := &callerFixture{consultationFixture: f.consultationFixture}
	sf := newScoringFixture(t, cf, 2040, "")
	nominator := sf.account(t, "zglaszajaca.program@example.org")
	var noms []string
	for i := range 3 {
		noms = append(noms, sf.nominateAs(t, nominator, "INDIVIDUAL", fmt.Sprintf("Kandydatka %d", i), fmt.Sprintf("kandydatka%d@example.org", i)))
	}
	sf.ok(t, b.gql(t, `mutation($n: ID!) { withdrawAmbassadorNomination(input: {nominationId: $n}) { nomination { status } } }`,
		map[string]any{"n": noms[2]}, withToken(nominator)))

	// Body meetings: two of the counted body held, one not yet; one of another body.
	bodyMeeting := func(body string, startsAt time.Time) {
		in := map[string]any{"title": map[string]any{"locale": "PL", "text": "Posiedzenie"}, "startsAt": startsAt.Format(time.RFC3339Nano),
			"endsAt": startsAt.Add(time.Second).Format(time.RFC3339Nano), "place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}
		require.Empty(t, b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "meeting": in}}, withToken(f.coord)).Errors)
	}
	soon := time.Now().Add(2 * time.Second)
	bodyMeeting(f.body, soon)
	bodyMeeting(f.body, soon)
	bodyMeeting(f.body, time.Now().Add(72*time.Hour))
	bodyMeeting(otherBody, soon)
	time.Sleep(time.Until(soon.Add(1500 * time.Millisecond)))

	// Information pages: procedure P translated and current; Q translated
	// from an original changed since (outdated); R a draft, translated; a
	// welcome page translated (not a procedure).
	infoPage := func(slug, kind string, publish bool) string {
		res := b.gql(t, `mutation($s: String!, $k: InfoPageKind!, $u: ID!) { createInfoPage(input: {slug: $s, kind: $k, unitId: $u,
			title: "Karta pobytu", body: "Jak złożyć wniosek."}) { page { id } } }`, map[string]any{"s": slug, "k": kind, "u": f.unitID}, withToken(f.coord))
		require.Empty(t, res.Errors)
		id := dig(res.Data, "createInfoPage", "page", "id").(string)
		require.Empty(t, b.gql(t, `mutation($p: ID!) { addInfoPageTranslation(input: {pageId: $p, language: "uk", title: "Посвідка",
			body: "Як подати заяву."}) { page { id } } }`, map[string]any{"p": id}, withToken(f.coord)).Errors)
		if publish {
			require.Empty(t, b.gql(t, `mutation($p: ID!) { publishInfoPage(input: {pageId: $p}) { page { status } } }`,
				map[string]any{"p": id}, withToken(f.coord)).Errors)
		}
		return id
	}
	infoPage("karta-pobytu", "PROCEDURE", true)
	outdated := infoPage("zameldowanie", "PROCEDURE", true)
	require.Empty(t, b.gql(t, `mutation($p: ID!) { updateInfoPageOriginal(input: {pageId: $p, baseVersion: 1, title: "Zameldowanie", body: "Nowe zasady."}) {
		page { id } } }`, map[string]any{"p": outdated}, withToken(f.coord)).Errors)
	infoPage("pesel", "PROCEDURE", false)
	infoPage("witamy", "WELCOME", true)

	// Events of the year: two of the NGO entered by the coordinator (approved
	// at once), one of them later cancelled; one an NGO member submitted,
	// approved; one submitted and not reviewed; one of the city unit.
	event := func(org, token string, day int) string {
		at := time.Date(year, time.January, day, 18, 0, 0, 0, warsawZone(t))
		res := b.gql(t, `mutation($o: ID!, $s: DateTime!, $e: DateTime!) { submitEvent(input: {organisationId: $o,
			title: [{locale: PL, text: "Klub rozmów"}], category: WORKSHOP, startsAt: $s, endsAt: $e, place: "Kraków", languages: ["pl"]}) {
			event { id } } }`, map[string]any{"o": org, "s": at.Format(time.RFC3339), "e": at.Add(2 * time.Hour).Format(time.RFC3339)}, withToken(token))
		require.Empty(t, res.Errors)
		return dig(res.Data, "submitEvent", "event", "id").(string)
	}
	event(f.ngoID, f.coord, 10)
	cancelled := event(f.ngoID, f.coord, 11)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { cancelEvent(input: {id: $id, reason: "Choroba."}) { event { id } } }`,
		map[string]any{"id": cancelled}, withToken(f.coord)).Errors)
	submitted := event(f.ngoID, f.moderator, 12)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { approveEvent(input: {id: $id}) { event { id } } }`,
		map[string]any{"id": submitted}, withToken(f.coord)).Errors)
	event(f.ngoID, f.moderator, 13)
	event(f.unitID, f.coord, 14)

	r := f.results(t, year)
	require.Equal(t, float64(1), r["2.2"]["value"], "A counts (2 + 6 walk-ins + 2 organisations), B has 9")
	require.Equal(t, []any{part("meetings_held", 2), part("min_attendance", 10), part("participants", 17), part("organisations", 2)}, r["2.2"]["parts"])
	require.Equal(t, "NOT_YET_KNOWN", r["2.2"]["status"], "the year is not over")
	require.Equal(t, "Spotkania konsultacyjne zakończone w tym roku, w których uczestniczyło co najmniej 10 osób lub organizacji "+
		"(obecne osoby zapisane, osoby bez zapisu i obecne organizacje). Wszystkich spotkań: 2; uczestników: 17; organizacji: 2.", r["2.2"]["explanation"])
	require.Equal(t, float64(2), r["4.1"]["value"])
	require.Equal(t, []any{part("editions", 1), part("eligible", 0)}, r["4.1"]["parts"])
	require.Equal(t, float64(2), r["2.1"]["value"], "the counted body's two held meetings")
	require.Equal(t, "MET", r["2.1"]["status"])
	require.Equal(t, float64(1), r["1.2"]["value"], "karta-pobytu; zameldowanie's translation is outdated, pesel a draft, witamy no procedure")
	require.Equal(t, "NOT_YET_KNOWN", r["1.2"]["status"], "the target is for 2028")
	require.Equal(t, "Opublikowane procedury ze stron informacyjnych, które mają co najmniej jedno aktualne tłumaczenie na język inny niż polski "+
		"— stan na koniec roku (w trwającym roku: na dziś).", r["1.2"]["explanation"])
	require.Equal(t, float64(2), r["3.1"]["value"], "the NGO's approved events; not the cancelled, the unreviewed or the unit's")
	require.Equal(t, "NOT_YET_KNOWN", r["3.1"]["status"], "2 of 3 before the year is over")
	require.Nil(t, r["3.2"]["value"], "no civic-budget edition this year")
	require.Equal(t, "Udział będzie znany po opublikowaniu wyników edycji budżetu obywatelskiego z tego roku.", r["3.2"]["explanation"])

	// B reaches 10 with an organisation: the target of 2 is met.
	require.Empty(t, b.gql(t, attend, map[string]any{"id": bm, "a": []string{b.accountID(t, f.carol)}, "w": 8, "o": []string{f.ngoID}},
		withToken(f.official)).Errors)
	r = f.results(t, year)
	require.Equal(t, float64(2), r["2.2"]["value"])
	require.Equal(t, "MET", r["2.2"]["status"])
	require.Equal(t, "NOT_YET_KNOWN", r["4.1"]["status"], "2 of 3 before the year is over")

	// The yearly report: the table, how each value was found, and the year
	// on the platform, in Polish (binding) and English (informative).
	report := func(format, locale string) map[string]any {
		res := b.gql(t, `query($y: Int!, $f: ProgrammeReportFormat!, $l: Locale) { programme(slug: "otwarty-krakow") {
			report(year: $y, format: $f, locale: $l) { fileName contentType content } } }`, map[string]any{"y": year, "f": format, "l": locale})
		require.Empty(t, res.Errors)
		return dig(res.Data, "programme", "report").(map[string]any)
	}
	md := report("MARKDOWN", "PL")
	require.Equal(t, fmt.Sprintf("otwarty-krakow-%d-pl.md", year), md["fileName"])
	content := md["content"].(string)
	for _, line := range []string{
		fmt.Sprintf("# Otwarty Kraków 2024–2028: sprawozdanie z realizacji za %d r.", year),
		"| Kod | Wskaźnik | Wartość bazowa (rok) | Wartość docelowa | Wartość | Status | Cel |",
		"| 2.2 | Wskaźnik | 0 (2023) | co najmniej 2 w roku | 2 | osiągnięty | 2 |",
		"| 4.1 | Wskaźnik | 0 (2023) | co najmniej 3 w roku | 2 | jeszcze nieznany | 4 |",
		"| 1.2 | Wskaźnik | 0 (2023) | co najmniej 50 do 2028 | 1 | jeszcze nieznany | 1 |",
		"| 3.1 | Wskaźnik | 0 (2023) | co najmniej 3 w roku | 2 | jeszcze nieznany | 3 |",
		"- Program Otwarty Kraków 2026 — trwają; 0 wpisów",
		"- Rada ds. Cudzoziemców — 2 posiedzenia",
		"- Rada ds. Cudzoziemców — 1 posiedzenie",
		"Edycja za rok 2040: zgłoszenia: 2.",
	} {
		require.Contains(t, content, line+"\n")
	}
	require.Contains(t, content, fmt.Sprintf("Wersja polska jest wiążąca. Termin przedłożenia Radzie Miasta Krakowa: 30.04.%d.", year+1))
	csvOut := report("CSV", "PL")["content"].(string)
	require.Equal(t, 7, strings.Count(csvOut, "\n"), "a header and six indicators")
	require.True(t, strings.HasPrefix(csvOut, "Kod,Wskaźnik,Wartość bazowa (rok),Wartość docelowa,Wartość,Status,Cel,Jak ustalono\n"))
	page := report("HTML", "EN")
	require.Equal(t, "text/html; charset=utf-8", page["contentType"])
	require.Contains(t, page["content"], `<html lang="en">`)
	require.Contains(t, page["content"], `<td class="met">met</td>`)
	require.Contains(t, page["content"], "Informative translation: the Polish version is binding.")
	require.Nil(t, dig(b.gql(t, `query { programme(slug: "otwarty-krakow") { report(year: 2031, format: CSV) { content } } }`, nil).Data,
		"programme", "report"), "outside the programme's years")
}

// TestProgramme_BudgetShareObeysTheSurveysMinimum: the share comes from a
// published edition's survey with its confidence interval and response
// rate; with 9 respondents it is withheld; before publication it is not
// known.
func TestProgramme_BudgetShareObeysTheSurveysMinimum(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	f.define(t, map[string]any{"code": "3.2", "goal": 3, "method": "BUDGET_SHARE", "unit": "PERCENT", "target": 5})
	// 40 respondents: migration yes 12, no 25, prefer not 3; minority yes
	// 10 (all also with migration experience), no 30 (the survey's own
	// suppression test publishes 12/40 for these).
	survey(t, f.consultationFixture, 2027, 40, func(i int) map[string]any {
		a := map[string]any{"migrationExperience": "NO", "minorityMember": "NO"}
		if i < 12 {
			a["migrationExperience"] = "YES"
		} else if i >= 37 {
			a["migrationExperience"] = "PREFER_NOT_TO_SAY"
		}
		if i < 10 {
			a["minorityMember"] = "YES"
		}
		return a
	}, true)
	survey(t, f.consultationFixture, 2028, 9, func(int) map[string]any {
		return map[string]any{"migrationExperience": "YES", "minorityMember": "NO"}
	}, true)

	r := f.results(t, 2027)["3.2"]
	require.Equal(t, float64(30), r["value"])
	require.Equal(t, map[string]any{"respondents": float64(40), "ballots": float64(40), "responseRate": float64(100), "low": float64(18.1),
		"high": float64(45.4), "minGroup": float64(10), "withheld": false}, r["sample"])
	require.Equal(t, "MET", r["status"])
	require.Equal(t, "Udział osób z doświadczeniem migracji lub należących do mniejszości wśród 40 osób, które wypełniły dobrowolną ankietę "+
		"budżetu obywatelskiego (oddanych głosów: 40, odsetek odpowiedzi: 100%). 95% przedział ufności: 18.1–45.4%; ankieta jest dobrowolna, "+
		"więc przedział opisuje tylko losowość próby. Publikuje się wyłącznie grupy liczące co najmniej 10 osób.", r["explanation"])
	r = f.results(t, 2028)["3.2"]
	require.Nil(t, r["value"])
	require.Equal(t, map[string]any{"respondents": float64(9), "ballots": float64(9), "responseRate": float64(100), "low": nil,
		"high": nil, "minGroup": float64(10), "withheld": true}, r["sample"])
	require.Equal(t, "NOT_YET_KNOWN", r["status"])
}

func part(key string, v float64) map[string]any { return map[string]any{"key": key, "value": v} }

func warsawZone(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	return l
}

// survey runs a civic-budget edition of year whose n voters each answer
// the participation survey, then closes it and (publish) publishes its
// results.
func survey(t *testing.T, f *consultationFixture, year, n int, answers func(int) map[string]any, publish bool) {
	t.Helper()
	b := f.b
	now := time.Now()
	res := b.gql(t, `mutation($u: ID!, $y: Int!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: $y, votingOpensAt: $o,
		votingClosesAt: $c}) { edition { id } } }`, map[string]any{"u": f.unitID, "y": year, "o": now.Add(-time.Hour).Format(time.RFC3339),
		"c": now.Add(5 * 24 * time.Hour).Format(time.RFC3339)}, withToken(f.official))
	require.Empty(t, res.Errors)
	edition := dig(res.Data, "createBudgetEdition", "edition", "id").(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Miasto", kind: CITY, budget: "100.00", rule: "greedy",
		pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: true}) { pool { id } } }`, map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool := dig(res.Data, "createBudgetPool", "pool", "id").(string)
	res = b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P1", title: "Projekt", cost: "50.00"}) { project { id } } }`,
		map[string]any{"p": pool}, withToken(f.official))
	require.Empty(t, res.Errors)
	project := dig(res.Data, "createBudgetProject", "project", "id").(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Stare Miasto", kind: DISTRICT, district: "stare-miasto",
		budget: "10.00", rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: false}) { pool { id } } }`,
		map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Empty(t, b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "D1", title: "Skwer", cost: "5.00"}) { project { id } } }`,
		map[string]any{"p": dig(res.Data, "createBudgetPool", "pool", "id")}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	answer := `mutation($t: String!, $a: ParticipationSurveyAnswersInput!) { answerParticipationSurvey(input: {token: $t, answers: $a}) { answered } }`
	for i := range n {
		email := fmt.Sprintf("glosujacy%d.%d@example.org", year, i)
		tok := b.signUp(t, email)
		b.confirm(t, email)
		token := outreachBallot(t, f, tok, testPESEL(year%100, i), edition, pool, project)
		require.Empty(t, b.gql(t, answer, map[string]any{"t": token, "a": answers(i)}).Errors)
	}
	require.Empty(t, b.gql(t, `mutation($e: ID!) { closeBudgetVoting(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	if !publish {
		return
	}
	require.Empty(t, b.gql(t, `mutation($e: ID!) { computeBudgetResults(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	for _, member := range []string{f.official, f.coord} {
		require.Empty(t, b.gql(t, `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 0}) { certification { certified } } }`,
			map[string]any{"e": edition}, withToken(member)).Errors)
	}
	require.Empty(t, b.gql(t, `mutation($e: ID!) { publishBudgetResults(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
}

// testPESEL is a valid PESEL of someone born on 1 January 1970+day's year
// offset, with serial i (checksum computed).
func testPESEL(seed, i int) string {
	s := fmt.Sprintf("7001%02d%04d", 1+seed%28, i)
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for k := range 10 {
		d, _ := strconv.Atoi(s[k : k+1])
		sum += d * w[k]
	}
	return s + strconv.Itoa((10-sum%10)%10)
}

// TestProgramme_ResultsLiveForWhoEntersOrRunsIt: the unit's official
// watching a year's results is sent the indicator whose value changed when
// a value is entered; a resident is refused, an anonymous caller asked to
// sign in.
func TestProgramme_ResultsLiveForWhoEntersOrRunsIt(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	b := f.b
	entered := f.define(t, map[string]any{"responsibleUnitId": f.unitID, "target": 4000, "unit": "PERSONS"})
	f.define(t, map[string]any{"code": "4.1", "position": 2, "goal": 4, "method": "AMBASSADOR_NOMINATIONS", "target": 10})
	sub := func(token string) *websocket.Conn {
		conn := wsDial(t, b, token)
		_, err := wsNext(t, conn, "connection_ack")
		require.NoError(t, err)
		require.NoError(t, conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
			"query": `subscription($p: ID!) { programmeResultsChanged(programmeId: $p, year: 2024) { programmeId year resync
				changed { indicator { code } value status } } }`, "variables": map[string]any{"p": f.programme}}}))
		return conn
	}
	m, err := wsNext(t, sub(f.alice), "error", "next")
	require.NoError(t, err)
	require.Contains(t, string(m.Payload), "FORBIDDEN", m.Type)
	require.NotContains(t, string(m.Payload), `"changed"`)
	anon := dialLive(t, b, "")
	anon.ack()
	require.NoError(t, anon.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($p: ID!) { programmeResultsChanged(programmeId: $p, year: 2024) { year } }`,
		"variables": map[string]any{"p": f.programme}}}))
	am := anon.next()
	require.Contains(t, string(am.Payload), "UNAUTHENTICATED", am.Type)
	require.NotContains(t, string(am.Payload), `"year"`)

	conn := sub(f.official)
	entries := map[float64]bool{}
	events := make(chan wsMsg, 1)
	go func() {
		m, err := wsNext(t, conn, "next", "error")
		if err == nil {
			events <- m
		}
		close(events)
	}()
	// The subscription starts asynchronously: enter values until one is seen.
	for v := 5000.0; ; v++ {
		require.Empty(t, b.gql(t, `mutation($i: ID!, $v: Float!) { enterIndicatorValue(input: {indicatorId: $i, year: 2024, value: $v,
			note: "Sprawozdanie PIK"}) { value { value } } }`, map[string]any{"i": entered, "v": v}, withToken(f.coord)).Errors)
		entries[v] = true
		select {
		case got, ok := <-events:
			require.True(t, ok, "the subscription ended")
			m = got
		case <-time.After(time.Second):
			require.Less(t, v, 5010.0, "no event")
			continue
		}
		break
	}
	require.Equal(t, "next", m.Type, string(m.Payload))
	var ev struct {
		Data struct {
			Changed struct {
				ProgrammeID string `json:"programmeId"`
				Year        int    `json:"year"`
				Resync      bool   `json:"resync"`
				Changed     []struct {
					Indicator struct{ Code string } `json:"indicator"`
					Value     float64               `json:"value"`
					Status    string                `json:"status"`
				} `json:"changed"`
			} `json:"programmeResultsChanged"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &ev))
	c := ev.Data.Changed
	require.Equal(t, []any{f.programme, 2024, false, 1}, []any{c.ProgrammeID, c.Year, c.Resync, len(c.Changed)})
	require.Equal(t, "1.1", c.Changed[0].Indicator.Code, "only the indicator that changed")
	require.True(t, entries[c.Changed[0].Value], "a value entered: %v", c.Changed[0].Value)
	require.Equal(t, "MET", c.Changed[0].Status)
}

// TestProgramme_ValueDocumentsForWhoEntersThem: a supporting document
// goes on an entered value (not on a year without one, not by someone who
// may not enter it); who may enter sees and downloads it, the public sees
// the value without it; removing it is audited.
func TestProgramme_ValueDocumentsForWhoEntersThem(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	b := f.b
	entered := f.define(t, map[string]any{"responsibleUnitId": f.unitID, "target": 4000, "unit": "PERSONS"})
	require.Empty(t, b.gql(t, `mutation($i: ID!) { enterIndicatorValue(input: {indicatorId: $i, year: 2024, value: 5132,
		note: "Sprawozdanie PIK"}) { value { year } } }`, map[string]any{"i": entered}, withToken(f.official)).Errors)
	add := `mutation($i: ID!, $y: Int!, $file: Upload!) { addIndicatorValueAttachment(input: {indicatorId: $i, year: $y, file: $file}) {
		value { year attachments { fileName } } attachment { id fileName contentType purpose } } }`
	require.Equal(t, "FORBIDDEN", b.upload(t, add, map[string]any{"i": entered, "y": 2024}, "raport.pdf", testPDF, withToken(f.alice)).code())
	require.Equal(t, "NOT_FOUND", b.upload(t, add, map[string]any{"i": entered, "y": 2025}, "raport.pdf", testPDF, withToken(f.official)).code(),
		"no value entered for 2025")
	res := b.upload(t, add, map[string]any{"i": entered, "y": 2024}, "raport PIK 2024.pdf", testPDF, withToken(f.official))
	require.Empty(t, res.Errors)
	att := dig(res.Data, "addIndicatorValueAttachment", "attachment").(map[string]any)
	require.Equal(t, []any{"raport PIK 2024.pdf", "application/pdf", "EVIDENCE"}, []any{att["fileName"], att["contentType"], att["purpose"]})
	require.Equal(t, []any{map[string]any{"fileName": "raport PIK 2024.pdf"}}, dig(res.Data, "addIndicatorValueAttachment", "value", "attachments"))

	q := `query { programme(slug: "otwarty-krakow") { indicators { enteredValues { year value attachments { fileName } } } } }`
	seen := func(opts ...reqOpt) any {
		res := b.gql(t, q, nil, opts...)
		require.Empty(t, res.Errors)
		return dig(res.Data, "programme", "indicators").([]any)[0].(map[string]any)["enteredValues"]
	}
	require.Equal(t, []any{map[string]any{"year": float64(2024), "value": float64(5132), "attachments": []any{map[string]any{"fileName": "raport PIK 2024.pdf"}}}},
		seen(withToken(f.coord)))
	require.Equal(t, []any{map[string]any{"year": float64(2024), "value": float64(5132), "attachments": []any{}}}, seen(), "the public: the value, not the document")
	srv := b.downloads(t)
	path := graph.PathAttachments + att["id"].(string)
	require.Equal(t, http.StatusOK, get(t, srv, path, f.official).status)
	require.Equal(t, testPDF, get(t, srv, path, f.coord).body)
	require.Equal(t, http.StatusNotFound, get(t, srv, path, f.alice).status)
	require.Equal(t, http.StatusNotFound, get(t, srv, path, "").status)

	remove := `mutation($a: ID!) { removeIndicatorValueAttachment(input: {attachmentId: $a}) { indicator { code } } }`
	require.Equal(t, "NOT_FOUND", b.gql(t, remove, map[string]any{"a": att["id"]}, withToken(f.alice)).code())
	require.Empty(t, b.gql(t, remove, map[string]any{"a": att["id"]}, withToken(f.official)).Errors)
	require.Equal(t, []any{map[string]any{"year": float64(2024), "value": float64(5132), "attachments": []any{}}}, seen(withToken(f.coord)))
	var actions []string
	rows, err := b.pool.Query(context.Background(), `select action from audit_log where object_id = $1 and action like 'programme.value_attachment%'
		order by created_at`, rawID(t, entered))
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"programme.value_attachment_add", "programme.value_attachment_remove"}, actions)
}
