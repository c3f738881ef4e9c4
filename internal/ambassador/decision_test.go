package ambassador_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/poll"
)

// jury is an edition in its decision phase: four jurors (the first the
// chair), and eligible nominations in both categories.
type jury struct {
	chair, j2, j3, j4 uuid.UUID
	// Individuals: a (nominated online by juror j2, so j2 is conflicted),
	// b (on paper, with an e-mail contact), d (a minor, by n1), f (by n2,
	// never proposed). Organisations: c (by n2), e (on paper, a postal
	// contact). g is not eligible.
	a, b, c, d, e, f, g uuid.UUID
	n1, n2              uuid.UUID
	nomineeA            uuid.UUID // the account of a's nominee
}

func (b *bundle) juror(t *testing.T, name, locale string) uuid.UUID {
	t.Helper()
	id, _ := b.account(t, name, locale)
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, 'juror', $2)`, id, ambassador.Domain(b.edition.ID))
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return id
}

func (b *bundle) move(t *testing.T, to ambassador.Phase) {
	t.Helper()
	e, err := b.svc.MoveEdition(b.coordinator, b.edition.ID, to, "moved on by the test")
	require.NoError(t, err)
	b.edition = e
}

func (b *bundle) consentAll(t *testing.T, ids ...uuid.UUID) {
	t.Helper()
	for _, id := range ids {
		_, err := b.svc.RecordConsent(b.coordinator, id, "scan://consent")
		require.NoError(t, err)
	}
}

func (b *bundle) decisionPhase(t *testing.T) *jury {
	t.Helper()
	j := &jury{}
	j.chair = b.juror(t, "Chair", "pl")
	j.j2 = b.juror(t, "Juror Two", "uk")
	j.j3 = b.juror(t, "Juror Three", "en")
	j.j4 = b.juror(t, "Juror Four", "pl")
	_, err := b.svc.SetJuryChair(b.coordinator, b.edition.ID, j.chair)
	require.NoError(t, err)
	j.n1, _ = b.account(t, "Nominator One", "uk")
	j.n2, _ = b.account(t, "Nominator Two", "pl")
	var emailA string
	j.nomineeA, emailA = b.account(t, "anna", "en")

	nominate := func(as uuid.UUID, in ambassador.NominationInput) uuid.UUID {
		n, err := b.svc.Nominate(b.as(as), in)
		require.NoError(t, err)
		return n.ID
	}
	enter := func(in ambassador.NominationInput, contact string) uuid.UUID {
		n, err := b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: in, Channel: ambassador.ChannelPaper,
			ReceivedAt: b.start, ScanRef: "scan://form", NominatorName: "Paper Nominator", NominatorContact: contact})
		require.NoError(t, err)
		return n.ID
	}
	org := func(name, email string) ambassador.NominationInput {
		in := b.person(name, email)
		in.CategoryID = b.orgCat
		return in
	}
	j.a = nominate(j.j2, b.person("Anna", emailA))
	j.b = enter(b.person("Bogdan", "bogdan@otwarty.test"), "paper@otwarty.test")
	minor := b.person("Dmytro", "")
	minor.Nominee.Minor, minor.Nominee.GuardianName, minor.Nominee.GuardianEmail = true, "Olena", "guardian@otwarty.test"
	j.d = nominate(j.n1, minor)
	j.f = nominate(j.n2, b.person("Fatima", "fatima@otwarty.test"))
	j.g = nominate(j.n2, b.person("Grzegorz", "grzegorz@otwarty.test"))
	j.c = nominate(j.n2, org("Fundacja C", "c@otwarty.test"))
	j.e = enter(org("Stowarzyszenie E", "e@otwarty.test"), "ul. Długa 1, Kraków")
	// The paper nominator of b wrote in Russian.
	_, err = b.pool.Exec(b.ctx, `update ambassador_nominations set nominator_locale = 'ru' where id = $1`, j.b)
	require.NoError(t, err)
	b.consentAll(t, j.a, j.b, j.c, j.d, j.e, j.f)

	b.move(t, ambassador.PhaseFormalCheck)
	for _, id := range []uuid.UUID{j.a, j.b, j.c, j.d, j.e, j.f} {
		_, err := b.svc.CheckNomination(b.coordinator, id, ambassador.CheckInput{Eligible: true})
		require.NoError(t, err)
	}
	_, err = b.svc.CheckNomination(b.coordinator, j.g, ambassador.CheckInput{Reason: ambassador.ReasonNoConsent})
	require.NoError(t, err)
	b.move(t, ambassador.PhaseScoring)
	return j
}

func just(text string) []i18n.Input {
	return []i18n.Input{{Locale: i18n.PL, Text: text + " (pl)"}, {Locale: i18n.UK, Text: text + " (uk)"},
		{Locale: i18n.EN, Text: text + " (en)"}, {Locale: i18n.RU, Text: text + " (ru)"}}
}

func TestDecision_ProposalVoteAwardAnnouncement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	j := b.decisionPhase(t)
	chair := b.as(j.chair)

	individual := ambassador.ProposalInput{EditionID: b.edition.ID, CategoryID: b.indCat, Entries: []ambassador.RankedInput{
		{NominationID: j.a, Rank: ambassador.RankLaureate, Justification: just("Anna")},
		{NominationID: j.b, Rank: ambassador.RankLaureate, Justification: just("Bogdan")},
		{NominationID: j.d, Rank: ambassador.RankDistinction, Justification: just("Dmytro")},
	}}
	// Only in the decision phase.
	_, err := b.svc.DraftProposal(chair, individual)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.decision_closed")
	b.move(t, ambassador.PhaseDecision)

	// Who may draft: the chair and staff; a juror may not; others do not see proposals.
	_, err = b.svc.DraftProposal(b.as(j.j3), individual)
	requireCode(t, err, apperr.Forbidden, "")
	_, err = b.svc.DraftProposal(b.as(j.n1), individual)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.DraftProposal(b.ctx, individual)
	requireCode(t, err, apperr.Unauthenticated, "")

	// Bad input is refused with nothing written.
	bad := individual
	bad.Entries = append([]ambassador.RankedInput{{NominationID: j.f, Rank: ambassador.RankLaureate, Justification: just("F")}}, individual.Entries...)
	_, err = b.svc.DraftProposal(chair, bad)
	requireCode(t, err, apperr.InvalidInput, "ambassador.too_many_laureates")
	bad.Entries = []ambassador.RankedInput{{NominationID: j.g, Rank: ambassador.RankDistinction, Justification: just("G")}}
	_, err = b.svc.DraftProposal(chair, bad)
	requireCode(t, err, apperr.InvalidInput, "ambassador.entry_not_eligible")
	bad.Entries = []ambassador.RankedInput{{NominationID: j.c, Rank: ambassador.RankDistinction, Justification: just("C")}}
	_, err = b.svc.DraftProposal(chair, bad)
	requireCode(t, err, apperr.InvalidInput, "ambassador.entry_not_eligible") // an organisation in the individuals' category
	bad.Entries = []ambassador.RankedInput{{NominationID: j.f, Rank: ambassador.RankDistinction}}
	_, err = b.svc.DraftProposal(chair, bad)
	requireCode(t, err, apperr.InvalidInput, "ambassador.entry_justification_required")
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from ambassador_proposals`).Scan(&n))
	require.Zero(t, n)

	ind, err := b.svc.DraftProposal(chair, individual)
	require.NoError(t, err)
	require.Equal(t, ambassador.ProposalDraft, ind.Status)
	require.Equal(t, []uuid.UUID{j.a, j.b, j.d}, entryIDs(ind.Entries))

	// The conflicted juror (j2 nominated a) sees nothing of it; others of the jury do.
	_, err = b.svc.Proposal(b.as(j.j2), ind.ID)
	requireCode(t, err, apperr.NotFound, "")
	list, err := b.svc.Proposals(b.as(j.j2), b.edition.ID)
	require.NoError(t, err)
	require.Empty(t, list)
	list, err = b.svc.Proposals(b.as(j.j3), b.edition.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	list, err = b.svc.Proposals(b.as(j.n1), b.edition.ID)
	require.NoError(t, err)
	require.Empty(t, list)

	// The sitting: chair, j2 and j3 present, j4 absent; j2 is recused.
	_, err = b.svc.OpenProposalVote(chair, ind.ID, []uuid.UUID{j.chair, j.n1})
	requireCode(t, err, apperr.InvalidInput, "ambassador.roll_invalid")
	ind, err = b.svc.OpenProposalVote(chair, ind.ID, []uuid.UUID{j.chair, j.j2, j.j3})
	require.NoError(t, err)
	require.Equal(t, ambassador.ProposalVoting, ind.Status)
	require.Equal(t, 4, ind.Members)
	require.Equal(t, []uuid.UUID{j.j2}, ind.Recused)
	_, err = b.svc.DraftProposal(chair, individual)
	requireCode(t, err, apperr.Conflict, "ambassador.proposal_voting")
	_, err = b.svc.CastProposalVote(b.as(j.j2), ind.ID, poll.Yes)
	requireCode(t, err, apperr.NotFound, "") // recused: not even shown
	_, err = b.svc.CastProposalVote(b.as(j.j4), ind.ID, poll.Yes)
	requireCode(t, err, apperr.Forbidden, "poll.not_eligible") // not at the sitting
	_, err = b.svc.CastProposalVote(chair, ind.ID, poll.Yes)
	require.NoError(t, err)
	_, err = b.svc.CastProposalVote(b.as(j.j3), ind.ID, poll.No)
	require.NoError(t, err)
	_, err = b.svc.CloseProposalVote(b.as(j.j3), ind.ID)
	requireCode(t, err, apperr.Forbidden, "")
	ind, err = b.svc.CloseProposalVote(chair, ind.ID)
	require.NoError(t, err)
	// 1 : 1 among three present (one recused) of four: the chair's casting vote adopts.
	require.Equal(t, ambassador.ProposalAdopted, ind.Status)
	res, err := b.svc.ProposalResult(b.coordinator, ind)
	require.NoError(t, err)
	require.Equal(t, poll.Adopted, res.Outcome)
	require.Equal(t, []int{4, 3, 1, 1, 1, 0, 2}, []int{res.Members, res.Present, res.Recused, res.Yes, res.No, res.Abstain, res.Tally.Quorum})
	require.True(t, res.Tally.ByCastingVote)
	votes, err := b.svc.ProposalRollCall(b.as(j.j4), ind)
	require.NoError(t, err)
	require.Len(t, votes, 2)
	votes, err = b.svc.ProposalRollCall(b.as(j.n1), ind)
	require.NoError(t, err)
	require.Nil(t, votes)
	_, err = b.svc.DraftProposal(chair, individual)
	requireCode(t, err, apperr.Conflict, "ambassador.proposal_adopted")

	// Organisations: no quorum, then rejected, then redrafted and adopted.
	orgs := ambassador.ProposalInput{EditionID: b.edition.ID, CategoryID: b.orgCat, Entries: []ambassador.RankedInput{
		{NominationID: j.c, Rank: ambassador.RankLaureate, Justification: just("C")}}}
	vote := func(roll []uuid.UUID, choices map[uuid.UUID]poll.Choice) *ambassador.Proposal {
		p, err := b.svc.DraftProposal(b.coordinator, orgs)
		require.NoError(t, err)
		_, err = b.svc.OpenProposalVote(b.coordinator, p.ID, roll)
		require.NoError(t, err)
		for who, c := range choices {
			_, err = b.svc.CastProposalVote(b.as(who), p.ID, c)
			require.NoError(t, err)
		}
		p, err = b.svc.CloseProposalVote(b.coordinator, p.ID)
		require.NoError(t, err)
		return p
	}
	require.Equal(t, ambassador.ProposalInvalid, vote([]uuid.UUID{j.j4}, map[uuid.UUID]poll.Choice{j.j4: poll.Yes}).Status)

	// The Mayor's award waits for every category's adopted proposal.
	award := ambassador.AwardInput{EditionID: b.edition.ID, CategoryID: b.indCat, Entries: []ambassador.RankedInput{
		{NominationID: j.a, Rank: ambassador.RankLaureate}, {NominationID: j.b, Rank: ambassador.RankLaureate},
		{NominationID: j.d, Rank: ambassador.RankDistinction}}}
	_, err = b.svc.RecordAward(b.coordinator, award)
	requireCode(t, err, apperr.Conflict, "ambassador.proposals_missing")

	require.Equal(t, ambassador.ProposalRejected, vote([]uuid.UUID{j.chair, j.j3, j.j4},
		map[uuid.UUID]poll.Choice{j.chair: poll.No, j.j3: poll.No, j.j4: poll.Yes}).Status)
	require.Equal(t, ambassador.ProposalAdopted, vote([]uuid.UUID{j.chair, j.j2, j.j3, j.j4},
		map[uuid.UUID]poll.Choice{j.chair: poll.Yes, j.j2: poll.Yes, j.j3: poll.Abstain, j.j4: poll.No}).Status)

	// A hand move to the announcement before the award is refused.
	_, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseAnnouncement, "announcing the laureates")
	requireCode(t, err, apperr.Conflict, "ambassador.award_missing")

	// The award: only staff; as proposed needs no reason; a different one does.
	_, err = b.svc.RecordAward(chair, award)
	requireCode(t, err, apperr.Forbidden, "")
	a1, err := b.svc.RecordAward(b.coordinator, award)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{j.a, j.b, j.d}, entryIDs(a1.Entries))
	orgAward := ambassador.AwardInput{EditionID: b.edition.ID, CategoryID: b.orgCat, Entries: []ambassador.RankedInput{
		{NominationID: j.c, Rank: ambassador.RankLaureate},
		{NominationID: j.e, Rank: ambassador.RankDistinction, Justification: []i18n.Input{{Locale: i18n.PL, Text: "Za lata pracy"}}}}}
	_, err = b.svc.RecordAward(b.coordinator, orgAward)
	requireCode(t, err, apperr.InvalidInput, "ambassador.award_reason_required")
	orgAward.Entries[1].Justification = nil
	orgAward.Reason = "The Mayor adds a distinction"
	_, err = b.svc.RecordAward(b.coordinator, orgAward)
	requireCode(t, err, apperr.InvalidInput, "ambassador.entry_justification_required")
	orgAward.Entries[1].Justification = []i18n.Input{{Locale: i18n.PL, Text: "Za lata pracy"}}
	a2, err := b.svc.RecordAward(b.coordinator, orgAward)
	require.NoError(t, err)
	require.Equal(t, "The Mayor adds a distinction", a2.Reason)

	// Before the announcement the laureates are hidden from the public.
	ls, err := b.svc.Laureates(b.as(j.n1), b.edition.ID)
	require.NoError(t, err)
	require.Nil(t, ls)
	ls, err = b.svc.Laureates(b.as(j.j2), b.edition.ID)
	require.NoError(t, err)
	require.Len(t, ls, 4) // without a, which j2 is conflicted with

	// The scheduled announcement is held (a justification has Polish only)
	// and the coordinator told once.
	b.runMove(t, ambassador.PhaseAnnouncement)
	require.Equal(t, ambassador.PhaseDecision, b.edition.Phase)
	require.Equal(t, 1, b.notices(t, ambassador.NoticeAnnouncementHeld, b.coordID, ""))
	_, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseAnnouncement, "announcing the laureates")
	requireCode(t, err, apperr.Conflict, "ambassador.justification_languages")
	var text uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select justification_id from ambassador_award_entries where nomination_id = $1`, j.e).Scan(&text))
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		for _, l := range []i18n.Locale{i18n.UK, i18n.EN, i18n.RU} {
			if _, err := i18n.AddVersion(b.ctx, tx, text, l, "translation "+string(l), b.coordID, i18n.SourceHuman); err != nil {
				return err
			}
		}
		return nil
	}))
	b.move(t, ambassador.PhaseAnnouncement)

	// Every eligible nomination's nominator and nominee is told once, in their language.
	want := []string{
		"nominator account " + j.j2.String() + " laureate",
		"nominator account " + j.n1.String() + " distinction",
		"nominator account " + j.n2.String() + " laureate",
		"nominator account " + j.n2.String() + " not_awarded",
		"nominator paper@otwarty.test ru laureate",
		"nominee " + strings.ToLower(emailOf(t, b, j.nomineeA)) + " en laureate",
		"nominee bogdan@otwarty.test ru laureate",
		"nominee c@otwarty.test pl laureate",
		"nominee e@otwarty.test pl distinction",
		"nominee fatima@otwarty.test pl not_awarded",
		"nominee guardian@otwarty.test uk distinction",
	}
	sort.Strings(want)
	require.Equal(t, want, announced(t, b))

	// Now public: the laureates, the proposals with their counts.
	ls, err = b.svc.Laureates(b.anon(), b.edition.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"organisation laureate Fundacja C", "organisation distinction Stowarzyszenie E",
		"individual laureate Anna", "individual laureate Bogdan", "individual distinction Dmytro"}, laureateNames(ls))
	list, err = b.svc.Proposals(b.anon(), b.edition.ID)
	require.NoError(t, err)
	require.Len(t, list, 4)
	i := slices.IndexFunc(list, func(p *ambassador.Proposal) bool { return p.ID == ind.ID })
	res, err = b.svc.ProposalResult(b.anon(), list[i])
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 1}, []int{res.Yes, res.No, res.Recused})
	votes, err = b.svc.ProposalRollCall(b.anon(), list[i])
	require.NoError(t, err)
	require.Nil(t, votes) // each juror's vote stays with the jury and staff

	// The nominee who is a laureate finds it in their GDPR export.
	var raw []byte
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		v, err := b.svc.PersonalData().Export(b.ctx, tx, j.nomineeA)
		if err != nil {
			return err
		}
		raw, err = json.Marshal(v)
		return err
	}))
	var got map[string][]map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	require.Len(t, got["nominationsOfMe"], 1)
	require.Equal(t, "laureate", got["nominationsOfMe"][0]["award"])
}

func (b *bundle) anon() context.Context { return authz.WithAuthorizer(b.ctx, b.az) }

func entryIDs(es []ambassador.Entry) []uuid.UUID {
	out := make([]uuid.UUID, len(es))
	for i, e := range es {
		out[i] = e.NominationID
	}
	return out
}

func laureateNames(ls []*ambassador.Laureate) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.CategoryKind + " " + string(l.Rank) + " " + l.NomineeName
	}
	return out
}

func emailOf(t *testing.T, b *bundle, id uuid.UUID) string {
	t.Helper()
	var email string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select email from accounts where id = $1`, id).Scan(&email))
	return email
}

// announced lists the announcement's notices: "nominator account <id>
// <outcome>", "nominator <address> <locale> <outcome>" or "nominee
// <address> <locale> <outcome>", sorted.
func announced(t *testing.T, b *bundle) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select args->>'kind', args->>'account_id', coalesce(args->>'to_address', ''),
		coalesce(args->'data'->>'locale', ''), args->'data'->>'outcome' from river_job where kind = $1 and args->>'kind' in ($2, $3)`,
		notify.JobDeliver, ambassador.NoticeAwardNominator, ambassador.NoticeAwardNominee)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, account, to, locale, outcome string
		require.NoError(t, rows.Scan(&kind, &account, &to, &locale, &outcome))
		who := "nominee"
		if kind == ambassador.NoticeAwardNominator {
			who = "nominator"
		}
		if to == "" {
			out = append(out, who+" account "+account+" "+outcome)
		} else {
			out = append(out, who+" "+strings.ToLower(to)+" "+locale+" "+outcome)
		}
	}
	require.NoError(t, rows.Err())
	sort.Strings(out)
	return out
}

func TestLaureates_PastByYearAndTheNominationCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resident, _ := b.account(t, "Resident", "pl")
	// During nominations the count is the coordinator's only.
	n, err := b.svc.Nominate(b.as(resident), b.person("Halina", "halina@otwarty.test"))
	require.NoError(t, err)
	count, err := b.svc.NominationCount(b.as(resident), b.edition.ID)
	require.NoError(t, err)
	require.Nil(t, count)
	count, err = b.svc.NominationCount(b.coordinator, b.edition.ID)
	require.NoError(t, err)
	require.Equal(t, &ambassador.NominationCount{Received: 1, Eligible: 0,
		ByChannel:  map[ambassador.Channel]int{ambassador.ChannelOnline: 1},
		ByCategory: map[string]int{ambassador.CategoryIndividual: 1}}, count)
	_, err = b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: b.person("Igor", "igor@otwarty.test"),
		Channel: ambassador.ChannelPost, ReceivedAt: b.start, ScanRef: "scan://post", NominatorName: "By post"})
	require.NoError(t, err)
	b.consentAll(t, n.ID)
	b.move(t, ambassador.PhaseFormalCheck)
	_, err = b.svc.CheckNomination(b.coordinator, n.ID, ambassador.CheckInput{Eligible: true})
	require.NoError(t, err)
	// Once nominations have closed it is public.
	count, err = b.svc.NominationCount(b.anon(), b.edition.ID)
	require.NoError(t, err)
	require.Equal(t, &ambassador.NominationCount{Received: 2, Eligible: 1,
		ByChannel:  map[ambassador.Channel]int{ambassador.ChannelOnline: 1, ambassador.ChannelPost: 1},
		ByCategory: map[string]int{ambassador.CategoryIndividual: 2}}, count)

	// Past laureates: announced editions only, newest first, in pages.
	page, err := b.svc.PastLaureates(b.anon(), 10, "")
	require.NoError(t, err)
	require.Zero(t, page.Total)
	past := func(year int, names ...string) {
		var ed, cat uuid.UUID
		require.NoError(t, b.pool.QueryRow(b.ctx, `insert into ambassador_editions (year, status, phase, nominations_open, nominations_close,
			check_close, scoring_close, decision_close, announce_at, created_at, updated_at, published_at, announced_at)
			values ($1, 'published', 'announcement', now() - interval '9 day', now() - interval '8 day', now() - interval '7 day',
			now() - interval '6 day', now() - interval '5 day', now() - interval '4 day', now(), now(), now(), now()) returning id`, year).Scan(&ed))
		require.NoError(t, b.pool.QueryRow(b.ctx, `insert into ambassador_categories (edition_id, kind, titles) values ($1, 'individual', 2)
			returning id`, ed).Scan(&cat))
		var prop, text uuid.UUID
		require.NoError(t, b.pool.QueryRow(b.ctx, `insert into ambassador_proposals (edition_id, category_id, status, poll_id, created_at,
			updated_at, decided_at) values ($1, $2, 'draft', null, now(), now(), null) returning id`, ed, cat).Scan(&prop))
		require.NoError(t, b.pool.QueryRow(b.ctx, `insert into texts (original_locale) values ('pl') returning id`).Scan(&text))
		_, err := b.pool.Exec(b.ctx, `insert into ambassador_awards (category_id, edition_id, proposal_id, recorded_at) values ($1, $2, $3, now())`,
			cat, ed, prop)
		require.NoError(t, err)
		for i, name := range names {
			var nom uuid.UUID
			require.NoError(t, b.pool.QueryRow(b.ctx, `insert into ambassador_nominations (edition_id, category_id, nominee_name, channel,
				received_at, entered_by, status, consent_at, consent_by, consent_channel, checked_at, created_at, updated_at)
				values ($1, $2, $3, 'paper', now(), $4, 'eligible', now(), 'nominee', 'paper', now(), now(), now()) returning id`,
				ed, cat, name, b.coordID).Scan(&nom))
			rank := "laureate"
			if i > 0 {
				rank = "distinction"
			}
			_, err := b.pool.Exec(b.ctx, `insert into ambassador_award_entries (category_id, nomination_id, rank, position, justification_id)
				values ($1, $2, $3, $4, $5)`, cat, nom, rank, i, text)
			require.NoError(t, err)
		}
	}
	past(2022, "Ola", "Piotr")
	past(2023, "Roman")
	page, err = b.svc.PastLaureates(b.anon(), 2, "")
	require.NoError(t, err)
	require.Equal(t, 3, page.Total)
	require.Equal(t, []string{"individual laureate Roman", "individual laureate Ola"}, laureateNames(page.Items))
	require.True(t, page.HasNext)
	page, err = b.svc.PastLaureates(b.anon(), 2, page.Items[1].Cursor())
	require.NoError(t, err)
	require.Equal(t, []string{"individual distinction Piotr"}, laureateNames(page.Items))
	require.False(t, page.HasNext)
}

// Every ambassador.* key the decision's errors carry has a message in
// every locale.
func TestDecision_EveryKeyInCatalog(t *testing.T) {
	t.Parallel()
	keyRE := regexp.MustCompile(`apperr\.(?:New|Invalid)\([^)]*"(ambassador\.[a-z_]+)"\)`)
	seen := 0
	for _, f := range []string{"decision.go", "award.go", "announce.go", "laureates.go"} {
		src, err := os.ReadFile(filepath.Clean(f))
		require.NoError(t, err)
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			seen++
			require.True(t, i18n.Has(m[1]), "%s: %s", f, m[1])
		}
	}
	require.Greater(t, seen, 15)
}
