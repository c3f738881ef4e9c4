package dialogue_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// motionBundle is a body with voting members of every sort: a chair, a
// person member, two organisations both represented by one double
// delegate, a third organisation with its own delegate, and a guest.
type motionBundle struct {
	*bundle
	motions                                        *dialogue.Motions
	elections                                      *dialogue.Elections
	body                                           *dialogue.Body
	chair, alice, dave, erin, guest                uuid.UUID
	orgA, orgB, orgC                               uuid.UUID
	chairCtx, aliceCtx, daveCtx, erinCtx, guestCtx context.Context
}

func setupMotions(t *testing.T, rules dialogue.RulesPatch) *motionBundle {
	t.Helper()
	b := setup(t)
	box, err := ballotbox.New(b.pool, ballotbox.Config{Key: []byte(strings.Repeat("dialogue-box-key-", 2)), KeyID: "k1", Batch: 1}, nil)
	require.NoError(t, err)
	mb := &motionBundle{bundle: b, motions: dialogue.NewMotions(b.svc, box, nil), elections: dialogue.NewElections(b.svc, box, nil)}
	body, err := b.svc.CreateBody(b.coordinator, dialogue.CreateInput{UnitID: b.unitID, Kind: dialogue.KindDialogueCommission,
		Name: i18n.Input{Locale: i18n.PL, Text: "Komisja Dialogu Obywatelskiego"}, Public: true, Rules: rules})
	require.NoError(t, err)
	mb.body = body
	mb.chair, mb.alice, mb.dave, mb.erin, mb.guest = b.account(t, "chair"), b.account(t, "alice"), b.account(t, "dave"),
		b.account(t, "erin"), b.account(t, "guest")
	_, err = b.pool.Exec(b.ctx, `update accounts set locale = 'uk' where id = $1`, mb.alice)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `update accounts set locale = 'pl' where id = $1`, mb.chair)
	require.NoError(t, err)
	b.person(t, body.ID, mb.chair, dialogue.RoleChair)
	b.person(t, body.ID, mb.alice, dialogue.RoleMember)
	b.person(t, body.ID, mb.guest, dialogue.RoleGuest)
	end := b.clock.Now().AddDate(1, 0, 0)
	for _, o := range []struct {
		id       *uuid.UUID
		delegate uuid.UUID
	}{{&mb.orgA, mb.dave}, {&mb.orgB, mb.dave}, {&mb.orgC, mb.erin}} {
		*o.id = b.organisation(t, "ngo")
		b.orgMember(t, *o.id, o.delegate, "member")
		_, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, OrganisationID: o.id, Role: dialogue.RoleMember,
			TermEnd: &end, Delegates: []dialogue.DelegateInput{{AccountID: o.delegate}}})
		require.NoError(t, err)
	}
	require.NoError(t, b.az.Reload(b.ctx))
	mb.chairCtx, mb.aliceCtx, mb.daveCtx, mb.erinCtx, mb.guestCtx = b.as(mb.chair), b.as(mb.alice), b.as(mb.dave), b.as(mb.erin), b.as(mb.guest)

	workers := river.NewWorkers()
	b.svc.Register(workers)
	b.notify.Register(workers)
	poll.Register(workers, slog.New(slog.DiscardHandler), mb.motions.Polls(), mb.elections.Polls())
	rc, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers: workers, FetchCooldown: 10 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		TestOnly: true, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(b.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(ctx)
	})
	return mb
}

func (mb *motionBundle) table(t *testing.T, ctx context.Context, parent *uuid.UUID, title string, maj *dialogue.Majority) *dialogue.Motion {
	t.Helper()
	m, err := mb.motions.Table(ctx, dialogue.TableInput{BodyID: mb.body.ID, ParentID: parent, Kind: dialogue.MotionOpinion,
		Title: i18n.Input{Locale: i18n.PL, Text: title}, Text: i18n.Input{Locale: i18n.PL, Text: title + ": treść"}, Majority: maj})
	require.NoError(t, err)
	return m
}

func (mb *motionBundle) open(t *testing.T, id uuid.UUID, in time.Duration) *dialogue.Motion {
	t.Helper()
	m, err := mb.motions.OpenWrittenVote(mb.chairCtx, dialogue.VoteInput{MotionID: id, Deadline: mb.clock.Now().Add(in)})
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionVoting, m.Status)
	return m
}

func (mb *motionBundle) cast(t *testing.T, ctx context.Context, id uuid.UUID, as *poll.VoterKey, c poll.Choice) {
	t.Helper()
	_, err := mb.motions.CastVote(ctx, id, as, c)
	require.NoError(t, err)
}

func (mb *motionBundle) close(t *testing.T, id uuid.UUID) (*dialogue.Motion, *poll.Result) {
	t.Helper()
	m, err := mb.motions.CloseVote(mb.chairCtx, id)
	require.NoError(t, err)
	res, err := mb.motions.Result(mb.chairCtx, m)
	require.NoError(t, err)
	return m, res
}

func ptrKey(k poll.VoterKey) *poll.VoterKey { return &k }

func TestMotion_AmendmentFirstThenWrittenVoteClosedByItsJob(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})

	// A guest tables nothing; a member does, and proposes an amendment.
	_, err := mb.motions.Table(mb.guestCtx, dialogue.TableInput{BodyID: mb.body.ID, Kind: dialogue.MotionOpinion,
		Title: i18n.Input{Locale: i18n.PL, Text: "x"}, Text: i18n.Input{Locale: i18n.PL, Text: "x"}})
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	_, err = mb.motions.Table(mb.daveCtx, dialogue.TableInput{BodyID: mb.body.ID, Kind: dialogue.MotionOpinion,
		Title: i18n.Input{Locale: i18n.PL, Text: "x"}, Text: i18n.Input{Locale: i18n.PL, Text: "x"}})
	require.Equal(t, apperr.Invalid("as", "poll.voter_ambiguous"), err, "a double delegate says for whom")
	motion := mb.table(t, mb.aliceCtx, nil, "Opinia o programie Otwarty Kraków", nil)
	require.Equal(t, &poll.VoterKey{Kind: "person", ID: mb.alice}, motion.TabledFor)
	_, err = mb.motions.Table(mb.daveCtx, dialogue.TableInput{ParentID: &motion.ID, Title: i18n.Input{Locale: i18n.PL, Text: "Poprawka"},
		Text: i18n.Input{Locale: i18n.PL, Text: "Nowa treść opinii"}, As: ptrKey(poll.Org(mb.orgA))})
	require.NoError(t, err)
	amendments, err := mb.motions.List(mb.chairCtx, mb.body.ID, &motion.ID, dialogue.MotionFilter{}, 10, "")
	require.NoError(t, err)
	require.Len(t, amendments.Items, 1)
	amendment := amendments.Items[0]
	require.Equal(t, &poll.VoterKey{Kind: "org", ID: mb.orgA}, amendment.TabledFor)

	// The motion waits for its amendment.
	_, err = mb.motions.OpenWrittenVote(mb.chairCtx, dialogue.VoteInput{MotionID: motion.ID, Deadline: mb.clock.Now().Add(time.Hour)})
	require.Equal(t, dialogue.ErrAmendmentsOpen, err)
	_, err = mb.motions.OpenWrittenVote(mb.aliceCtx, dialogue.VoteInput{MotionID: amendment.ID, Deadline: mb.clock.Now().Add(time.Hour)})
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "a member does not open votes")
	mb.open(t, amendment.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, amendment.ID, nil, poll.Yes)
	mb.cast(t, mb.chairCtx, amendment.ID, nil, poll.Yes)
	mb.cast(t, mb.erinCtx, amendment.ID, nil, poll.No)
	decided, res := mb.close(t, amendment.ID)
	require.Equal(t, dialogue.MotionAdopted, decided.Status)
	require.Equal(t, poll.Adopted, res.Outcome)
	motion, err = mb.motions.Motion(mb.chairCtx, motion.ID)
	require.NoError(t, err)
	require.Equal(t, amendment.TextID, motion.TextID, "the adopted amendment's text is in force")
	require.NotEqual(t, motion.OriginalTextID, motion.TextID, "the original stays")
	require.Equal(t, &amendment.ID, motion.AmendedBy)

	// The written vote: the members are told, each in their language.
	require.NoError(t, db.InTx(mb.ctx, mb.pool, func(dtx *db.Tx) error {
		_, err := i18n.AddVersion(mb.ctx, dtx.Tx, motion.TitleTextID, i18n.UK, "Висновок щодо програми Відкритий Краків", mb.alice, "human")
		return err
	}))
	mb.open(t, motion.ID, 1500*time.Millisecond)
	require.Equal(t, map[uuid.UUID]string{
		mb.chair: "Opinia o programie Otwarty Kraków",
		mb.alice: "Висновок щодо програми Відкритий Краків",
		mb.dave:  "Opinia o programie Otwarty Kraków", // English: no translation, the original
		mb.erin:  "Opinia o programie Otwarty Kraków",
	}, mb.noticeTitles(t, dialogue.NoticeVoteOpened, motion.ID, 4))

	_, err = mb.motions.CastVote(mb.guestCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, poll.ErrNotEligible, err)
	_, err = mb.motions.CastVote(mb.daveCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.Invalid("as", "poll.voter_ambiguous"), err)
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgA)), poll.Yes)
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgB)), poll.No)
	mb.cast(t, mb.erinCtx, motion.ID, nil, poll.Abstain)
	// Alice's client retries ten times at once: one vote.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.Yes)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	_, err = mb.motions.CastVote(mb.aliceCtx, motion.ID, nil, poll.No)
	require.Equal(t, poll.ErrAlreadyVoted, err, "votes are final under the default rules")

	// The job closes it at its deadline.
	require.Eventually(t, func() bool {
		m, err := mb.motions.Motion(mb.chairCtx, motion.ID)
		require.NoError(t, err)
		return m.Status.Decided()
	}, 20*time.Second, 50*time.Millisecond)
	motion, err = mb.motions.Motion(mb.chairCtx, motion.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionAdopted, motion.Status)
	res, err = mb.motions.Result(mb.anonymous(), motion)
	require.NoError(t, err)
	require.Equal(t, 5, res.Members)
	require.Equal(t, 4, res.Voters)
	require.Equal(t, [3]int{2, 1, 1}, [3]int{res.Yes, res.No, res.Abstain})
	roll, err := mb.motions.RollCall(mb.anonymous(), motion)
	require.NoError(t, err)
	got := map[poll.VoterKey]poll.Choice{}
	for _, v := range roll {
		got[v.Voter] = v.Choice
		if v.Voter == poll.Org(mb.orgA) || v.Voter == poll.Org(mb.orgB) {
			require.Equal(t, mb.dave, v.CastBy, "each recorded under its organisation, cast by the double delegate")
		}
	}
	require.Equal(t, map[poll.VoterKey]poll.Choice{poll.Person(mb.alice): poll.Yes, poll.Org(mb.orgA): poll.Yes,
		poll.Org(mb.orgB): poll.No, poll.Org(mb.orgC): poll.Abstain}, got)
	require.Len(t, mb.noticeTitles(t, dialogue.NoticeVoteDecided, motion.ID, 4), 4)

	// After the deadline nothing is cast; a decided motion is not withdrawn.
	mb.clock.Advance(time.Hour)
	_, err = mb.motions.CastVote(mb.chairCtx, motion.ID, nil, poll.Yes)
	require.Equal(t, apperr.PhaseClosed, apperr.CodeOf(err))
	_, err = mb.motions.Withdraw(mb.aliceCtx, motion.ID)
	require.Equal(t, dialogue.ErrMotionDecided, err)
}

// noticeTitles maps each recipient of kind about motion to the motion's
// title in the notice, once n are delivered (a River job writes them).
func (mb *motionBundle) noticeTitles(t *testing.T, kind string, motion uuid.UUID, n int) map[uuid.UUID]string {
	t.Helper()
	var out map[uuid.UUID]string
	require.Eventually(t, func() bool { out = mb.notices(t, kind, motion); return len(out) >= n }, 10*time.Second, 50*time.Millisecond)
	return out
}

func (mb *motionBundle) notices(t *testing.T, kind string, motion uuid.UUID) map[uuid.UUID]string {
	rows, err := mb.pool.Query(mb.ctx, `select account_id, data->>'motion' from notifications where kind = $1 and dedupe_key like $2`,
		kind, "dialogue_motion:"+motion.String()+"%")
	require.NoError(t, err)
	out := map[uuid.UUID]string{}
	for rows.Next() {
		var id uuid.UUID
		var title string
		require.NoError(t, rows.Scan(&id, &title))
		out[id] = title
	}
	require.NoError(t, rows.Err())
	return out
}

func TestWrittenVote_TalliesByTheMotionsMajority(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	two, abs := dialogue.MajorityTwoThirds, dialogue.MajorityAbsolute
	orgA, orgB := ptrKey(poll.Org(mb.orgA)), ptrKey(poll.Org(mb.orgB))

	// 5 voting members: quorum is 3 (half, at least). One vote: invalid.
	m := mb.table(t, mb.aliceCtx, nil, "Bez kworum", nil)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	m, res := mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionInvalid, m.Status)
	require.Equal(t, 3, res.Tally.Quorum)
	require.Equal(t, 1, res.Present)

	// Two thirds of votes cast (abstentions count): 2 of 3 passes, 2 of 4 does not.
	m = mb.table(t, mb.aliceCtx, nil, "Dwie trzecie", &two)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgA, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgB, poll.No)
	m, _ = mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionAdopted, m.Status)
	m = mb.table(t, mb.aliceCtx, nil, "Dwie trzecie z wstrzymującym", &two)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgA, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgB, poll.No)
	mb.cast(t, mb.erinCtx, m.ID, nil, poll.Abstain)
	m, _ = mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionRejected, m.Status)

	// Absolute: more than half of all 5 members; 2 yes of 3 cast is not enough, 3 is.
	m = mb.table(t, mb.aliceCtx, nil, "Bezwzględna", &abs)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgA, poll.Yes)
	mb.cast(t, mb.erinCtx, m.ID, nil, poll.No)
	m, _ = mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionRejected, m.Status)
	m = mb.table(t, mb.aliceCtx, nil, "Bezwzględna 2", &abs)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgA, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgB, poll.Yes)
	m, _ = mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionAdopted, m.Status)

	// A tie: the chair's vote decides (the Polish default rules).
	m = mb.table(t, mb.aliceCtx, nil, "Remis", nil)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.chairCtx, m.ID, nil, poll.Yes)
	mb.cast(t, mb.daveCtx, m.ID, orgA, poll.No)
	mb.cast(t, mb.erinCtx, m.ID, nil, poll.Abstain)
	m, res = mb.close(t, m.ID)
	require.Equal(t, dialogue.MotionAdopted, m.Status)
	require.True(t, res.Tally.ByCastingVote)
}

func TestWrittenVote_ChangeableWhenTheRulesSay(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{VotesChangeableBeforeClose: ptr(true)})
	m := mb.table(t, mb.chairCtx, nil, "Zmiana głosu", nil)
	require.Equal(t, &poll.VoterKey{Kind: "person", ID: mb.chair}, m.TabledFor)
	mb.open(t, m.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, m.ID, nil, poll.Yes)
	r, err := mb.motions.CastVote(mb.aliceCtx, m.ID, nil, poll.No)
	require.NoError(t, err)
	require.True(t, r.Changed)
	_, err = mb.motions.Withdraw(mb.aliceCtx, m.ID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "only its tabler or the chair")
	_, err = mb.motions.Withdraw(mb.chairCtx, m.ID)
	require.Equal(t, dialogue.ErrMotionVoting, err)

	// The deadline is the service's: past it, nothing is cast, even before
	// the job has closed the vote.
	mb.clock.Advance(time.Hour)
	_, err = mb.motions.CastVote(mb.erinCtx, m.ID, nil, poll.Yes)
	require.Equal(t, poll.ErrDeadlinePassed, err)
	m, err = mb.motions.Motion(mb.chairCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.MotionVoting, m.Status)
}
