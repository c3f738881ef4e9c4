package gathering_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// invite invites a new person to gathering id and returns it with its ctx.
func (b *bundle) invite(t *testing.T, id uuid.UUID) (uuid.UUID, context.Context) {
	t.Helper()
	p, ctx := b.person(t)
	_, err := b.svc.Invite(b.staff, id, []uuid.UUID{p})
	require.NoError(t, err)
	return p, ctx
}

// events takes what the presence hook was told so far.
func (b *bundle) events() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.presence
	b.presence = nil
	return out
}

func TestCheckIn_TheRightCodeInTheWindowMarksPresentInPerson(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, time.Hour, 1)
	member, memberCtx := b.invite(t, g.ID)
	seated, seatedCtx, _ := b.register(t, g.ID)
	_, waitingCtx, _ := b.register(t, g.ID)
	_, strangerCtx := b.person(t)

	// Issued ahead, valid from 30 minutes before the start until the end.
	code, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^[0-9]{6}$`), code.Code)
	require.True(t, code.ValidFrom.Equal(g.StartsAt.Add(-gathering.CheckinOpensBefore)))
	require.True(t, code.ValidUntil.Equal(g.EndsAt))
	_, err = b.svc.CheckIn(memberCtx, g.ID, code.Code)
	requireKey(t, "gathering.checkin_closed", err)
	require.Equal(t, apperr.PhaseClosed, apperr.CodeOf(err))

	b.clock.Advance(31 * time.Minute) // 29 minutes before the start
	arrived := b.clock.Now()
	_, err = b.svc.CheckIn(memberCtx, g.ID, wrong(code.Code))
	requireField(t, "code", "gathering.checkin_code_wrong", err)
	p, err := b.svc.CheckIn(memberCtx, g.ID, " "+code.Code[:3]+" "+code.Code[3:]+" ")
	require.NoError(t, err)
	require.Equal(t, []any{member, gathering.InPerson, true, true}, []any{p.AccountID, p.Mode, p.Self, p.Since.Equal(arrived)})
	require.Nil(t, p.LeftAt)
	require.Equal(t, []string{fmt.Sprintf("%s in_person in 1", member)}, b.events())

	// Again: nothing changes, nobody is told.
	b.clock.Advance(time.Minute)
	p, err = b.svc.CheckIn(memberCtx, g.ID, code.Code)
	require.NoError(t, err)
	require.True(t, p.Since.Equal(arrived), "still the first arrival")
	require.Empty(t, b.events())

	// Neither invited nor holding a seat: not on the roll, whatever the code.
	_, err = b.svc.CheckIn(strangerCtx, g.ID, code.Code)
	requireKey(t, "gathering.not_on_roll", err)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	_, err = b.svc.CheckIn(waitingCtx, g.ID, code.Code)
	requireKey(t, "gathering.not_on_roll", err)
	_, err = b.svc.CheckIn(context.Background(), g.ID, code.Code)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	// A new code replaces the old one at once.
	fresh, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	require.NotEqual(t, code.Code, fresh.Code)
	_, err = b.svc.CheckIn(seatedCtx, g.ID, code.Code)
	requireField(t, "code", "gathering.checkin_code_wrong", err)
	_, err = b.svc.CheckIn(seatedCtx, g.ID, fresh.Code)
	require.NoError(t, err)
	r, err := b.svc.RegistrationOf(b.ctx, g.ID, seated)
	require.NoError(t, err)
	require.True(t, *r.Attended, "a seat holder who checked in attended")

	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{2, 2}, []int{got.Present, got.Attended})
	present, err := b.svc.Present(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	require.Len(t, present, 2)
	require.Equal(t, []any{member, true, seated, false},
		[]any{present[0].AccountID, present[0].Invited, present[1].AccountID, present[1].Invited})

	// At the end the window closes, code or not.
	b.clock.Advance(3 * time.Hour)
	_, err = b.svc.CheckIn(memberCtx, g.ID, fresh.Code)
	requireKey(t, "gathering.checkin_closed", err)
	_, err = b.svc.IssueCheckinCode(b.staff, g.ID)
	requireKey(t, "gathering.ended", err)
}

// wrong is another code of the same shape.
func wrong(code string) string {
	if code[0] == '9' {
		return "0" + code[1:]
	}
	return string(code[0]+1) + code[1:]
}

func TestCheckIn_WithoutACodeIssuedIsClosed(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, time.Minute, 0)
	_, memberCtx := b.invite(t, g.ID)
	_, err := b.svc.CheckIn(memberCtx, g.ID, "123456")
	requireKey(t, "gathering.checkin_closed", err)

	// A kind without presence refuses it (a programming error).
	plain := setup(t)
	pg := plain.create(t, time.Minute, 0)
	_, err = plain.svc.IssueCheckinCode(plain.staff, pg.ID)
	require.Equal(t, apperr.Internal, apperr.CodeOf(err))
}

func TestCheckinCode_StaffOnlyAndNeverAudited(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 48*time.Hour, 0)
	_, memberCtx := b.invite(t, g.ID)

	none, err := b.svc.CheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	require.Nil(t, none)
	_, err = b.svc.IssueCheckinCode(context.Background(), g.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.IssueCheckinCode(memberCtx, g.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.CheckinCode(context.Background(), g.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.CheckinCode(memberCtx, g.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	issued, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	shown, err := b.svc.CheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, issued.Code, shown.Code, "staff can show it again")
	require.True(t, issued.IssuedAt.Equal(shown.IssuedAt))

	var audits, leaks int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*), count(*) filter (where data::text like '%' || $2 || '%')
		from audit_log where object_id = $1 and action = 'test.checkin_code'`, g.ID.String(), issued.Code).Scan(&audits, &leaks))
	require.Equal(t, []int{1, 0}, []int{audits, leaks})
}

func TestMarkPresent_StaffOnlyAndRemoteOnlyWhereAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 10*time.Minute, 0)
	member, memberCtx := b.invite(t, g.ID)
	stranger, _ := b.person(t)

	_, err := b.svc.MarkPresent(context.Background(), g.ID, member, gathering.InPerson)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.MarkPresent(memberCtx, g.ID, member, gathering.InPerson)
	require.ErrorIs(t, err, apperr.ErrForbidden, "staff only, even for oneself")
	_, err = b.svc.MarkLeft(memberCtx, g.ID, member)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.MarkPresent(b.staff, g.ID, member, gathering.Remote)
	requireField(t, "mode", "gathering.remote_not_allowed", err)
	_, err = b.svc.MarkPresent(b.staff, g.ID, member, "zoom")
	requireField(t, "mode", "gathering.mode_invalid", err)
	_, err = b.svc.MarkPresent(b.staff, g.ID, stranger, gathering.InPerson)
	requireField(t, "account", "gathering.attendee_not_on_roll", err)
	p, err := b.svc.MarkPresent(b.staff, g.ID, member, gathering.InPerson)
	require.NoError(t, err)
	require.Equal(t, []any{gathering.InPerson, false}, []any{p.Mode, p.Self})

	// Where the kind allows it, staff record people present remotely; a
	// remote person who then checks in with the code is now in the room.
	rb := setup(t, withRoll(true))
	rg := rb.create(t, 10*time.Minute, 0)
	remote, remoteCtx := rb.invite(t, rg.ID)
	p, err = rb.svc.MarkPresent(rb.staff, rg.ID, remote, gathering.Remote)
	require.NoError(t, err)
	require.Equal(t, gathering.Remote, p.Mode)
	code, err := rb.svc.IssueCheckinCode(rb.staff, rg.ID)
	require.NoError(t, err)
	rb.clock.Advance(time.Minute)
	p, err = rb.svc.CheckIn(remoteCtx, rg.ID, code.Code)
	require.NoError(t, err)
	require.Equal(t, gathering.InPerson, p.Mode)
	stays, err := rb.svc.Stays(rb.ctx, rb.pool, rg.ID)
	require.NoError(t, err)
	require.Len(t, stays, 2)
	require.Equal(t, []any{gathering.Remote, true, gathering.InPerson, false},
		[]any{stays[0].Mode, stays[0].LeftAt != nil, stays[1].Mode, stays[1].LeftAt != nil})
	require.Equal(t, []string{fmt.Sprintf("%s remote in 1", remote), fmt.Sprintf("%s remote out 0", remote),
		fmt.Sprintf("%s in_person in 1", remote)}, rb.events())

	var audits int
	require.NoError(t, rb.pool.QueryRow(rb.ctx, `select count(*) from audit_log where object_id = $1 and action = 'test.presence'
		and actor_id = $2 and data->>'mode' = 'remote'`, rg.ID.String(), rb.staffID).Scan(&audits))
	require.Equal(t, 1, audits, "staff acts are audited, self check-ins are not")
}

func TestMarkLeft_PresenceIsCurrentStateWithTimes(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 10*time.Minute, 0)
	ann, _ := b.invite(t, g.ID)
	bob, _ := b.invite(t, g.ID)

	b.clock.Advance(15 * time.Minute)
	t1 := b.clock.Now()
	for _, p := range []uuid.UUID{ann, bob} {
		_, err := b.svc.MarkPresent(b.staff, g.ID, p, gathering.InPerson)
		require.NoError(t, err)
	}
	b.clock.Advance(40 * time.Minute)
	t2 := b.clock.Now()
	left, err := b.svc.MarkLeft(b.staff, g.ID, ann)
	require.NoError(t, err)
	require.True(t, left.Since.Equal(t1) && left.LeftAt.Equal(t2), "%v", left)
	again, err := b.svc.MarkLeft(b.staff, g.ID, ann)
	require.NoError(t, err)
	require.Nil(t, again, "not present: nothing changes")

	present, err := b.svc.Present(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	require.Len(t, present, 1)
	require.Equal(t, bob, present[0].AccountID)
	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{got.Present, got.Attended}, "who left attended")

	// Back later: a new stay.
	b.clock.Advance(10 * time.Minute)
	t3 := b.clock.Now()
	_, err = b.svc.MarkPresent(b.staff, g.ID, ann, gathering.InPerson)
	require.NoError(t, err)
	present, err = b.svc.Present(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{bob, ann}, []uuid.UUID{present[0].AccountID, present[1].AccountID})
	require.True(t, present[1].Since.Equal(t3))
	require.Equal(t, []string{
		fmt.Sprintf("%s in_person in 1", ann), fmt.Sprintf("%s in_person in 2", bob),
		fmt.Sprintf("%s in_person out 1", ann), fmt.Sprintf("%s in_person in 2", ann),
	}, b.events())

	// Uninvited during the meeting (the term ended): off the roll, gone.
	_, err = b.svc.Uninvite(b.staff, g.ID, []uuid.UUID{bob})
	require.NoError(t, err)
	present, err = b.svc.Present(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	require.Len(t, present, 1)
	require.Equal(t, ann, present[0].AccountID)
	held, attended, err := gathering.Held(b.ctx, b.pool, kind, b.owner)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{held, attended})

	// After the end nothing more is recorded; the open stay lasted until then.
	b.clock.Advance(2 * time.Hour)
	_, err = b.svc.MarkLeft(b.staff, g.ID, ann)
	requireKey(t, "gathering.checkin_closed", err)
	_, err = b.svc.MarkPresent(b.staff, g.ID, bob, gathering.InPerson)
	requireKey(t, "gathering.checkin_closed", err)
}

func TestCheckIn_ConcurrentCheckInsAreEachCountedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 10*time.Minute, 0)
	const n = 20
	ids := make([]uuid.UUID, n)
	ctxs := make([]context.Context, n)
	for i := range n {
		ids[i], ctxs[i] = b.person(t)
	}
	_, err := b.svc.Invite(b.staff, g.ID, ids)
	require.NoError(t, err)
	code, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)

	_, errs := pgtest.AtOnce(n, func(i int) (*gathering.Presence, error) { return b.svc.CheckIn(ctxs[i], g.ID, code.Code) })
	for _, err := range errs {
		require.NoError(t, err)
	}
	// One person checking in many times at once is still one stay.
	_, errs = pgtest.AtOnce(n, func(int) (*gathering.Presence, error) { return b.svc.CheckIn(ctxs[0], g.ID, code.Code) })
	for _, err := range errs {
		require.NoError(t, err)
	}

	present, err := b.svc.Present(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	got := map[uuid.UUID]int{}
	for _, p := range present {
		got[p.AccountID]++
	}
	want := map[uuid.UUID]int{}
	for _, id := range ids {
		want[id] = 1
	}
	require.Equal(t, want, got)
	stays, err := b.svc.Stays(b.ctx, b.pool, g.ID)
	require.NoError(t, err)
	require.Len(t, stays, n)
	gg, err := b.svc.Get(b.ctx, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{n, n}, []int{gg.Present, gg.Attended})
	require.Len(t, b.events(), n, "the hook heard each arrival once")
}

func TestForget_ErasesInvitationsAndPresence(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 10*time.Minute, 0)
	member, _ := b.invite(t, g.ID)
	other, _ := b.invite(t, g.ID)
	for _, p := range []uuid.UUID{member, other} {
		_, err := b.svc.MarkPresent(b.staff, g.ID, p, gathering.InPerson)
		require.NoError(t, err)
	}

	invitations, err := gathering.AccountInvitations(b.ctx, b.pool, kind, member)
	require.NoError(t, err)
	require.Len(t, invitations, 1)
	require.Equal(t, g.ID, invitations[0].GatheringID)
	stays, err := gathering.AccountStays(b.ctx, b.pool, kind, member)
	require.NoError(t, err)
	require.Len(t, stays, 1)
	require.Equal(t, []any{g.ID, gathering.InPerson, false}, []any{stays[0].GatheringID, stays[0].Mode, stays[0].Self})

	tx, err := b.pool.Begin(b.ctx)
	require.NoError(t, err)
	require.NoError(t, b.svc.Forget(b.ctx, tx, member))
	require.NoError(t, tx.Commit(b.ctx))
	invitations, err = gathering.AccountInvitations(b.ctx, b.pool, kind, member)
	require.NoError(t, err)
	require.Empty(t, invitations)
	stays, err = gathering.AccountStays(b.ctx, b.pool, kind, member)
	require.NoError(t, err)
	require.Empty(t, stays)
	got, err := b.svc.Get(b.ctx, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1}, []int{got.Invited, got.Present}, "the others stay")
}

func TestCheckIn_GuessingStopsAfterAFewWrongCodes(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 10*time.Minute, 0)
	guesser, guesserCtx := b.invite(t, g.ID)
	_, otherCtx := b.invite(t, g.ID)
	code, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)

	// A burst of wrong guesses is counted exactly: the first few are wrong,
	// the rest refused without being compared.
	const n = 20
	_, errs := pgtest.AtOnce(n, func(int) (*gathering.Presence, error) {
		return b.svc.CheckIn(guesserCtx, g.ID, wrong(code.Code))
	})
	count := map[apperr.Code]int{}
	for _, err := range errs {
		count[apperr.CodeOf(err)]++
	}
	require.Equal(t, map[apperr.Code]int{apperr.InvalidInput: gathering.MaxCheckinFailures,
		apperr.RateLimited: n - gathering.MaxCheckinFailures}, count)
	_, err = b.svc.CheckIn(guesserCtx, g.ID, code.Code)
	requireKey(t, "gathering.checkin_attempts", err)
	_, err = b.svc.CheckIn(otherCtx, g.ID, code.Code)
	require.NoError(t, err, "others are not held back")

	// A new code starts afresh.
	fresh, err := b.svc.IssueCheckinCode(b.staff, g.ID)
	require.NoError(t, err)
	p, err := b.svc.CheckIn(guesserCtx, g.ID, fresh.Code)
	require.NoError(t, err)
	require.Equal(t, guesser, p.AccountID)
	require.Len(t, b.events(), 2, "wrong codes changed no presence")
}
