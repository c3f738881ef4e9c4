package graph_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue_votes.graphqls")

// TestDialogueVoteMutations_PermissionMatrix tries every mutation of
// dialogue_votes.graphqls with every kind of caller, including a member and
// the chair of the body and of another body, its guest and observer.
// Voting members and the chair table motions and amendments; a motion's
// tabler and who manages the body's votes (its chair, the unit's officials,
// coordinators, admins) withdraw it; they open and close votes, written or
// in a meeting, and put a meeting's agenda to a vote; only voting members
// cast, in a meeting only those present (the guest and observer present
// are refused).
func TestDialogueVoteMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other := d.createBody(t, true), d.createBody(t, true)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	d.seatCallers(t, tokens, "glosy", map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
		callerBodyGuest: {body, "GUEST"}, callerBodyObserver: {body, "OBSERVER"},
	})
	v := &votesFixture{b: b, body: body, member: tokens[callerBodyMember], manager: f.coord}
	managers := []string{callerBodyChair, callerOfficial, callerCoordinator, callerAdmin}
	tablers := []string{callerBodyMember, callerBodyChair}

	// One motion per allowed caller where a call uses it up.
	motionsFor := func(callers []string, open bool) map[string]string {
		out := map[string]string{}
		for _, c := range callers {
			out[c] = v.table(t, "Wniosek dla "+c)
			if open {
				v.open(t, out[c], time.Hour)
			}
		}
		return out
	}
	perCallerMotion := func(ms map[string]string, first string) func(string) map[string]any {
		return func(c string) map[string]any {
			id, ok := ms[c]
			if !ok {
				id = ms[first]
			}
			return map[string]any{"m": id}
		}
	}
	toWithdraw := motionsFor(append([]string{callerBodyMember}, managers...), false)
	toOpen := motionsFor(managers, false)
	toClose := motionsFor(managers, true)
	amended := v.table(t, "Wniosek z poprawkami")
	voted := v.table(t, "Wniosek do głosowania")
	v.open(t, voted, time.Hour)

	// Meetings in progress: scheduled to start in 20 minutes, the service's
	// clock then moved into them. The body's member, chair, guest and
	// observer are present at the first; each manager puts the agenda of a
	// meeting of its own to a vote.
	m := &meetingVotesFixture{dialogueFixture: &dialogueFixture{consultationFixture: f.consultationFixture, body: body}}
	meeting := m.schedule(t)
	m.present(t, meeting, "IN_PERSON", tokens[callerBodyMember], tokens[callerBodyChair], tokens[callerBodyGuest], tokens[callerBodyObserver])
	agendas := map[string]string{}
	for _, c := range managers {
		agendas[c] = m.schedule(t)
		res := b.gql(t, `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Sprawy bieżące"}}}) {
			item { id } } }`, map[string]any{"m": agendas[c]}, withToken(f.coord))
		require.Empty(t, res.Errors)
	}
	m.inProgress()
	openInMeeting := func(motion string) {
		t.Helper()
		res := b.gql(t, `mutation($m: ID!, $g: ID!) { openMotionVote(input: {motionId: $m, meeting: {meetingId: $g}}) { motion { id } } }`,
			map[string]any{"m": motion, "g": meeting}, withToken(f.coord))
		require.Empty(t, res.Errors)
	}
	toOpenInMeeting := motionsFor(managers, false)
	toCloseInMeeting := motionsFor(managers, false)
	for _, id := range toCloseInMeeting {
		openInMeeting(id)
	}
	votedInMeeting := v.table(t, "Wniosek na posiedzeniu")
	openInMeeting(votedInMeeting)

	tries := []matrixTry{
		{name: "tableMotion", query: `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION,
			title: {locale: PL, text: "Uchwała"}, text: {locale: PL, text: "Treść uchwały"}}) { motion { status } } }`,
			vars: fixedVars(map[string]any{"b": body}), allowed: tablers},
		{name: "proposeAmendment", query: `mutation($m: ID!) { proposeAmendment(input: {motionId: $m,
			title: {locale: PL, text: "Poprawka"}, text: {locale: PL, text: "Nowa treść"}}) { amendment { parent { id } } } }`,
			vars: fixedVars(map[string]any{"m": amended}), allowed: tablers},
		{name: "withdrawMotion", query: `mutation($m: ID!) { withdrawMotion(input: {motionId: $m}) { motion { status } } }`,
			vars: perCallerMotion(toWithdraw, callerBodyMember), allowed: append([]string{callerBodyMember}, managers...),
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "WITHDRAWN", dig(res.Data, "withdrawMotion", "motion", "status"), c)
				}
			}},
		{name: "openMotionVote", query: `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) {
			motion { status } } }`, allowed: managers,
			vars: func(c string) map[string]any {
				vars := perCallerMotion(toOpen, managers[0])(c)
				vars["d"] = time.Now().Add(time.Hour).Format(time.RFC3339)
				return vars
			}},
		{name: "castMotionVote", query: `mutation($m: ID!) { castMotionVote(input: {motionId: $m, choice: YES}) { changed } }`,
			vars: fixedVars(map[string]any{"m": voted}), allowed: tablers},
		{name: "closeMotionVote", query: `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`,
			vars: perCallerMotion(toClose, managers[0]), allowed: managers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "INVALID", dig(res.Data, "closeMotionVote", "motion", "status"), c, "nobody voted")
				}
			}},
		{name: "openMotionVote", label: "in a meeting", query: `mutation($m: ID!, $g: ID!) { openMotionVote(input: {motionId: $m,
			meeting: {meetingId: $g}}) { motion { status vote { format } } } }`, allowed: managers,
			vars: func(c string) map[string]any {
				vars := perCallerMotion(toOpenInMeeting, managers[0])(c)
				vars["g"] = meeting
				return vars
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "MEETING", dig(res.Data, "openMotionVote", "motion", "vote", "format"), c)
				}
			}},
		{name: "castMotionVote", label: "in a meeting: the voting members present", query: `mutation($m: ID!) {
			castMotionVote(input: {motionId: $m, choice: NO}) { changed } }`,
			vars: fixedVars(map[string]any{"m": votedInMeeting}), allowed: tablers},
		{name: "closeMotionVote", label: "in a meeting", query: `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) {
			motion { vote { closed format } } } }`, vars: perCallerMotion(toCloseInMeeting, managers[0]), allowed: managers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, map[string]any{"closed": true, "format": "MEETING"}, dig(res.Data, "closeMotionVote", "motion", "vote"), c)
				}
			}},
		{name: "putAgendaToVote", query: `mutation($g: ID!) { putAgendaToVote(input: {meetingId: $g}) { motion { status adoptsAgendaOf { id } } } }`,
			allowed: managers,
			vars: func(c string) map[string]any {
				g, ok := agendas[c]
				if !ok {
					g = agendas[managers[0]]
				}
				return map[string]any{"g": g}
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, map[string]any{"status": "VOTING", "adoptsAgendaOf": map[string]any{"id": agendas[c]}},
						dig(res.Data, "putAgendaToVote", "motion"), c)
				}
			}},
	}
	tries = append(tries, v.electionTries(t, tokens, managers, tablers)...)
	tries = append(tries, v.withdrawCandidacyTries(t, tokens)...)
	runMatrix(t, b, tokens, "dialogue_votes.graphqls", tries)
}

// electionTries are the election mutations' cases: the unit's staff run
// elections; any confirmed account that sees the body stands; voting
// members endorse and vote.
func (v *votesFixture) electionTries(t *testing.T, tokens map[string]string, managers, voters []string) []matrixTry {
	t.Helper()
	staff := managers[1:]
	var confirmed []string
	for c := range tokens {
		if c != callerAnonymous && c != callerUnconfirmed {
			confirmed = append(confirmed, c)
		}
	}
	perStaff := func(f func(c string) string) map[string]string {
		out := map[string]string{}
		for _, c := range staff {
			out[c] = f(c)
		}
		return out
	}
	electionVars := func(ids map[string]string) func(string) map[string]any {
		return func(c string) map[string]any {
			id, ok := ids[c]
			if !ok {
				id = ids[staff[0]]
			}
			return map[string]any{"e": id}
		}
	}
	nominating := v.election(t, 1)
	candidate := v.stand(t, nominating, "kandydatka-"+uuidSuffix())
	toOpen := perStaff(func(c string) string { e := v.election(t, 1); v.stand(t, e, "kandydat-"+c+uuidSuffix()); return e })
	voting := v.election(t, 1)
	v.stand(t, voting, "kandydat-glosowanie"+uuidSuffix())
	v.openBallot(t, voting)
	toClose := perStaff(func(c string) string {
		e := v.election(t, 1)
		v.stand(t, e, "kandydat-zamkniecie-"+c+uuidSuffix())
		v.openBallot(t, e)
		return e
	})
	tied := map[string][]string{}
	toBreak := perStaff(func(c string) string {
		e := v.election(t, 1)
		c1, c2 := v.stand(t, e, "remis-a-"+c+uuidSuffix()), v.stand(t, e, "remis-b-"+c+uuidSuffix())
		v.openBallot(t, e)
		v.castBallot(t, e, tokens[callerBodyMember], c1)
		v.castBallot(t, e, tokens[callerBodyChair], c2)
		res := v.b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { result { outcome } } } }`,
			map[string]any{"e": e}, withToken(v.manager))
		require.Empty(t, res.Errors)
		require.Equal(t, "TIED", dig(res.Data, "closeElection", "election", "result", "outcome"))
		tied[e] = []string{c1, c2}
		return e
	})
	return []matrixTry{
		{name: "openElection", query: `mutation($b: ID!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Wybory"},
			seats: 2, picks: 2, endorsementsNeeded: 3}) { election { status } } }`,
			vars: fixedVars(map[string]any{"b": v.body}), allowed: staff},
		{name: "standForElection", query: `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`,
			vars: fixedVars(map[string]any{"e": nominating}), allowed: confirmed},
		{name: "endorseCandidate", query: `mutation($c: ID!) { endorseCandidate(input: {candidateId: $c}) { candidate { endorsements } } }`,
			vars: fixedVars(map[string]any{"c": candidate}), allowed: voters,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, float64(2), dig(got[voters[1]].Data, "endorseCandidate", "candidate", "endorsements"))
			}},
		{name: "openElectionBallot", query: `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) {
			election { status } } }`, allowed: staff,
			vars: func(c string) map[string]any {
				vars := electionVars(toOpen)(c)
				vars["d"] = time.Now().Add(time.Hour).Format(time.RFC3339)
				return vars
			}},
		{name: "castElectionBallot", query: `mutation($e: ID!) { castElectionBallot(input: {electionId: $e, picks: []}) { voter { person { accountId } } } }`,
			vars: fixedVars(map[string]any{"e": voting}), allowed: voters},
		{name: "closeElection", query: `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { status } } }`,
			vars: electionVars(toClose), allowed: staff},
		{name: "recordElectionTieBreak", query: `mutation($e: ID!, $o: [ID!]!) { recordElectionTieBreak(input: {electionId: $e, order: $o,
			note: "Losowanie publiczne na posiedzeniu"}) { election { result { outcome } } } }`, allowed: staff,
			vars: func(c string) map[string]any {
				vars := electionVars(toBreak)(c)
				vars["o"] = tied[vars["e"].(string)]
				return vars
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "ELECTED", dig(res.Data, "recordElectionTieBreak", "election", "result", "outcome"), c)
				}
			}},
	}
}

func uuidSuffix() string { return uuid.NewString()[:8] }

// election opens an election of the body with one seat and no endorsements needed.
func (v *votesFixture) election(t *testing.T, seats int) string {
	t.Helper()
	res := v.b.gql(t, `mutation($b: ID!, $s: Int!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Wybory"},
		seats: $s, picks: 1}) { election { id } } }`, map[string]any{"b": v.body, "s": seats}, withToken(v.manager))
	require.Empty(t, res.Errors)
	return dig(res.Data, "openElection", "election", "id").(string)
}

// stand signs up a confirmed account that stands in election e; its candidacy id.
func (v *votesFixture) stand(t *testing.T, e, name string) string {
	t.Helper()
	email := name + "@example.org"
	tok := v.b.signUp(t, email)
	v.b.confirm(t, email)
	res := v.b.gql(t, `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`,
		map[string]any{"e": e}, withToken(tok))
	require.Empty(t, res.Errors)
	return dig(res.Data, "standForElection", "candidate", "id").(string)
}

func (v *votesFixture) openBallot(t *testing.T, e string) {
	t.Helper()
	res := v.b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
		map[string]any{"e": e, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(v.manager))
	require.Empty(t, res.Errors)
}

func (v *votesFixture) castBallot(t *testing.T, e, token string, picks ...string) {
	t.Helper()
	if picks == nil {
		picks = []string{}
	}
	res := v.b.gql(t, `mutation($e: ID!, $p: [ID!]!) { castElectionBallot(input: {electionId: $e, picks: $p}) { election { id } } }`,
		map[string]any{"e": e, "p": picks}, withToken(token))
	require.Empty(t, res.Errors)
}

// votesFixture tables motions as a member and opens votes as a manager.
type votesFixture struct {
	b                     *bundle
	body, member, manager string
}

func (v *votesFixture) table(t *testing.T, title string) string {
	t.Helper()
	res := v.b.gql(t, `mutation($b: ID!, $t: String!) { tableMotion(input: {bodyId: $b, kind: OPINION,
		title: {locale: PL, text: $t}, text: {locale: PL, text: "Treść opinii"}}) { motion { id } } }`,
		map[string]any{"b": v.body, "t": title}, withToken(v.member))
	require.Empty(t, res.Errors)
	return dig(res.Data, "tableMotion", "motion", "id").(string)
}

func (v *votesFixture) open(t *testing.T, motion string, in time.Duration) {
	t.Helper()
	res := v.b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { id } } }`,
		map[string]any{"m": motion, "d": time.Now().Add(in).Format(time.RFC3339)}, withToken(v.manager))
	require.Empty(t, res.Errors)
}
