package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/notify"
)

// editionLife is the state of TestAmbassadorEditionLife: the people and
// the nominations, by the names the test gives them.
type editionLife struct {
	*ambassadorFixture
	edition, ind, org string
	criteria          []string
	tok               map[string]string // person → token
	id                map[string]string // person → account id
	nom               map[string]string // nomination → id
}

func (l *editionLife) as(person string) []reqOpt {
	if person == "" {
		return nil
	}
	switch person {
	case "coord":
		return []reqOpt{withToken(l.coord)}
	case "official":
		return []reqOpt{withToken(l.official)}
	}
	return []reqOpt{withToken(l.tok[person])}
}

// do runs query as person and requires it to succeed.
func (l *editionLife) do(t *testing.T, person, query string, vars map[string]any) map[string]any {
	t.Helper()
	res := l.b.gql(t, query, vars, l.as(person)...)
	require.Empty(t, res.Errors, query)
	return res.Data
}

// signUpIn signs up a confirmed account writing in locale.
func (l *editionLife) signUpIn(t *testing.T, person, email, name, locale string) {
	t.Helper()
	res := l.b.gql(t, `mutation($in: SignUpInput!) { signUp(input: $in) { token account { id } } }`, map[string]any{"in": map[string]any{
		"email": email, "password": "correct horse battery", "displayName": name, "locale": locale}})
	require.Empty(t, res.Errors)
	l.tok[person] = dig(res.Data, "signUp", "token").(string)
	l.id[person] = dig(res.Data, "signUp", "account", "id").(string)
	l.b.confirm(t, email)
}

func (l *editionLife) move(t *testing.T, to string) {
	t.Helper()
	got := l.do(t, "coord", `mutation($e: ID!, $to: AmbassadorPhase!) { moveAmbassadorEdition(input: {editionId: $e, to: $to,
		reason: "Kapituła zakończyła ten etap."}) { edition { phase } } }`, map[string]any{"e": l.edition, "to": to})
	require.Equal(t, to, dig(got, "moveAmbassadorEdition", "edition", "phase"))
}

// score submits (or drafts) person's sheet on nomination, points in the
// criteria's order.
func (l *editionLife) score(t *testing.T, person, nomination string, submit bool, points ...int) gqlResponse {
	t.Helper()
	var s []map[string]any
	for i, p := range points {
		s = append(s, map[string]any{"criterionId": l.criteria[i], "points": p})
	}
	return l.b.gql(t, scoresMutation, map[string]any{"n": l.nom[nomination], "s": s, "submit": submit}, l.as(person)...)
}

// sheetsSeen is what person sees of nomination's scores: (myReview,
// the weighted scores of the sheets they see; nil when none).
func (l *editionLife) sheetsSeen(t *testing.T, person, nomination string) (map[string]any, []string) {
	t.Helper()
	got := l.do(t, person, `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { myReview { declaration conflict conflictFixed seesScores mayScore }
		scoreSheets { weighted } } } }`, map[string]any{"n": l.nom[nomination]})
	review, _ := dig(got, "node", "myReview").(map[string]any)
	sheets, ok := dig(got, "node", "scoreSheets").([]any)
	if !ok {
		return review, nil
	}
	out := []string{}
	for _, s := range sheets {
		out = append(out, dig(s, "weighted").(string))
	}
	return review, out
}

// lifeNotices waits for n e-mails of kind and returns each as
// "address locale subject", sorted.
func lifeNotices(t *testing.T, l *editionLife, kind string, n int) []string {
	t.Helper()
	var out []string
	require.Eventually(t, func() bool {
		rows, err := l.b.pool.Query(t.Context(), `select to_address || ' ' || locale || ' ' || subject from email_outbox where kind = $1`, kind)
		require.NoError(t, err)
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return len(out) >= n
	}, 30*time.Second, 20*time.Millisecond, kind)
	slices.Sort(out)
	return out
}

// TestAmbassadorEditionLife_FromTheCallToPastLaureates is issue 10's
// acceptance test: one edition of the Ambassador of Multiculturalism from
// the call to the past laureates, through the GraphQL API only (phases
// moved by the coordinator by hand, as when a stage ends early).
//
// The coordinator opens the 2025 edition with an audience vote and the call
// in four languages, and invites a jury of three by e-mail (Anna, the chair;
// Bohdan, a member of the nominated foundation; Clara). Olena (writing in
// Ukrainian) nominates Maria and the foundation (one of the platform's
// organisations); James (English) nominates Ahmed, a minor, with his
// guardian Fatima, and Piotr; Marek (Polish) nominates the association
// Most; staff enter Irena's nomination that came by post (its postmark
// counts). Maria and Fatima consent by the e-mailed links, the foundation
// too; staff record Irena's and Most's signed consents; Piotr's consent
// never comes. The formal check: Piotr's nomination is not eligible
// (NO_CONSENT) and James is told in English. Scoring: Clara declares a
// conflict with Ahmed; Bohdan's automatic conflict with his foundation is
// fixed; a juror sees the others' sheets only once hers is submitted;
// Maria and Irena tie (hand-computed means below). The jury votes on each
// category's proposal (Clara recused from the individuals' one, decided by
// the chair's casting vote; Bohdan recused from the organisations', a plain
// majority). The Mayor's award differs in the individuals' category, with a
// reason. The audience votes (verified residents, once per category; the
// coordinator's live totals move; a juror sees none). The announcement:
// laureates in four languages, the score table without juror names, the
// audience totals public; each nominator and nominee told in their
// language; the past laureates; the nomination count; the GDPR export and
// erasure of a nominator (Olena) and of a nominee (Maria).
func TestAmbassadorEditionLife_FromTheCallToPastLaureates(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	l := &editionLife{ambassadorFixture: &ambassadorFixture{callerFixture: cf, tokens: cf.tokens},
		tok: map[string]string{}, id: map[string]string{}, nom: map[string]string{}}

	// The service's clock: the wall clock, moved on by the test.
	clock := &lifeClock{}
	b.resolver.Ambassador.SetClock(clock.Now)

	// --- The edition: call in four languages, an audience vote, published.
	open := time.Now().Add(-time.Hour)
	at := func(days int) time.Time { return open.Add(time.Duration(days) * 24 * time.Hour) }
	sched := map[string]any{}
	for k, d := range map[string]int{"nominationsOpen": 0, "nominationsClose": 10, "checkClose": 15, "scoringClose": 25,
		"decisionClose": 30, "audienceClose": 35, "announceAt": 37} {
		sched[k] = at(d).Format(time.RFC3339)
	}
	got := l.do(t, "coord", `mutation($s: AmbassadorScheduleInput!) { createAmbassadorEdition(input: {year: 2025, schedule: $s,
		call: `+ambassadorCall+`}) { edition { id phase categories { id kind titles } criteria { id code weight scaleMin scaleMax } } } }`,
		map[string]any{"s": sched})
	e := dig(got, "createAmbassadorEdition", "edition").(map[string]any)
	l.edition = e["id"].(string)
	require.Equal(t, "DRAFT", e["phase"])
	for _, c := range e["categories"].([]any) {
		require.Equal(t, float64(2), dig(c, "titles"))
		if dig(c, "kind") == "INDIVIDUAL" {
			l.ind = dig(c, "id").(string)
		} else {
			l.org = dig(c, "id").(string)
		}
	}
	var codes []string
	for _, c := range e["criteria"].([]any) {
		l.criteria = append(l.criteria, dig(c, "id").(string))
		codes = append(codes, dig(c, "code").(string))
		require.Equal(t, []any{float64(1), float64(0), float64(10)}, []any{dig(c, "weight"), dig(c, "scaleMin"), dig(c, "scaleMax")})
	}
	require.Equal(t, []string{"length", "results", "innovation", "variety"}, codes)
	got = l.do(t, "coord", `mutation($e: ID!) { publishAmbassadorEdition(input: {editionId: $e}) { edition { status phase } } }`,
		map[string]any{"e": l.edition})
	require.Equal(t, map[string]any{"status": "PUBLISHED", "phase": "NOMINATIONS"}, dig(got, "publishAmbassadorEdition", "edition"))
	// The call is public, in the visitor's language.
	got = l.do(t, "", `query($e: ID!) { ambassadorEdition(id: $e) { call(locale: UK) { text locale } viewerCan { nominate } } }`,
		map[string]any{"e": l.edition})
	require.Equal(t, map[string]any{"call": map[string]any{"text": "Прийом", "locale": "UK"}, "viewerCan": map[string]any{"nominate": false}},
		dig(got, "ambassadorEdition"))

	// --- The jury: three invited by e-mail, each accepts; Anna chairs.
	for _, j := range []struct{ person, email, name, locale string }{
		{"anna", "anna.jurorka@example.org", "Anna Jurorka", "PL"},
		{"bohdan", "bohdan.juror@example.org", "Bohdan Juror", "UK"},
		{"clara", "clara.juror@example.org", "Clara Juror", "EN"},
	} {
		l.do(t, "coord", `mutation($e: ID!, $m: String!) { inviteAmbassadorJuror(input: {editionId: $e, email: $m}) { invitation { id } } }`,
			map[string]any{"e": l.edition, "m": j.email})
		token := emailedToken(t, b, notify.KindInvitation, j.email, "")
		res := b.gql(t, `mutation($t: String!, $n: String!, $l: Locale!) { acceptInvitation(input: {token: $t, password: "correct horse battery",
			displayName: $n, locale: $l}) { token account { id } } }`, map[string]any{"t": token, "n": j.name, "l": j.locale})
		require.Empty(t, res.Errors)
		l.tok[j.person] = dig(res.Data, "acceptInvitation", "token").(string)
		l.id[j.person] = dig(res.Data, "acceptInvitation", "account", "id").(string)
	}
	got = l.do(t, "coord", `mutation($e: ID!, $a: ID!) { setAmbassadorJuryChair(input: {editionId: $e, accountId: $a}) {
		edition { jurors { displayName chair } } } }`, map[string]any{"e": l.edition, "a": l.id["anna"]})
	require.ElementsMatch(t, []any{
		map[string]any{"displayName": "Anna Jurorka", "chair": true},
		map[string]any{"displayName": "Bohdan Juror", "chair": false},
		map[string]any{"displayName": "Clara Juror", "chair": false},
	}, dig(got, "setAmbassadorJuryChair", "edition", "jurors"))
	// Bohdan works for the foundation that will be nominated.
	l.do(t, "coord", `mutation($o: ID!, $a: ID!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: MEMBER}) { member { role } } }`,
		map[string]any{"o": l.ngoID, "a": l.id["bohdan"]})

	// --- Nominations online, each with a justification per criterion.
	l.signUpIn(t, "olena", "olena@example.org", "Олена", "UK")
	l.signUpIn(t, "james", "james@example.org", "James", "EN")
	l.signUpIn(t, "marek", "marek@example.org", "Marek", "PL")
	l.signUpIn(t, "maria", "maria@example.org", "Мария", "RU")
	justify := func(locale, text string) []map[string]any {
		var out []map[string]any
		for _, c := range l.criteria {
			out = append(out, map[string]any{"criterionId": c, "text": map[string]any{"locale": locale, "text": text}})
		}
		return out
	}
	nominate := func(key, person, category string, nominee map[string]any, locale, text string) {
		t.Helper()
		got := l.do(t, person, `mutation($e: ID!, $c: ID!, $n: AmbassadorNomineeInput!, $j: [AmbassadorJustificationInput!]!) {
			nominateForAmbassador(input: {editionId: $e, categoryId: $c, nominee: $n, justifications: $j, links: ["https://example.org/`+key+`"]}) {
			nomination { id status channel staffEntered consent { by } } } }`,
			map[string]any{"e": l.edition, "c": category, "n": nominee, "j": justify(locale, text)})
		n := dig(got, "nominateForAmbassador", "nomination").(map[string]any)
		l.nom[key] = n["id"].(string)
		require.Equal(t, map[string]any{"id": n["id"], "status": "SUBMITTED", "channel": "ONLINE", "staffEntered": false, "consent": nil}, n)
	}
	nominate("maria", "olena", l.ind, map[string]any{"name": "Maria Kowalczyk", "email": "maria@example.org"}, "UK",
		"Марія вже десять років веде безкоштовні курси польської мови для мігрантів.")
	nominate("fundacja", "olena", l.org, map[string]any{"name": "Fundacja", "email": "kontakt@fundacja.example.org", "organisationId": l.ngoID},
		"UK", "Фундація організовує зустрічі сусідів різного походження.")
	nominate("ahmed", "james", l.ind, map[string]any{"name": "Ahmed Nasser", "minor": true, "guardianName": "Fatima Nasser",
		"guardianEmail": "fatima@example.org"}, "EN", "Ahmed, sixteen, started a school club where pupils teach each other their languages.")
	nominate("piotr", "james", l.ind, map[string]any{"name": "Piotr Wiśniewski", "email": "piotr@example.org"}, "EN",
		"Piotr photographs the city's minorities for a street exhibition.")
	nominate("most", "marek", l.org, map[string]any{"name": "Stowarzyszenie Most", "email": "most@example.org"}, "PL",
		"Stowarzyszenie prowadzi świetlicę dla dzieci z rodzin migranckich.")
	// Nobody nominates themselves: Maria, by her account's e-mail.
	res := b.gql(t, nominateMutation, map[string]any{"e": l.edition, "c": l.ind, "n": "Maria", "m": "maria@example.org"}, l.as("maria")...)
	require.Equal(t, "INVALID_INPUT", res.code())

	// --- Consent: Maria and Fatima (for the minor) and the foundation by the
	// e-mailed links; Irena's and Most's signed forms recorded by staff;
	// Piotr's never comes.
	consent := `mutation($t: String!) { giveAmbassadorConsent(input: {token: $t}) { nomineeName } }`
	for addr, name := range map[string]string{"maria@example.org": "Maria Kowalczyk", "fatima@example.org": "Ahmed Nasser",
		"kontakt@fundacja.example.org": "Fundacja"} {
		token := emailedToken(t, b, ambassador.NoticeConsentRequest, addr, ambassador.PathConsent)
		got := l.do(t, "", consent, map[string]any{"t": token})
		require.Equal(t, name, dig(got, "giveAmbassadorConsent", "nomineeName"))
	}
	recordConsent := func(key string) {
		l.do(t, "coord", `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "KD-zgoda"}) { nomination { id } } }`,
			map[string]any{"n": l.nom[key]})
	}
	recordConsent("most")
	consents := map[string]any{}
	got = l.do(t, "coord", `query($e: ID!) { ambassadorEdition(id: $e) { nominations(first: 50) { totalCount edges { node { nominee { name }
		consent { by channel } } } } } }`, map[string]any{"e": l.edition})
	require.Equal(t, float64(5), dig(got, "ambassadorEdition", "nominations", "totalCount"))
	for _, e := range dig(got, "ambassadorEdition", "nominations", "edges").([]any) {
		consents[dig(e, "node", "nominee", "name").(string)] = dig(e, "node", "consent")
	}
	require.Equal(t, map[string]any{
		"Maria Kowalczyk":     map[string]any{"by": "NOMINEE", "channel": "LINK"},
		"Fundacja":            map[string]any{"by": "NOMINEE", "channel": "LINK"},
		"Ahmed Nasser":        map[string]any{"by": "GUARDIAN", "channel": "LINK"},
		"Piotr Wiśniewski":    nil,
		"Stowarzyszenie Most": map[string]any{"by": "NOMINEE", "channel": "PAPER"},
	}, consents)
	// The nominators see their own nominations only.
	got = l.do(t, "james", `query($e: ID!) { ambassadorEdition(id: $e) { nominations { edges { node { nominee { name } status } } } } }`,
		map[string]any{"e": l.edition})
	require.ElementsMatch(t, []any{
		map[string]any{"node": map[string]any{"nominee": map[string]any{"name": "Ahmed Nasser"}, "status": "SUBMITTED"}},
		map[string]any{"node": map[string]any{"nominee": map[string]any{"name": "Piotr Wiśniewski"}, "status": "SUBMITTED"}},
	}, dig(got, "ambassadorEdition", "nominations", "edges"))

	// --- The formal check.
	l.move(t, "FORMAL_CHECK")
	res = b.gql(t, `mutation($n: ID!) { editAmbassadorNomination(input: {nominationId: $n, links: []}) { nomination { id } } }`,
		map[string]any{"n": l.nom["maria"]}, l.as("olena")...)
	require.Equal(t, "PHASE_CLOSED", res.code(), "nominators edit until the nominations close")
	// Staff enter a nomination that came by post after the nominations
	// closed: its postmark, a day before the close, counts; one posted
	// after the close does not. Its signed consent comes with it.
	clock.Set(11 * 24 * time.Hour)
	enter := `mutation($e: ID!, $c: ID!, $r: DateTime!) { enterAmbassadorNomination(input: {editionId: $e, categoryId: $c,
		nominee: {name: "Irena Zając", email: "irena@example.org"}, channel: POST, receivedAt: $r, scanRef: "KD-14/2025",
		nominatorName: "Jan Nowak", nominatorContact: "jan.nowak@example.org"}) { nomination { id channel receivedAt staffEntered nominatorName scanRef } } }`
	res = b.gql(t, enter, map[string]any{"e": l.edition, "c": l.ind, "r": at(10).Add(time.Hour).Format(time.RFC3339)}, l.as("coord")...)
	require.Equal(t, "PHASE_CLOSED", res.code())
	postmark := at(9).Truncate(time.Second)
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	got = l.do(t, "coord", enter, map[string]any{"e": l.edition, "c": l.ind, "r": postmark.Format(time.RFC3339)})
	n := dig(got, "enterAmbassadorNomination", "nomination").(map[string]any)
	l.nom["irena"] = n["id"].(string)
	require.Equal(t, map[string]any{"id": n["id"], "channel": "POST", "receivedAt": postmark.In(warsaw).Format(time.RFC3339),
		"staffEntered": true, "nominatorName": "Jan Nowak", "scanRef": "KD-14/2025"}, n)

	recordConsent("irena")
	check := `mutation($n: ID!, $ok: Boolean!, $r: AmbassadorIneligibility) { checkAmbassadorNomination(input: {nominationId: $n, eligible: $ok,
		reason: $r}) { nomination { status ineligibility } } }`
	for _, key := range []string{"maria", "fundacja", "ahmed", "most", "irena"} {
		got := l.do(t, "coord", check, map[string]any{"n": l.nom[key], "ok": true})
		require.Equal(t, map[string]any{"status": "ELIGIBLE", "ineligibility": nil}, dig(got, "checkAmbassadorNomination", "nomination"))
	}
	got = l.do(t, "coord", check, map[string]any{"n": l.nom["piotr"], "ok": false, "r": "NO_CONSENT"})
	require.Equal(t, map[string]any{"status": "NOT_ELIGIBLE", "ineligibility": "NO_CONSENT"}, dig(got, "checkAmbassadorNomination", "nomination"))
	// Each online nominator is told of each check in their language (Irena's
	// nominator wrote on paper: staff tell him).
	require.Equal(t, []string{
		"james@example.org en Formal check of your nomination: Ahmed Nasser",
		"james@example.org en Formal check of your nomination: Piotr Wiśniewski",
		"marek@example.org pl Ocena formalna nominacji: Stowarzyszenie Most",
		"olena@example.org uk Формальна перевірка номінації: Fundacja",
		"olena@example.org uk Формальна перевірка номінації: Maria Kowalczyk",
	}, lifeNotices(t, l, ambassador.NoticeNominationChecked, 5))
	var body string
	require.NoError(t, b.pool.QueryRow(t.Context(), `select body from email_outbox where kind = $1 and to_address = 'james@example.org'
		and subject like '%Piotr%'`, ambassador.NoticeNominationChecked).Scan(&body))
	require.Contains(t, body, "Outcome: the nomination is not eligible. Reason: the nominee's consent is missing.")

	// --- Scoring.
	l.move(t, "SCORING")
	// Bohdan's conflict with his own foundation is automatic and fixed.
	review, sheets := l.sheetsSeen(t, "bohdan", "fundacja")
	require.Equal(t, map[string]any{"declaration": nil, "conflict": "NOMINEE_ORGANISATION", "conflictFixed": true, "seesScores": false,
		"mayScore": false}, review)
	require.Nil(t, sheets)
	require.Equal(t, "CONFLICT", l.b.gql(t, declareMutation, map[string]any{"n": l.nom["fundacja"], "d": "NONE"}, l.as("bohdan")...).code(),
		"an automatic conflict cannot be waived")
	require.Equal(t, "FORBIDDEN", l.score(t, "bohdan", "fundacja", true, 9, 9, 9, 9).code())
	// Clara declares a conflict with Ahmed (she teaches at his school).
	res = b.gql(t, declareMutation, map[string]any{"n": l.nom["ahmed"], "d": "CONFLICT", "note": "Uczę w jego szkole."}, l.as("clara")...)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"declaration": "CONFLICT", "conflict": "DECLARED"}, dig(res.Data, "declareAmbassadorConflict", "nomination", "myReview"))
	require.Equal(t, "FORBIDDEN", l.score(t, "clara", "ahmed", true, 5, 5, 5, 5).code())
	// Nobody scores before declaring.
	require.Equal(t, "INVALID_INPUT", l.score(t, "anna", "maria", true, 8, 8, 8, 8).code())
	declare := func(person string, keys ...string) {
		for _, k := range keys {
			require.Empty(t, l.b.gql(t, declareMutation, map[string]any{"n": l.nom[k], "d": "NONE"}, l.as(person)...).Errors)
		}
	}
	declare("anna", "maria", "ahmed", "irena", "fundacja", "most")
	declare("bohdan", "maria", "ahmed", "irena", "most")
	declare("clara", "maria", "irena", "fundacja", "most")

	// Scores hidden until one's own sheet is submitted: Bohdan submits on
	// Maria; Anna, with a draft only, sees no sheet; once she submits, both.
	require.Empty(t, l.score(t, "bohdan", "maria", true, 7, 7, 7, 7).Errors)
	require.Empty(t, l.score(t, "anna", "maria", false, 8, 8, 8, 8).Errors)
	review, sheets = l.sheetsSeen(t, "anna", "maria")
	require.Equal(t, map[string]any{"declaration": "NONE", "conflict": nil, "conflictFixed": false, "seesScores": false, "mayScore": true}, review)
	require.Nil(t, sheets)
	require.Empty(t, l.score(t, "anna", "maria", true, 8, 8, 8, 8).Errors)
	_, sheets = l.sheetsSeen(t, "anna", "maria")
	require.ElementsMatch(t, []string{"7.00", "8.00"}, sheets)
	// Clara, who has not scored Maria yet, still sees nothing of it; and
	// nothing of Ahmed ever (her conflict).
	_, sheets = l.sheetsSeen(t, "clara", "maria")
	require.Nil(t, sheets)
	require.Empty(t, l.score(t, "clara", "maria", true, 9, 6, 6, 6).Errors)
	// The means, by hand (four criteria of weight 1: a sheet is its mean):
	//   Maria   8, 7, 6.75        → 21.75 / 3 = 7.25 (29/4)
	//   Irena   6, 8, 7.75        → 21.75 / 3 = 7.25 (29/4)   tied with Maria
	//   Ahmed   9, 8 (Clara out)  → 17 / 2    = 8.50 (17/2)
	//   Fundacja 9, 8 (Bohdan out) → 17 / 2   = 8.50 (17/2)
	//   Most    7, 6, 8           → 21 / 3    = 7.00 (7)
	for _, s := range []struct {
		person, key string
		points      []int
	}{
		{"anna", "irena", []int{6, 6, 6, 6}}, {"bohdan", "irena", []int{9, 8, 8, 7}}, {"clara", "irena", []int{8, 7, 8, 8}},
		{"anna", "ahmed", []int{10, 9, 9, 8}}, {"bohdan", "ahmed", []int{8, 8, 8, 8}},
		{"anna", "fundacja", []int{9, 9, 9, 9}}, {"clara", "fundacja", []int{7, 8, 9, 8}},
		{"anna", "most", []int{7, 7, 7, 7}}, {"bohdan", "most", []int{6, 6, 6, 6}}, {"clara", "most", []int{8, 8, 8, 8}},
	} {
		require.Empty(t, l.score(t, s.person, s.key, true, s.points...).Errors, s.person+" on "+s.key)
	}
	_, sheets = l.sheetsSeen(t, "clara", "ahmed")
	require.Nil(t, sheets)
	_, sheets = l.sheetsSeen(t, "bohdan", "fundacja")
	require.Nil(t, sheets)
	// Jurors see no ranking while scoring is open; staff do.
	rankingQuery := `query($e: ID!) { ambassadorEdition(id: $e) { ranking { category { kind } entries { nomineeName scorerCount mean meanFraction rank tied } } } }`
	got = l.do(t, "anna", rankingQuery, map[string]any{"e": l.edition})
	require.Nil(t, dig(got, "ambassadorEdition", "ranking"))
	l.move(t, "DECISION")
	entry := func(name string, scorers int, mean, fraction string, rank int, tied bool) map[string]any {
		return map[string]any{"nomineeName": name, "scorerCount": float64(scorers), "mean": mean, "meanFraction": fraction,
			"rank": float64(rank), "tied": tied}
	}
	wantRanking := map[string][]any{
		"INDIVIDUAL": {entry("Ahmed Nasser", 2, "8.50", "17/2", 1, false), entry("Maria Kowalczyk", 3, "7.25", "29/4", 2, true),
			entry("Irena Zając", 3, "7.25", "29/4", 2, true)},
		"ORGANISATION": {entry("Fundacja", 2, "8.50", "17/2", 1, false), entry("Stowarzyszenie Most", 3, "7.00", "7", 2, false)},
	}
	rankingOf := func(person string) map[string][]any {
		got := l.do(t, person, rankingQuery, map[string]any{"e": l.edition})
		out := map[string][]any{}
		for _, c := range dig(got, "ambassadorEdition", "ranking").([]any) {
			out[dig(c, "category", "kind").(string)] = dig(c, "entries").([]any)
		}
		return out
	}
	ranking := rankingOf("coord")
	require.Equal(t, wantRanking["INDIVIDUAL"][0], ranking["INDIVIDUAL"][0])
	require.ElementsMatch(t, wantRanking["INDIVIDUAL"][1:], ranking["INDIVIDUAL"][1:])
	require.Equal(t, wantRanking["ORGANISATION"], ranking["ORGANISATION"])
	// Clara's ranking leaves out Ahmed (her conflict), Bohdan's the foundation.
	require.Len(t, rankingOf("clara")["INDIVIDUAL"], 2)
	require.Len(t, rankingOf("bohdan")["ORGANISATION"], 1)

	// --- The jury's vote on each category's proposal.
	proposal := func(category string, entries ...map[string]any) string {
		got := l.do(t, "anna", `mutation($e: ID!, $c: ID!, $x: [AmbassadorRankedInput!]!) { draftAmbassadorProposal(input: {editionId: $e,
			categoryId: $c, entries: $x}) { proposal { id status } } }`, map[string]any{"e": l.edition, "c": category, "x": entries})
		require.Equal(t, "DRAFT", dig(got, "draftAmbassadorProposal", "proposal", "status"))
		return dig(got, "draftAmbassadorProposal", "proposal", "id").(string)
	}
	ranked := func(key, rank, pl string) map[string]any {
		return map[string]any{"nominationId": l.nom[key], "rank": rank, "justification": []map[string]any{
			{"locale": "PL", "text": pl}, {"locale": "UK", "text": "UK: " + pl}, {"locale": "EN", "text": "EN: " + pl}, {"locale": "RU", "text": "RU: " + pl}}}
	}
	indProposal := proposal(l.ind, ranked("ahmed", "LAUREATE", "Za szkolny klub języków."), ranked("maria", "LAUREATE", "Za dziesięć lat kursów."),
		ranked("irena", "DISTINCTION", "Za sąsiedzkie spotkania."))
	orgProposal := proposal(l.org, ranked("fundacja", "LAUREATE", "Za spotkania sąsiadów."), ranked("most", "LAUREATE", "Za świetlicę."))
	present := []string{l.id["anna"], l.id["bohdan"], l.id["clara"]}
	vote := func(proposal, person, choice string) gqlResponse {
		return b.gql(t, `mutation($p: ID!, $c: VoteChoice!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: $c}) { proposal { id } } }`,
			map[string]any{"p": proposal, "c": choice}, l.as(person)...)
	}
	closeVote := func(proposal string) map[string]any {
		got := l.do(t, "anna", `mutation($p: ID!) { closeAmbassadorProposalVote(input: {proposalId: $p}) { proposal { status
			recused vote { members present recused voters yes no abstain quorum byCastingVote } } } }`, map[string]any{"p": proposal})
		return dig(got, "closeAmbassadorProposalVote", "proposal").(map[string]any)
	}
	for _, p := range []string{indProposal, orgProposal} {
		l.do(t, "anna", `mutation($p: ID!, $r: [ID!]!) { openAmbassadorProposalVote(input: {proposalId: $p, presentJurorIds: $r}) { proposal { id } } }`,
			map[string]any{"p": p, "r": present})
	}
	// Individuals: Clara recused (Ahmed); 1 : 1, the chair's casting vote.
	require.Equal(t, "NOT_FOUND", vote(indProposal, "clara", "NO").code(), "a juror in conflict does not see the proposal")
	require.Empty(t, vote(indProposal, "anna", "YES").Errors)
	require.Empty(t, vote(indProposal, "bohdan", "NO").Errors)
	require.Equal(t, map[string]any{"status": "ADOPTED", "recused": []any{l.id["clara"]}, "vote": map[string]any{"members": float64(3),
		"present": float64(3), "recused": float64(1), "voters": float64(2), "yes": float64(1), "no": float64(1), "abstain": float64(0),
		"quorum": float64(2), "byCastingVote": true}}, closeVote(indProposal))
	// Organisations: Bohdan recused (his foundation); 2 : 0.
	require.Equal(t, "NOT_FOUND", vote(orgProposal, "bohdan", "YES").code())
	require.Empty(t, vote(orgProposal, "anna", "YES").Errors)
	require.Empty(t, vote(orgProposal, "clara", "YES").Errors)
	require.Equal(t, map[string]any{"status": "ADOPTED", "recused": []any{l.id["bohdan"]}, "vote": map[string]any{"members": float64(3),
		"present": float64(3), "recused": float64(1), "voters": float64(2), "yes": float64(2), "no": float64(0), "abstain": float64(0),
		"quorum": float64(2), "byCastingVote": false}}, closeVote(orgProposal))

	// --- The Mayor's award: in the individuals' category Irena's title and
	// Maria's distinction swap places (a reason is required); the
	// organisations' as proposed.
	award := `mutation($e: ID!, $c: ID!, $x: [AmbassadorRankedInput!]!, $r: String) { recordAmbassadorAward(input: {editionId: $e, categoryId: $c,
		entries: $x, reason: $r}) { award { category reason entries { nomineeName rank } } } }`
	swapped := []map[string]any{{"nominationId": l.nom["ahmed"], "rank": "LAUREATE"}, {"nominationId": l.nom["irena"], "rank": "LAUREATE"},
		{"nominationId": l.nom["maria"], "rank": "DISTINCTION"}}
	require.Equal(t, "INVALID_INPUT", b.gql(t, award, map[string]any{"e": l.edition, "c": l.ind, "x": swapped}, l.as("coord")...).code())
	got = l.do(t, "coord", award, map[string]any{"e": l.edition, "c": l.ind, "x": swapped,
		"r": "Prezydent docenia wieloletnią pracę sąsiedzką Ireny."})
	require.Equal(t, map[string]any{"category": "INDIVIDUAL", "reason": "Prezydent docenia wieloletnią pracę sąsiedzką Ireny.",
		"entries": []any{map[string]any{"nomineeName": "Ahmed Nasser", "rank": "LAUREATE"}, map[string]any{"nomineeName": "Irena Zając", "rank": "LAUREATE"},
			map[string]any{"nomineeName": "Maria Kowalczyk", "rank": "DISTINCTION"}}}, dig(got, "recordAmbassadorAward", "award"))
	got = l.do(t, "coord", award, map[string]any{"e": l.edition, "c": l.org, "x": []map[string]any{
		{"nominationId": l.nom["fundacja"], "rank": "LAUREATE"}, {"nominationId": l.nom["most"], "rank": "LAUREATE"}}})
	require.Nil(t, dig(got, "recordAmbassadorAward", "award", "reason"))

	// --- The audience vote: verified residents, once per category.
	l.move(t, "AUDIENCE_VOTE")
	for i, p := range []string{"olena", "james", "marek"} {
		l.do(t, "official", `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: PASSPORT, identifier: $id}) { verified } }`,
			map[string]any{"a": l.id[p], "id": fmt.Sprintf("EL100000%d", i)})
	}
	coordLive := dialLive(t, b, l.coord)
	coordLive.ack()
	coordLive.subscribe("a", audienceSubscription, map[string]any{"e": l.edition})
	annaLive := dialLive(t, b, l.tok["anna"])
	annaLive.ack()
	annaLive.subscribe("a", audienceSubscription, map[string]any{"e": l.edition})
	require.Equal(t, "NOT_FOUND", errorCode(t, annaLive.next()))
	waitUntil(t, "the coordinator's stream", func() bool { return b.resolver.LiveSubscriptions() == 1 })
	cast := func(person, key string) gqlResponse {
		return b.gql(t, castAudience, map[string]any{"n": l.nom[key]}, l.as(person)...)
	}
	require.Empty(t, cast("olena", "maria").Errors)
	// The coordinator's live totals move with the first vote.
	for counted := 0.0; counted < 1; {
		ev := payloadData(t, coordLive.next(), "ambassadorAudienceTotals")
		for _, c := range ev["categories"].([]any) {
			if dig(c, "categoryId") == l.ind {
				counted = dig(c, "counted").(float64)
			}
		}
	}
	require.Empty(t, cast("james", "maria").Errors)
	require.Equal(t, "CONFLICT", cast("james", "irena").code(), "one vote per person per category")
	require.Empty(t, cast("marek", "irena").Errors)
	require.Empty(t, cast("olena", "most").Errors)
	require.Empty(t, cast("marek", "most").Errors)
	require.Equal(t, "FORBIDDEN", cast("maria", "ahmed").code(), "only verified residents vote")
	// Nobody but staff sees the totals before the announcement.
	for _, person := range []string{"anna", "olena", ""} {
		got := l.do(t, person, `query($e: ID!) { ambassadorEdition(id: $e) { audienceVote { totalsVisible categories { totals { voters } } } } }`,
			map[string]any{"e": l.edition})
		require.Equal(t, false, dig(got, "ambassadorEdition", "audienceVote", "totalsVisible"), person)
		for _, c := range dig(got, "ambassadorEdition", "audienceVote", "categories").([]any) {
			require.Nil(t, dig(c, "totals"), person)
		}
	}

	// --- The announcement.
	l.move(t, "ANNOUNCEMENT")
	got = l.do(t, "", `query($e: ID!) { ambassadorEdition(id: $e) { announcedAt laureates { category laureate { nomineeName rank
		justification(locale: UK) { text locale } } } } }`, map[string]any{"e": l.edition})
	require.NotNil(t, dig(got, "ambassadorEdition", "announcedAt"))
	laureate := func(category, name, rank, text string) map[string]any {
		return map[string]any{"category": category, "laureate": map[string]any{"nomineeName": name, "rank": rank,
			"justification": map[string]any{"text": text, "locale": "UK"}}}
	}
	require.ElementsMatch(t, []any{
		laureate("INDIVIDUAL", "Ahmed Nasser", "LAUREATE", "UK: Za szkolny klub języków."),
		laureate("INDIVIDUAL", "Irena Zając", "LAUREATE", "UK: Za sąsiedzkie spotkania."),
		laureate("INDIVIDUAL", "Maria Kowalczyk", "DISTINCTION", "UK: Za dziesięć lat kursów."),
		laureate("ORGANISATION", "Fundacja", "LAUREATE", "UK: Za spotkania sąsiadów."),
		laureate("ORGANISATION", "Stowarzyszenie Most", "LAUREATE", "UK: Za świetlicę."),
	}, dig(got, "ambassadorEdition", "laureates"))
	// The score table, public, without the jurors' names.
	got = l.do(t, "", `query($e: ID!) { ambassadorEdition(id: $e) { scoreTable { jurorNames rows { nomineeName mean rank tied
		sheets { jurorName weighted } } } } }`, map[string]any{"e": l.edition})
	table := dig(got, "ambassadorEdition", "scoreTable").(map[string]any)
	require.Equal(t, false, table["jurorNames"])
	rows := map[string]map[string]any{}
	for _, r := range table["rows"].([]any) {
		row := r.(map[string]any)
		var weighted []string
		for _, s := range row["sheets"].([]any) {
			require.Nil(t, dig(s, "jurorName"))
			weighted = append(weighted, dig(s, "weighted").(string))
		}
		slices.Sort(weighted)
		rows[row["nomineeName"].(string)] = map[string]any{"mean": row["mean"], "rank": row["rank"], "tied": row["tied"], "sheets": weighted}
	}
	require.Equal(t, map[string]map[string]any{
		"Ahmed Nasser":        {"mean": "8.50", "rank": float64(1), "tied": false, "sheets": []string{"8.00", "9.00"}},
		"Maria Kowalczyk":     {"mean": "7.25", "rank": float64(2), "tied": true, "sheets": []string{"6.75", "7.00", "8.00"}},
		"Irena Zając":         {"mean": "7.25", "rank": float64(2), "tied": true, "sheets": []string{"6.00", "7.75", "8.00"}},
		"Fundacja":            {"mean": "8.50", "rank": float64(1), "tied": false, "sheets": []string{"8.00", "9.00"}},
		"Stowarzyszenie Most": {"mean": "7.00", "rank": float64(2), "tied": false, "sheets": []string{"6.00", "7.00", "8.00"}},
	}, rows)
	// The audience totals, public now, with the audience's distinction.
	got = l.do(t, "", `query($e: ID!) { ambassadorEdition(id: $e) { audienceVote { totalsVisible final categories { category { kind }
		choices { nomineeName votes audienceDistinction } } } } }`, map[string]any{"e": l.edition})
	require.Equal(t, true, dig(got, "ambassadorEdition", "audienceVote", "totalsVisible"))
	audience := map[string][2]any{}
	for _, c := range dig(got, "ambassadorEdition", "audienceVote", "categories").([]any) {
		for _, ch := range dig(c, "choices").([]any) {
			audience[dig(ch, "nomineeName").(string)] = [2]any{dig(ch, "votes"), dig(ch, "audienceDistinction")}
		}
	}
	require.Equal(t, map[string][2]any{"Ahmed Nasser": {float64(0), false}, "Maria Kowalczyk": {float64(2), true},
		"Irena Zając": {float64(1), false}, "Fundacja": {float64(0), false}, "Stowarzyszenie Most": {float64(2), true}}, audience)

	// Each nominator and nominee told, in their language: account holders
	// in their account's, the paper nominator and the nominees without an
	// account in the nominator's.
	const (
		ukResults = "Краківський посол багатокультурності 2025: результати"
		enResults = "Kraków Ambassador of Multiculturalism 2025: the results"
		plResults = "Krakowski Ambasador Wielokulturowości 2025: wyniki"
		ruResults = "Краковский посол многокультурности 2025: результаты"
	)
	require.Equal(t, []string{
		"james@example.org en " + enResults,
		"jan.nowak@example.org pl " + plResults,
		"marek@example.org pl " + plResults,
		"olena@example.org uk " + ukResults,
		"olena@example.org uk " + ukResults,
	}, lifeNotices(t, l, ambassador.NoticeAwardNominator, 5))
	require.Equal(t, []string{
		"fatima@example.org en " + enResults,
		"irena@example.org pl " + plResults,
		"kontakt@fundacja.example.org uk " + ukResults,
		"maria@example.org ru " + ruResults,
		"most@example.org pl " + plResults,
	}, lifeNotices(t, l, ambassador.NoticeAwardNominee, 5))
	require.NoError(t, b.pool.QueryRow(t.Context(), `select body from email_outbox where kind = $1 and to_address = 'maria@example.org'`,
		ambassador.NoticeAwardNominee).Scan(&body))
	require.Contains(t, body, "получает: отличие.")
	got = l.do(t, "james", `{ me { notifications(first: 20) { edges { node { kind } } } } }`, nil)
	var kinds []string
	for _, e := range dig(got, "me", "notifications", "edges").([]any) {
		kinds = append(kinds, dig(e, "node", "kind").(string))
	}
	slices.Sort(kinds)
	require.Equal(t, []string{ambassador.NoticeAwardNominator, ambassador.NoticeNominationChecked, ambassador.NoticeNominationChecked,
		notify.KindWelcome}, kinds)
	// Nobody is told twice: the edition cannot be announced again.
	res = b.gql(t, `mutation($e: ID!) { moveAmbassadorEdition(input: {editionId: $e, to: ANNOUNCEMENT, reason: "Jeszcze raz ogłaszamy."}) {
		edition { phase } } }`, map[string]any{"e": l.edition}, l.as("coord")...)
	require.Equal(t, "PHASE_CLOSED", res.code())

	// --- Past laureates and the nomination count.
	got = l.do(t, "", `{ ambassadorLaureates { totalCount edges { node { year category laureate { nomineeName rank } } } } }`, nil)
	require.Equal(t, float64(5), dig(got, "ambassadorLaureates", "totalCount"))
	var past []string
	for _, e := range dig(got, "ambassadorLaureates", "edges").([]any) {
		past = append(past, fmt.Sprintf("%v %v %v %v", dig(e, "node", "year"), dig(e, "node", "category"),
			dig(e, "node", "laureate", "nomineeName"), dig(e, "node", "laureate", "rank")))
	}
	slices.Sort(past)
	require.Equal(t, []string{"2025 INDIVIDUAL Ahmed Nasser LAUREATE", "2025 INDIVIDUAL Irena Zając LAUREATE",
		"2025 INDIVIDUAL Maria Kowalczyk DISTINCTION", "2025 ORGANISATION Fundacja LAUREATE",
		"2025 ORGANISATION Stowarzyszenie Most LAUREATE"}, past)
	got = l.do(t, "", `query($e: ID!) { ambassadorEdition(id: $e) { nominationCount { received eligible byChannel { channel count }
		byCategory { category count } } } }`, map[string]any{"e": l.edition})
	count := dig(got, "ambassadorEdition", "nominationCount").(map[string]any)
	require.Equal(t, float64(6), count["received"])
	require.Equal(t, float64(5), count["eligible"])
	require.Equal(t, []any{map[string]any{"channel": "ONLINE", "count": float64(5)}, map[string]any{"channel": "PAPER", "count": float64(0)},
		map[string]any{"channel": "EMAIL", "count": float64(0)}, map[string]any{"channel": "ESERVICES", "count": float64(0)},
		map[string]any{"channel": "POST", "count": float64(1)}}, count["byChannel"])
	require.ElementsMatch(t, []any{map[string]any{"category": "INDIVIDUAL", "count": float64(4)},
		map[string]any{"category": "ORGANISATION", "count": float64(2)}}, count["byCategory"])

	// --- GDPR: Olena (a nominator) and Maria (a nominee) export, then erase.
	export := func(person string) map[string]any {
		t.Helper()
		got := l.do(t, person, `{ me { dataExport } }`, nil)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(dig(got, "me", "dataExport").(string)), &out))
		return dig(out, "domains", "ambassador").(map[string]any)
	}
	summary := func(list any) []string {
		var out []string
		for _, n := range list.([]any) {
			out = append(out, fmt.Sprintf("%v %v %v %v", dig(n, "nomineeName"), dig(n, "category"), dig(n, "status"), dig(n, "award")))
		}
		slices.Sort(out)
		return out
	}
	olena := export("olena")
	require.Equal(t, []string{"Fundacja organisation eligible laureate", "Maria Kowalczyk individual eligible distinction"}, summary(olena["nominationsMade"]))
	require.Empty(t, olena["nominationsOfMe"])
	maria := export("maria")
	require.Empty(t, maria["nominationsMade"])
	require.Equal(t, []string{"Maria Kowalczyk individual eligible distinction"}, summary(maria["nominationsOfMe"]))
	erase := `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`
	l.do(t, "olena", erase, nil)
	l.do(t, "maria", erase, nil)
	// The record of the edition stays; Maria's name goes from it; Olena's
	// nominations lose their nominator only.
	got = l.do(t, "coord", `query($e: ID!) { ambassadorEdition(id: $e) { nominations(first: 50) { edges { node { nominee { name email } status } } } } }`,
		map[string]any{"e": l.edition})
	var after []string
	for _, e := range dig(got, "ambassadorEdition", "nominations", "edges").([]any) {
		after = append(after, fmt.Sprintf("%v %v %v", dig(e, "node", "nominee", "name"), dig(e, "node", "nominee", "email"), dig(e, "node", "status")))
	}
	slices.Sort(after)
	require.Equal(t, []string{"(erased) <nil> ELIGIBLE", "Ahmed Nasser <nil> ELIGIBLE", "Fundacja kontakt@fundacja.example.org ELIGIBLE",
		"Irena Zając irena@example.org ELIGIBLE", "Piotr Wiśniewski piotr@example.org NOT_ELIGIBLE",
		"Stowarzyszenie Most most@example.org ELIGIBLE"}, after)
	var nominators int
	require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from ambassador_nominations where nominator_id is not null`).Scan(&nominators))
	require.Equal(t, 3, nominators, "James's two and Marek's one keep their nominator")
	got = l.do(t, "", `{ ambassadorLaureates { edges { node { laureate { nomineeName rank } } } } }`, nil)
	var names []string
	for _, e := range dig(got, "ambassadorLaureates", "edges").([]any) {
		names = append(names, dig(e, "node", "laureate", "nomineeName").(string))
	}
	slices.Sort(names)
	require.Equal(t, []string{"(erased)", "Ahmed Nasser", "Fundacja", "Irena Zając", "Stowarzyszenie Most"}, names)
}
