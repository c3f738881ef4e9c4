package gathering_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
)

func TestInvite_OnTheRollWithoutASeatAndIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 72*time.Hour, 1)
	seated, _, _ := b.register(t, g.ID)
	waiting, _, _ := b.register(t, g.ID)
	member, memberCtx := b.person(t)
	guest, _ := b.person(t)

	added, err := b.svc.Invite(b.staff, g.ID, []uuid.UUID{member, guest, member})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{member, guest}, added)
	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 2, 0}, []int{got.Registered, got.Waitlisted, got.Invited, got.SeatsLeft()},
		"invitees take no seat: the waiting list still waits")

	// Inviting again changes nothing and tells nobody again.
	for range 2 {
		added, err = b.svc.Invite(b.staff, g.ID, []uuid.UUID{guest, member})
		require.NoError(t, err)
		require.Empty(t, added)
	}
	for _, p := range []uuid.UUID{member, guest} {
		notices := b.notices(t, noticeKind+"_invited", p)
		require.Len(t, notices, 1)
		require.Equal(t, map[string]string{"owner_id": b.owner.String(), "gathering_id": g.ID.String(),
			"starts_at": g.StartsAt.UTC().Format(time.RFC3339), "when": g.StartsAt.In(gathering.Warsaw).Format("2006-01-02 15:04"),
			"where": g.Place}, notices[0])
	}
	require.Empty(t, b.notices(t, noticeKind+"_invited", seated))

	// An invitee sees the invitation and need not (cannot) register.
	got, err = b.svc.Get(memberCtx, g.ID)
	require.NoError(t, err)
	require.True(t, got.ViewerInvited)
	require.Equal(t, "", got.Viewer)
	_, err = b.svc.Register(memberCtx, g.ID)
	requireKey(t, "gathering.invited", err)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))

	invitations, err := b.svc.Invitations(b.staff, g.ID)
	require.NoError(t, err)
	require.Len(t, invitations, 2)
	require.Equal(t, []uuid.UUID{member, guest}, []uuid.UUID{invitations[0].AccountID, invitations[1].AccountID})
	require.Equal(t, b.staffID, invitations[0].InvitedBy)

	// An invitation supersedes a registration: the seat goes to the first
	// person waiting, who is told.
	added, err = b.svc.Invite(b.staff, g.ID, []uuid.UUID{seated})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{seated}, added)
	r, err := b.svc.RegistrationOf(b.ctx, g.ID, seated)
	require.NoError(t, err)
	require.Equal(t, gathering.Cancelled, r.Status)
	r, err = b.svc.RegistrationOf(b.ctx, g.ID, waiting)
	require.NoError(t, err)
	require.Equal(t, gathering.Registered, r.Status)
	require.Len(t, b.notices(t, noticeKind+"_promoted", waiting), 1)
	got, err = b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 0, 3}, []int{got.Registered, got.Waitlisted, got.Invited})

	var audits int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where object_id = $1 and action = 'test.invite'
		and actor_id = $2`, g.ID.String(), b.staffID).Scan(&audits))
	require.Equal(t, 2, audits, "only invitations that changed the roll are audited")
}

func TestInvite_NoticesReachInviteesInTheirOwnLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	b.work(t)
	g := b.create(t, 72*time.Hour, 0)
	seated, _, _ := b.register(t, g.ID)
	invitees := map[i18n.Locale]uuid.UUID{}
	var ids []uuid.UUID
	for _, l := range i18n.All {
		invitees[l], _ = b.personIn(t, l)
		ids = append(ids, invitees[l])
	}
	_, err := b.svc.Invite(b.staff, g.ID, ids)
	require.NoError(t, err)

	// The reminder the day before reaches the seat and every invitee; a
	// repeat of it is absorbed.
	for range 2 {
		sent, err := b.svc.SendReminders(b.ctx, g.ID, g.StartsAt)
		require.NoError(t, err)
		require.Equal(t, 5, sent)
	}
	when := g.StartsAt.In(gathering.Warsaw).Format("2006-01-02 15:04")
	b.settle(t)
	for _, l := range i18n.All {
		for _, name := range []string{"invited", "reminder"} {
			m := b.mail(t, noticeKind+"_"+name, invitees[l])
			require.Equal(t, string(l), m.Locale)
			require.Equal(t, noticeText(l, name, "subject", nil), m.Subject)
			require.Contains(t, m.Body, noticeText(l, name, "body", map[string]string{"when": when, "where": g.Place}))
		}
	}
	require.Equal(t, "pl", b.mail(t, noticeKind+"_reminder", seated).Locale)

	// Uninvited, one is told of nothing more: not the new time, not its
	// reminder, not the cancellation; the others are, in their language.
	gone := invitees[i18n.EN]
	removed, err := b.svc.Uninvite(b.staff, g.ID, []uuid.UUID{gone, seated})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{gone}, removed, "who is not invited is ignored")
	moved := b.input(96*time.Hour, 0)
	_, err = b.svc.Update(b.staff, g.ID, moved)
	require.NoError(t, err)
	sent, err := b.svc.SendReminders(b.ctx, g.ID, moved.StartsAt)
	require.NoError(t, err)
	require.Equal(t, 4, sent)
	const reason = "Sala jest niedostępna w tym terminie."
	_, err = b.svc.Cancel(b.staff, g.ID, reason)
	require.NoError(t, err)
	b.settle(t)
	newWhen := moved.StartsAt.In(gathering.Warsaw).Format("2006-01-02 15:04")
	for _, l := range []i18n.Locale{i18n.PL, i18n.UK, i18n.RU} {
		for _, name := range []string{"moved", "cancelled"} {
			m := b.mail(t, noticeKind+"_"+name, invitees[l])
			require.Equal(t, noticeText(l, name, "subject", nil), m.Subject)
			require.Contains(t, m.Body, noticeText(l, name, "body", map[string]string{"when": newWhen, "where": moved.Place, "reason": reason}))
		}
		require.Len(t, b.notices(t, noticeKind+"_reminder", invitees[l]), 2, "one reminder per start time")
	}
	for _, name := range []string{"moved", "cancelled"} {
		require.Empty(t, b.notices(t, noticeKind+"_"+name, gone), name)
	}
	require.Len(t, b.notices(t, noticeKind+"_reminder", gone), 1, "the reminder of the old time only")
}

func TestInvite_WhoMayAndWhen(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, time.Hour, 0)
	invitee, _ := b.person(t)
	_, resident := b.person(t)

	_, err := b.svc.Invite(context.Background(), g.ID, []uuid.UUID{invitee})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Uninvite(context.Background(), g.ID, []uuid.UUID{invitee})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Invite(resident, g.ID, []uuid.UUID{invitee})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Uninvite(resident, g.ID, []uuid.UUID{invitee})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Invitations(resident, g.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Invite(b.staff, uuid.New(), []uuid.UUID{invitee})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Invite(b.staff, g.ID, []uuid.UUID{invitee, uuid.New()})
	requireField(t, "accounts", "gathering.invitee_unknown", err)

	// Guests may be invited on the day, until the end; not to a cancelled
	// gathering, nor while the owner is closed.
	b.clock.Advance(90 * time.Minute)
	added, err := b.svc.Invite(b.staff, g.ID, []uuid.UUID{invitee})
	require.NoError(t, err)
	require.Len(t, added, 1)
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	_, err = b.svc.Invite(b.staff, g.ID, []uuid.UUID{uuid.New()})
	require.ErrorIs(t, err, errClosed)
	b.mu.Lock()
	b.closed = false
	b.mu.Unlock()
	b.clock.Advance(2 * time.Hour) // ended: the roll of a gathering held stays
	_, err = b.svc.Uninvite(b.staff, g.ID, []uuid.UUID{invitee})
	requireKey(t, "gathering.ended", err)
	_, err = b.svc.Invite(b.staff, g.ID, []uuid.UUID{invitee})
	requireKey(t, "gathering.ended", err)

	other := b.create(t, 48*time.Hour, 0)
	_, err = b.svc.Cancel(b.staff, other.ID, "Sala jest niedostępna w tym terminie.")
	require.NoError(t, err)
	_, err = b.svc.Invite(b.staff, other.ID, []uuid.UUID{invitee})
	requireKey(t, "gathering.cancelled", err)

	// A kind without invitations refuses them (a programming error).
	plain := setup(t)
	pg := plain.create(t, 48*time.Hour, 0)
	_, err = plain.svc.Invite(plain.staff, pg.ID, []uuid.UUID{plain.staffID})
	require.Equal(t, apperr.Internal, apperr.CodeOf(err))
}

func TestInviteTx_InTheDomainsTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t, withRoll(false))
	g := b.create(t, 48*time.Hour, 0)
	member, _ := b.person(t)

	// Rolled back with the domain's change: nobody invited, nobody told.
	tx, err := b.pool.Begin(b.ctx)
	require.NoError(t, err)
	added, err := b.svc.InviteTx(b.staff, tx, g.ID, []uuid.UUID{member})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{member}, added)
	require.NoError(t, tx.Rollback(b.ctx))
	require.Empty(t, b.notices(t, noticeKind+"_invited", member))

	tx, err = b.pool.Begin(b.ctx)
	require.NoError(t, err)
	_, err = b.svc.InviteTx(b.staff, tx, g.ID, []uuid.UUID{member})
	require.NoError(t, err)
	require.NoError(t, tx.Commit(b.ctx))
	require.Len(t, b.notices(t, noticeKind+"_invited", member), 1)

	// The term ended: off the roll of the meetings to come.
	tx, err = b.pool.Begin(b.ctx)
	require.NoError(t, err)
	removed, err := b.svc.UninviteTx(b.staff, tx, g.ID, []uuid.UUID{member})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{member}, removed)
	require.NoError(t, tx.Commit(b.ctx))
	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, 0, got.Invited)

	tx, err = b.pool.Begin(b.ctx)
	require.NoError(t, err)
	_, err = b.svc.InviteTx(b.staff, tx, uuid.New(), []uuid.UUID{member})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	require.NoError(t, tx.Rollback(b.ctx))
}
