package dialogue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// Guests invited by hand: the meeting's staff (the chair, the secretary,
// the unit's officials, coordinators, admins) put someone who is not on the
// body's roll on one meeting's roll — an expert on an agenda item, say —
// and may withdraw the invitation until the meeting ends. A guest is told
// in their own language, sees that meeting (even of a non-public body:
// its agenda, counts and quorum, not the body's members or other meetings),
// checks in, and may ask to speak like a guest of the body; a guest never
// votes and never counts towards the quorum (VotingMembers knows only
// memberships). The invitation is the mechanism's; dialogue_meeting_guests
// marks it as made by hand, so that syncInvitations leaves it alone.

// The notices of guests invited by hand.
const (
	NoticeMeetingGuestInvited   = "dialogue_meeting_guest_invited"
	NoticeMeetingGuestWithdrawn = "dialogue_meeting_guest_withdrawn"
)

// errOnRoll: the person is on the meeting's roll through the body (a
// member or a delegate), so there is nothing to invite or withdraw by hand.
var errOnRoll = apperr.New(apperr.Conflict, "dialogue.meeting_guest_on_roll")

// InviteGuest invites account to meeting id by hand (ActManage on the
// meeting) while the body is active and before the meeting ends, and tells
// them. Inviting a guest again changes nothing; someone on the roll through
// the body is CONFLICT; an account that does not exist INVALID_INPUT
// accountId. A public seat the guest held goes to the waiting list.
// Audited.
func (s *Service) InviteGuest(ctx context.Context, id, account uuid.UUID) (*Meeting, error) {
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		t, err := s.lockMeeting(ctx, tx, id, ActManageMeeting)
		if err != nil {
			return err
		}
		if err := s.rollOpen(t); err != nil {
			return err
		}
		if t.body.Status != StatusActive {
			return ErrDissolved
		}
		if err := requireAccount(ctx, tx, account, errAccount); err != nil {
			return err
		}
		guest, invited, err := invitationOf(ctx, tx, id, account)
		if err != nil || guest {
			return err
		}
		if invited {
			return errOnRoll
		}
		if _, err := s.meetings.InviteTxUntold(ctx, tx, id, []uuid.UUID{account}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into dialogue_meeting_guests (meeting_id, account_id) values ($1, $2)`, id, account); err != nil {
			return fmt.Errorf("invite guest: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.meeting_guest_invite",
			ObjectType: MeetingObjectType, ObjectID: id.String(), Data: map[string]any{"account_id": account, "body_id": t.body.ID}}); err != nil {
			return err
		}
		return s.tellGuest(ctx, tx, t, account, NoticeMeetingGuestInvited)
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// WithdrawGuest withdraws account's invitation by hand to meeting id
// (ActManage on the meeting) before the meeting ends, and tells them; if
// they are present they are marked as having left. Someone not invited:
// nothing changes; someone invited through the body only: CONFLICT. A guest
// who has since joined the body stays on the roll as a member. Audited.
func (s *Service) WithdrawGuest(ctx context.Context, id, account uuid.UUID) (*Meeting, error) {
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		t, err := s.lockMeeting(ctx, tx, id, ActManageMeeting)
		if err != nil {
			return err
		}
		if err := s.rollOpen(t); err != nil {
			return err
		}
		guest, invited, err := invitationOf(ctx, tx, id, account)
		if err != nil || !invited {
			return err
		}
		if !guest {
			return errOnRoll
		}
		roll, err := Invitees(ctx, tx, t.body.ID, s.now())
		if err != nil {
			return err
		}
		stays := slices.Contains(roll, account)
		if stays {
			if _, err := tx.Exec(ctx, `delete from dialogue_meeting_guests where meeting_id = $1 and account_id = $2`, id, account); err != nil {
				return fmt.Errorf("withdraw guest: %w", err)
			}
		} else {
			// The guest mark goes with the invitation (on delete cascade).
			if err := s.tellGuest(ctx, tx, t, account, NoticeMeetingGuestWithdrawn); err != nil {
				return err
			}
			if _, err := s.meetings.UninviteTx(ctx, tx, id, []uuid.UUID{account}); err != nil {
				return err
			}
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.meeting_guest_withdraw",
			ObjectType: MeetingObjectType, ObjectID: id.String(),
			Data: map[string]any{"account_id": account, "body_id": t.body.ID, "stays_as_member": stays}}); err != nil {
			return err
		}
		if t.body.Public || stays {
			return nil
		}
		// The guest no longer sees a non-public body's meeting: live views
		// are decided again, as when grants change.
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// rollOpen refuses a change of the roll of t's meeting by hand once it is
// cancelled or over.
func (s *Service) rollOpen(t *meetingTarget) error {
	if t.g.CancelledAt != nil {
		return ErrMeetingCancelled
	}
	if !s.now().Before(t.g.EndsAt) {
		return ErrMeetingEnded
	}
	return nil
}

// invitationOf says whether account is invited to meeting id, and whether
// by hand.
func invitationOf(ctx context.Context, q db.Querier, id, account uuid.UUID) (guest, invited bool, err error) {
	err = q.QueryRow(ctx, `select exists (select from dialogue_meeting_guests where meeting_id = $1 and account_id = $2),
			exists (select from gathering_invitations where gathering_id = $1 and account_id = $2)`, id, account).
		Scan(&guest, &invited)
	if err != nil {
		return false, false, fmt.Errorf("read invitation: %w", err)
	}
	return guest, invited, nil
}

// isGuest says whether the caller is invited to meeting id by hand.
func (s *Service) isGuest(ctx context.Context, q db.Querier, id uuid.UUID) (bool, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() || id == uuid.Nil {
		return false, nil
	}
	var ok bool
	if err := q.QueryRow(ctx, `select exists (select from dialogue_meeting_guests where meeting_id = $1 and account_id = $2)`,
		id, sub.AccountID).Scan(&ok); err != nil {
		return false, fmt.Errorf("read guest: %w", err)
	}
	return ok, nil
}

// guestBody is the body of meeting g for a caller who may not see the body
// but is a guest of the meeting; NOT_FOUND for everyone else.
func (s *Service) guestBody(ctx context.Context, ownerID, meetingID uuid.UUID) (*Body, error) {
	guest, err := s.isGuest(ctx, s.pool, meetingID)
	if err != nil {
		return nil, err
	}
	if !guest {
		return nil, apperr.ErrNotFound
	}
	return load(ctx, s.pool, ownerID, false)
}

// tellGuest sends a guest notice of kind about t's meeting, once per
// invitation (its time tells a new invitation from the last one).
func (s *Service) tellGuest(ctx context.Context, tx *db.Tx, t *meetingTarget, account uuid.UUID, kind string) error {
	var at time.Time
	err := tx.QueryRow(ctx, `select created_at from gathering_invitations where gathering_id = $1 and account_id = $2`,
		t.g.ID, account).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read invitation: %w", err)
	}
	return s.notifyMembers(ctx, tx, t.body, kind, []uuid.UUID{account}, s.meetings.NoticeData(t.g),
		kind+":"+t.g.ID.String()+":"+strconv.FormatInt(at.UnixMicro(), 10))
}

func init() {
	notify.Register(notify.Kind{Name: NoticeMeetingGuestInvited, Data: []string{"body", "when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingGuestWithdrawn, Data: []string{"body", "when", "where"}})
}
