package dialogue_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/poll"
)

// meeting schedules a meeting of the body (as its chair), starting in two
// days, with the whole roll invited.
func (mb *motionBundle) meeting(t *testing.T) *dialogue.Meeting {
	t.Helper()
	m, err := mb.svc.ScheduleMeeting(mb.chairCtx, mb.body.ID, mb.meetingInput())
	require.NoError(t, err)
	return m
}

// start moves the clock into meeting m.
func (mb *motionBundle) start(t *testing.T, m *dialogue.Meeting) {
	t.Helper()
	mb.clock.Advance(m.StartsAt.Sub(mb.clock.Now()) + time.Minute)
}

// present records account present at m (staff), in mode.
func (mb *motionBundle) present(t *testing.T, m *dialogue.Meeting, mode string, accounts ...uuid.UUID) {
	t.Helper()
	for _, a := range accounts {
		_, err := mb.svc.RecordAttendance(mb.coordinator, m.ID, a, mode)
		require.NoError(t, err)
	}
}

func (mb *motionBundle) openIn(t *testing.T, motion uuid.UUID, m *dialogue.Meeting, secret bool) *dialogue.Motion {
	t.Helper()
	mo, err := mb.motions.OpenMeetingVote(mb.chairCtx, dialogue.MeetingVoteInput{MotionID: motion, MeetingID: m.ID, Secret: secret})
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionVoting, mo.Status)
	return mo
}

// TestMeetingVote_PresentVotersOnlyOnceEachQuorumAtTheClose puts a motion
// to a roll call in a meeting: only voting members present vote (an
// organisation through its present delegate, a double delegate once for
// each, remote attendance under the default rules), once each even at
// once; the quorum is counted from those present at the close, the roll
// call is published, and a closed vote does not reopen.
func TestMeetingVote_PresentVotersOnlyOnceEachQuorumAtTheClose(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	motion := mb.table(t, mb.aliceCtx, nil, "Opinia o strategii", nil)
	m := mb.meeting(t)
	item, err := mb.svc.AddAgendaItem(mb.chairCtx, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Opinie"}})
	require.NoError(t, err)
	in := dialogue.MeetingVoteInput{MotionID: motion.ID, MeetingID: m.ID, AgendaItemID: &item.ID}

	// Not before the meeting starts; only who manages the body's votes; only
	// a meeting of its body and an item of that meeting.
	_, err = mb.motions.OpenMeetingVote(mb.chairCtx, in)
	require.Equal(t, dialogue.ErrMeetingNotStarted, err)
	mb.start(t, m)
	_, err = mb.motions.OpenMeetingVote(mb.aliceCtx, in)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	_, err = mb.motions.OpenMeetingVote(mb.anonymous(), in)
	require.Equal(t, apperr.ErrUnauthenticated, err)
	other, err := mb.svc.CreateBody(mb.coordinator, dialogue.CreateInput{UnitID: mb.unitID, Kind: dialogue.KindWorkingGroup,
		Name: i18n.Input{Locale: i18n.PL, Text: "Inny zespół"}, Public: true})
	require.NoError(t, err)
	mb.person(t, other.ID, mb.chair, dialogue.RoleChair)
	otherMeeting, err := mb.svc.ScheduleMeeting(mb.coordinator, other.ID, mb.meetingInput())
	require.NoError(t, err)
	_, err = mb.motions.OpenMeetingVote(mb.chairCtx, dialogue.MeetingVoteInput{MotionID: motion.ID, MeetingID: otherMeeting.ID})
	require.Equal(t, apperr.Invalid("meetingId", "dialogue.vote_meeting_invalid"), err)
	foreign, err := mb.svc.AddAgendaItem(mb.coordinator, otherMeeting.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Inny punkt"}})
	require.NoError(t, err)
	_, err = mb.motions.OpenMeetingVote(mb.chairCtx, dialogue.MeetingVoteInput{MotionID: motion.ID, MeetingID: m.ID, AgendaItemID: &foreign.ID})
	require.Equal(t, apperr.Invalid("agendaItemId", "dialogue.vote_agenda_item_invalid"), err)
	mo, err := mb.motions.OpenMeetingVote(mb.chairCtx, in)
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionVoting, mo.Status)
	require.Equal(t, &m.ID, mo.MeetingID)
	require.Equal(t, &item.ID, mo.AgendaItemID)
	p, err := mb.motions.Vote(mb.anonymous(), mo)
	require.NoError(t, err)
	require.Equal(t, dialogue.FormatMeeting, p.Format)
	require.False(t, p.Secret)
	require.True(t, p.Deadline.Equal(m.EndsAt), "it cannot outlast its meeting")
	require.Empty(t, mb.notices(t, dialogue.NoticeVoteOpened, motion.ID), "those present follow it live: no notice")

	// Present: the chair and Dave in person, Alice remotely (counted under
	// the default rules), the guest; Erin came and left.
	mb.present(t, m, gathering.InPerson, mb.chair, mb.dave, mb.guest, mb.erin)
	mb.present(t, m, gathering.Remote, mb.alice)
	_, err = mb.svc.RecordDeparture(mb.coordinator, m.ID, mb.erin)
	require.NoError(t, err)

	_, err = mb.motions.CastVote(mb.guestCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, poll.ErrNotEligible, err, "guests never vote")
	_, err = mb.motions.CastVote(mb.erinCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.New(apperr.Forbidden, "dialogue.vote_not_present"), err, "a member who left votes no more")
	_, err = mb.motions.CastVote(mb.daveCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.Invalid("as", "poll.voter_ambiguous"), err)
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgA)), poll.Yes)
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgB)), poll.No)
	mb.cast(t, mb.aliceCtx, motion.ID, nil, poll.Yes)

	// The chair's client sends twenty votes at once, both ways: one counts.
	choices := []poll.Choice{poll.Yes, poll.No}
	_, errs := pgtest.AtOnce(20, func(i int) (poll.Receipt, error) {
		return mb.motions.CastVote(mb.chairCtx, motion.ID, nil, choices[i%2])
	})
	roll := map[poll.Choice]int{}
	for i, err := range errs {
		if err == nil {
			roll[choices[i%2]]++
		} else {
			require.Equal(t, poll.ErrAlreadyVoted, err)
		}
	}
	require.Len(t, roll, 1, "one choice recorded for the chair, the others refused")
	var chairChoice poll.Choice
	for c := range roll {
		chairChoice = c
	}

	live, err := mb.motions.Live(mb.anonymous(), mo)
	require.NoError(t, err)
	require.Equal(t, 4, live.Voters)
	_, err = mb.motions.CloseVote(mb.aliceCtx, motion.ID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "a member does not close it")
	decided, res := mb.close(t, motion.ID)
	require.Equal(t, 5, res.Members)
	require.Equal(t, 4, res.Present, "the chair, Alice (remote), A and B through Dave; Erin left")
	require.Equal(t, 3, res.Tally.Quorum)
	yes := 2
	if chairChoice == poll.Yes {
		yes = 3
	}
	require.Equal(t, [3]int{yes, 4 - yes, 0}, [3]int{res.Yes, res.No, res.Abstain})
	if chairChoice == poll.Yes {
		require.Equal(t, dialogue.MotionAdopted, decided.Status, "3 for, 1 against")
	} else {
		require.Equal(t, dialogue.MotionRejected, decided.Status, "2 to 2: the chair's vote against decides")
		require.True(t, res.Tally.ByCastingVote)
	}
	rollCall, err := mb.motions.RollCall(mb.anonymous(), decided)
	require.NoError(t, err)
	got := map[poll.VoterKey]poll.Choice{}
	for _, v := range rollCall {
		got[v.Voter] = v.Choice
	}
	require.Equal(t, map[poll.VoterKey]poll.Choice{poll.Person(mb.chair): chairChoice, poll.Person(mb.alice): poll.Yes,
		poll.Org(mb.orgA): poll.Yes, poll.Org(mb.orgB): poll.No}, got)
	require.Equal(t, map[uuid.UUID]string{mb.alice: "Opinia o strategii"}, mb.noticeTitles(t, dialogue.NoticeVoteDecided, motion.ID, 1),
		"the tabler is told the result")

	// Closed for good.
	_, err = mb.motions.CloseVote(mb.chairCtx, motion.ID)
	require.Equal(t, poll.ErrClosed, err)
	_, err = mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.No)
	require.Equal(t, poll.ErrClosed, err)
	_, err = mb.motions.OpenMeetingVote(mb.chairCtx, in)
	require.Equal(t, dialogue.ErrMotionDecided, err)
	meetingMotions, err := mb.motions.OfMeeting(mb.anonymous(), m.ID)
	require.NoError(t, err)
	require.Len(t, meetingMotions, 1)
	require.Equal(t, motion.ID, meetingMotions[0].ID)
}

// TestMeetingVote_WithoutQuorumInvalidRemoteOnlyByTheRules: where remote
// attendance does not count, a member present remotely neither votes nor
// makes the quorum, and a vote without quorum is invalid, not rejected.
func TestMeetingVote_WithoutQuorumInvalidRemoteOnlyByTheRules(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{RemoteAttendanceCounts: ptr(false)})
	motion := mb.table(t, mb.aliceCtx, nil, "Rekomendacja", nil)
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.erin)
	mb.present(t, m, gathering.Remote, mb.alice)
	mb.openIn(t, motion.ID, m, false)
	_, err := mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.New(apperr.Forbidden, "dialogue.vote_not_present"), err)
	mb.cast(t, mb.chairCtx, motion.ID, nil, poll.Yes)
	mb.cast(t, mb.erinCtx, motion.ID, nil, poll.Yes)
	decided, res := mb.close(t, motion.ID)
	require.Equal(t, dialogue.MotionInvalid, decided.Status)
	require.Equal(t, poll.Invalid, res.Outcome)
	require.Equal(t, [3]int{5, 2, 3}, [3]int{res.Members, res.Present, res.Tally.Quorum})
	require.Equal(t, 2, res.Yes, "the votes are kept")
}

// TestMeetingVote_TieBrokenByTheChairPresent: the Polish default rules give
// the chair's vote the tie; a chair who did not vote breaks nothing.
func TestMeetingVote_TieBrokenByTheChairPresent(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.alice, mb.dave, mb.erin)
	tie := mb.table(t, mb.aliceCtx, nil, "Remis z przewodniczącą", nil)
	mb.openIn(t, tie.ID, m, false)
	mb.cast(t, mb.chairCtx, tie.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, tie.ID, ptrKey(poll.Org(mb.orgA)), poll.No)
	mb.cast(t, mb.erinCtx, tie.ID, nil, poll.Abstain)
	decided, res := mb.close(t, tie.ID)
	require.Equal(t, dialogue.MotionAdopted, decided.Status)
	require.True(t, res.Tally.ByCastingVote)

	tie = mb.table(t, mb.aliceCtx, nil, "Remis bez przewodniczącej", nil)
	mb.openIn(t, tie.ID, m, false)
	mb.cast(t, mb.aliceCtx, tie.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, tie.ID, ptrKey(poll.Org(mb.orgA)), poll.No)
	mb.cast(t, mb.erinCtx, tie.ID, nil, poll.Abstain)
	decided, res = mb.close(t, tie.ID)
	require.Equal(t, dialogue.MotionRejected, decided.Status)
	require.False(t, res.Tally.ByCastingVote)
}

// TestMeetingVote_SecretOnlyTotals: a secret vote in a meeting goes through
// the ballot box: while open only how many voted, then totals, never a roll
// call; no change even where the rules allow it, no casting vote.
func TestMeetingVote_SecretOnlyTotals(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{VotesChangeableBeforeClose: ptr(true)})
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.alice, mb.dave)
	motion := mb.table(t, mb.chairCtx, nil, "Sprawa osobowa", nil)
	mo := mb.openIn(t, motion.ID, m, true)
	p, err := mb.motions.Vote(mb.anonymous(), mo)
	require.NoError(t, err)
	require.True(t, p.Secret)
	require.False(t, p.AllowChange)
	require.Nil(t, p.CastingVoter)
	mb.cast(t, mb.chairCtx, motion.ID, nil, poll.Yes)
	mb.cast(t, mb.aliceCtx, motion.ID, nil, poll.No)
	_, err = mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, poll.ErrAlreadyVoted, err)
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgA)), poll.No)
	live, err := mb.motions.Live(mb.anonymous(), mo)
	require.NoError(t, err)
	require.Equal(t, 3, live.Voters)
	require.Nil(t, live.Totals, "no totals while it is open")
	decided, res := mb.close(t, motion.ID)
	require.Equal(t, dialogue.MotionRejected, decided.Status)
	require.Equal(t, [4]int{1, 2, 0, 4}, [4]int{res.Yes, res.No, res.Abstain, res.Present}, "B is present through Dave")
	roll, err := mb.motions.RollCall(mb.anonymous(), decided)
	require.NoError(t, err)
	require.Nil(t, roll, "a secret vote has no roll call")
	require.Zero(t, mb.count(t, `select count(*) from poll_votes v join polls p on p.id = v.poll_id where p.owner_id = $1`, motion.ID))
}

func (mb *motionBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, mb.pool.QueryRow(mb.ctx, sql, args...).Scan(&n))
	return n
}

// TestMeetingVote_ChangeableByTheRulesAndEndsWithTheMeeting: where the
// rules allow it a vote changes before the close; at the meeting's end
// casting stops and the chair may still close it.
func TestMeetingVote_ChangeableByTheRulesAndEndsWithTheMeeting(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{VotesChangeableBeforeClose: ptr(true)})
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.alice, mb.erin)
	motion := mb.table(t, mb.aliceCtx, nil, "Zmiana zdania", nil)
	mb.openIn(t, motion.ID, m, false)
	mb.cast(t, mb.aliceCtx, motion.ID, nil, poll.No)
	r, err := mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.Yes)
	require.NoError(t, err)
	require.True(t, r.Changed)
	mb.cast(t, mb.chairCtx, motion.ID, nil, poll.Yes)

	mb.clock.Advance(m.EndsAt.Sub(mb.clock.Now()))
	_, err = mb.motions.CastVote(mb.erinCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.PhaseClosed, apperr.CodeOf(err), "the meeting is over")
	_, err = mb.motions.OpenMeetingVote(mb.chairCtx, dialogue.MeetingVoteInput{MotionID: mb.table(t, mb.aliceCtx, nil, "Za późno", nil).ID,
		MeetingID: m.ID})
	require.Equal(t, dialogue.ErrMeetingEnded, err)
	decided, res := mb.close(t, motion.ID)
	require.Equal(t, dialogue.MotionAdopted, decided.Status)
	require.Equal(t, [2]int{2, 3}, [2]int{res.Yes, res.Present}, "those still present at the end count")
}

// TestPutAgendaToVote_AdoptsTheAgendaAndAChangeReopensIt: the chair puts
// the agenda to a vote at the start of the meeting: a procedural motion in
// every language listing the items; the agenda does not change while it
// is voted on, is adopted with the motion, and a later change returns it
// to draft for another vote.
func TestPutAgendaToVote_AdoptsTheAgendaAndAChangeReopensIt(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	m := mb.meeting(t)
	_, err := mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.Equal(t, dialogue.ErrMeetingNotStarted, err)
	mb.start(t, m)
	_, err = mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.Equal(t, apperr.New(apperr.Conflict, "dialogue.agenda_empty"), err)
	for _, title := range []string{"Otwarcie posiedzenia", "Opinia o programie Otwarty Kraków"} {
		_, err := mb.svc.AddAgendaItem(mb.chairCtx, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: title}})
		require.NoError(t, err, "staff shape the agenda at the start")
	}
	_, err = mb.motions.PutAgendaToVote(mb.aliceCtx, m.ID)
	require.Equal(t, apperr.ErrForbidden, err)
	_, err = mb.motions.PutAgendaToVote(mb.anonymous(), m.ID)
	require.Equal(t, apperr.ErrUnauthenticated, err)

	mo, err := mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionVoting, mo.Status)
	require.Equal(t, dialogue.MotionProcedural, mo.Kind)
	require.True(t, mo.AdoptsAgenda)
	require.Equal(t, &m.ID, mo.MeetingID)
	require.Nil(t, mo.TabledFor, "ex officio")
	texts, err := i18n.Load(mb.ctx, mb.pool, []uuid.UUID{mo.TitleTextID, mo.TextID})
	require.NoError(t, err)
	for l, want := range map[i18n.Locale]string{i18n.PL: "Przyjęcie porządku obrad", i18n.UK: "Затвердження порядку денного",
		i18n.EN: "Adoption of the agenda", i18n.RU: "Утверждение повестки дня"} {
		require.Equal(t, want, texts[mo.TitleTextID].Resolve(l).Text, l)
	}
	require.Equal(t, i18n.PL, texts[mo.TextID].OriginalLocale)
	require.Equal(t, "The following agenda of the meeting “Posiedzenie nr 1” is adopted:\n1. Otwarcie posiedzenia\n"+
		"2. Opinia o programie Otwarty Kraków", texts[mo.TextID].Resolve(i18n.EN).Text)
	require.Empty(t, texts[mo.TextID].Resolve(i18n.EN).MissingLocales)

	_, err = mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.Equal(t, dialogue.ErrAgendaVoting, err)
	_, err = mb.svc.AddAgendaItem(mb.chairCtx, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Wtrącone"}})
	require.Equal(t, dialogue.ErrAgendaVoting, err, "not while it is voted on")

	mb.present(t, m, gathering.InPerson, mb.chair, mb.alice, mb.erin)
	for _, ctx := range []context.Context{mb.chairCtx, mb.aliceCtx, mb.erinCtx} {
		mb.cast(t, ctx, mo.ID, nil, poll.Yes)
	}
	decided, _ := mb.close(t, mo.ID)
	require.Equal(t, dialogue.MotionAdopted, decided.Status)
	a, err := mb.svc.Agenda(mb.anonymous(), m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.AgendaAdopted, a.Status)
	require.NotNil(t, a.AdoptedAt)
	_, err = mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.Equal(t, dialogue.ErrAgendaAdopted, err)
	require.Empty(t, mb.notices(t, dialogue.NoticeVoteDecided, mo.ID), "nobody is sent the agenda's adoption")

	// Amended during the meeting: back to draft, adopted again by a vote.
	_, err = mb.svc.AddAgendaItem(mb.chairCtx, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Wolne wnioski"}})
	require.NoError(t, err)
	a, err = mb.svc.Agenda(mb.anonymous(), m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.AgendaDraft, a.Status)
	require.Nil(t, a.AdoptedAt)
	again, err := mb.motions.PutAgendaToVote(mb.chairCtx, m.ID)
	require.NoError(t, err)
	texts, err = i18n.Load(mb.ctx, mb.pool, []uuid.UUID{again.TextID})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(texts[again.TextID].Resolve(i18n.PL).Text, "\n3. Wolne wnioski"))
	mb.cast(t, mb.chairCtx, again.ID, nil, poll.No)
	mb.cast(t, mb.aliceCtx, again.ID, nil, poll.No)
	decided, _ = mb.close(t, again.ID)
	require.Equal(t, dialogue.MotionRejected, decided.Status)
	a, err = mb.svc.Agenda(mb.anonymous(), m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.AgendaDraft, a.Status, "a rejected agenda stays a draft")
	meetingMotions, err := mb.motions.OfMeeting(mb.anonymous(), m.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{mo.ID, again.ID}, []uuid.UUID{meetingMotions[0].ID, meetingMotions[1].ID})
}

// TestDissolve_ClosesOpenVotesUndecidedAndRefusesNewOnes: dissolving a body
// closes its motions' open votes (written and in a meeting) as invalid with
// the reason, their votes kept; nothing is tabled or opened after.
func TestDissolve_ClosesOpenVotesUndecidedAndRefusesNewOnes(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	written := mb.table(t, mb.aliceCtx, nil, "Pisemnie", nil)
	mb.open(t, written.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, written.ID, nil, poll.Yes)
	mb.cast(t, mb.chairCtx, written.ID, nil, poll.Yes)
	mb.cast(t, mb.erinCtx, written.ID, nil, poll.Yes)
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.alice)
	inMeeting := mb.table(t, mb.aliceCtx, nil, "Na posiedzeniu", nil)
	mb.openIn(t, inMeeting.ID, m, false)
	mb.cast(t, mb.aliceCtx, inMeeting.ID, nil, poll.Yes)
	tabled := mb.table(t, mb.aliceCtx, nil, "Czeka", nil)

	_, err := mb.svc.DissolveBody(mb.coordinator, mb.body.ID, "reorganizacja")
	require.NoError(t, err)
	for _, id := range []uuid.UUID{written.ID, inMeeting.ID} {
		mo, err := mb.motions.Motion(mb.anonymous(), id)
		require.NoError(t, err)
		require.Equal(t, dialogue.MotionInvalid, mo.Status)
		res, err := mb.motions.Result(mb.anonymous(), mo)
		require.NoError(t, err)
		require.Equal(t, poll.Invalid, res.Outcome)
		require.Equal(t, dialogue.VoidDissolved, res.Void)
		require.Positive(t, res.Yes, "the votes are kept")
	}
	require.Equal(t, 3, func() int {
		mo, _ := mb.motions.Motion(mb.anonymous(), written.ID)
		res, _ := mb.motions.Result(mb.anonymous(), mo)
		return res.Members
	}(), "the members who voted are still counted among the members")
	titles := mb.noticeTitles(t, dialogue.NoticeVoteDecided, written.ID, 1)
	require.Equal(t, map[uuid.UUID]string{mb.alice: "Pisemnie"}, titles, "the tabler is told; the memberships have ended")

	_, err = mb.motions.Table(mb.coordinator, dialogue.TableInput{BodyID: mb.body.ID, Kind: dialogue.MotionOpinion,
		Title: i18n.Input{Locale: i18n.PL, Text: "x"}, Text: i18n.Input{Locale: i18n.PL, Text: "x"}})
	require.Equal(t, dialogue.ErrDissolved, err)
	_, err = mb.motions.OpenWrittenVote(mb.coordinator, dialogue.VoteInput{MotionID: tabled.ID, Deadline: mb.clock.Now().Add(time.Hour)})
	require.Equal(t, dialogue.ErrDissolved, err)
	_, err = mb.motions.OpenMeetingVote(mb.coordinator, dialogue.MeetingVoteInput{MotionID: tabled.ID, MeetingID: m.ID})
	require.Equal(t, dialogue.ErrDissolved, err)
	_, err = mb.motions.PutAgendaToVote(mb.coordinator, m.ID)
	require.Equal(t, dialogue.ErrDissolved, err)
	can, err := mb.motions.Actions(mb.coordinator, tabled)
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionActions{}, can)
}

// TestWrittenVote_ClosesAfterAVoterLeftTheBody: a member who voted and was
// removed before the close still counts among the members the vote was
// taken among.
func TestWrittenVote_ClosesAfterAVoterLeftTheBody(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	m := mb.table(t, mb.aliceCtx, nil, "Odejście", nil)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.chairCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.erinCtx, m.ID, nil, poll.No)
	members, err := mb.svc.Members(mb.coordinator, mb.body.ID, false, 50, "")
	require.NoError(t, err)
	for _, x := range members.Items {
		if x.AccountID != nil && *x.AccountID == mb.alice {
			_, err := mb.svc.Remove(mb.coordinator, x.ID, "nieobecności")
			require.NoError(t, err)
		}
	}
	decided, res := mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionAdopted, decided.Status)
	require.Equal(t, [3]int{5, 3, 3}, [3]int{res.Members, res.Present, res.Tally.Quorum})
}

// TestMotionActions_SayWhatTheMutationsAllow: openVote and castVote are
// true exactly when the mutations would succeed for the caller.
func TestMotionActions_SayWhatTheMutationsAllow(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	can := func(ctx context.Context, id uuid.UUID) dialogue.MotionActions {
		t.Helper()
		mo, err := mb.motions.Motion(ctx, id)
		require.NoError(t, err)
		a, err := mb.motions.Actions(ctx, mo)
		require.NoError(t, err)
		return a
	}
	motion := mb.table(t, mb.aliceCtx, nil, "Wniosek", nil)
	amendment, err := mb.motions.Table(mb.erinCtx, dialogue.TableInput{ParentID: &motion.ID,
		Title: i18n.Input{Locale: i18n.PL, Text: "Poprawka"}, Text: i18n.Input{Locale: i18n.PL, Text: "Nowa treść"}})
	require.NoError(t, err)

	// Amendments first: the motion cannot be opened, and says so.
	require.False(t, can(mb.chairCtx, motion.ID).OpenVote)
	_, err = mb.motions.OpenWrittenVote(mb.chairCtx, dialogue.VoteInput{MotionID: motion.ID, Deadline: mb.clock.Now().Add(time.Hour)})
	require.Equal(t, dialogue.ErrAmendmentsOpen, err)
	require.True(t, can(mb.chairCtx, amendment.ID).OpenVote)
	require.False(t, can(mb.aliceCtx, amendment.ID).OpenVote)

	// In a meeting: a voting member who is not present cannot cast.
	m := mb.meeting(t)
	mb.start(t, m)
	mb.present(t, m, gathering.InPerson, mb.chair, mb.dave, mb.guest)
	mb.openIn(t, amendment.ID, m, false)
	require.Equal(t, dialogue.MotionActions{CloseVote: true, Cast: true}, can(mb.chairCtx, amendment.ID))
	require.Equal(t, dialogue.MotionActions{}, can(mb.aliceCtx, amendment.ID))
	_, err = mb.motions.CastVote(mb.aliceCtx, amendment.ID, nil, poll.Yes)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	require.False(t, can(mb.guestCtx, amendment.ID).Cast)
	mb.present(t, m, gathering.InPerson, mb.alice)
	require.True(t, can(mb.aliceCtx, amendment.ID).Cast)
	mb.cast(t, mb.aliceCtx, amendment.ID, nil, poll.Yes)
	require.False(t, can(mb.aliceCtx, amendment.ID).Cast, "votes are final under the default rules")
	_, err = mb.motions.CastVote(mb.aliceCtx, amendment.ID, nil, poll.No)
	require.Equal(t, poll.ErrAlreadyVoted, err)
	mb.cast(t, mb.daveCtx, amendment.ID, ptrKey(poll.Org(mb.orgA)), poll.Yes)
	require.True(t, can(mb.daveCtx, amendment.ID).Cast, "B's vote is still to cast")
	mb.cast(t, mb.daveCtx, amendment.ID, ptrKey(poll.Org(mb.orgB)), poll.Yes)
	require.False(t, can(mb.daveCtx, amendment.ID).Cast)
	mb.close(t, amendment.ID)
	require.Equal(t, dialogue.MotionActions{}, can(mb.chairCtx, amendment.ID))
	require.True(t, can(mb.chairCtx, motion.ID).OpenVote)

	// A written vote past its deadline takes no votes, before its job ran.
	mb.open(t, motion.ID, time.Hour)
	require.True(t, can(mb.aliceCtx, motion.ID).Cast, "no presence in a written vote")
	mb.clock.Advance(time.Hour)
	require.False(t, can(mb.aliceCtx, motion.ID).Cast)
	_, err = mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, poll.ErrDeadlinePassed, err)
}

// TestMeetingVote_LiveTallyNeverGoesBackUnderConcurrentCasts: twenty
// members present cast at once; the meeting's events, in the order
// PostgreSQL delivers them, count 1, 2, ... 20: each counts the votes
// committed before it.
func TestMeetingVote_LiveTallyNeverGoesBackUnderConcurrentCasts(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	m := mb.meeting(t)
	var ctxs []context.Context
	for i := range 20 {
		id := mb.account(t, "glosujacy-"+strconv.Itoa(i))
		mb.person(t, mb.body.ID, id, dialogue.RoleMember)
		ctxs = append(ctxs, mb.as(id))
	}
	_, err := mb.svc.InviteMembers(mb.coordinator, m.ID)
	require.NoError(t, err)
	mb.start(t, m)
	for _, ctx := range ctxs {
		mb.present(t, m, gathering.InPerson, authz.SubjectFrom(ctx).AccountID)
	}
	motion := mb.table(t, mb.aliceCtx, nil, "Pod naporem", nil)

	conn, err := mb.pool.Acquire(mb.ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(mb.ctx, `listen otwarty_live`)
	require.NoError(t, err)
	mb.openIn(t, motion.ID, m, false)
	_, errs := pgtest.AtOnce(len(ctxs), func(i int) (poll.Receipt, error) {
		return mb.motions.CastVote(ctxs[i], motion.ID, nil, poll.Yes)
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	var counts []int
	for len(counts) < len(ctxs) {
		wctx, cancel := context.WithTimeout(mb.ctx, 10*time.Second)
		n, err := conn.Conn().WaitForNotification(wctx)
		cancel()
		require.NoError(t, err)
		var env struct {
			T string
			D dialogue.MeetingEvent
		}
		require.NoError(t, json.Unmarshal([]byte(n.Payload), &env))
		if env.T == dialogue.MeetingTopic(m.ID) && env.D.Type == dialogue.EventVoteChanged {
			counts = append(counts, env.D.Vote.Voters)
		}
	}
	for i, n := range counts {
		require.Equal(t, i+1, n, "%v", counts)
	}
}
