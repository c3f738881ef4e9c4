package dialogue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/live"
)

// The speakers' list of an agenda item. Members and guests on the meeting's
// roll ask to speak and withdraw; observers and public registrants listen.
// The meeting's staff (the chair, the secretary, the unit's officials,
// coordinators, admins) give the floor to the next speaker or a chosen one
// and mark them done. Everyone who sees the meeting sees the list. Every
// change locks the item's row, so concurrent requests get consecutive
// places in arrival order; asking again while waiting or speaking changes
// nothing. The list works while the meeting is not cancelled and has not
// ended (requests may come before it starts).

// Speaker statuses.
const (
	SpeakerWaiting   = "waiting"
	SpeakerSpeaking  = "speaking"
	SpeakerDone      = "done"
	SpeakerWithdrawn = "withdrawn"
)

// Errors of the speakers' list.
var (
	ErrMeetingEnded    = apperr.New(apperr.PhaseClosed, "dialogue.meeting_ended")
	errMayNotSpeak     = apperr.New(apperr.Forbidden, "dialogue.speaker_not_allowed")
	errSpeakerNotFound = apperr.Invalid("accountId", "dialogue.speaker_not_waiting")
	errNoSpeaker       = apperr.New(apperr.Conflict, "dialogue.speaker_none")
)

// Speaker is one request to speak on an agenda item.
type Speaker struct {
	ItemID      uuid.UUID
	AccountID   uuid.UUID
	DisplayName string // "" for a deleted account
	Position    int    // order of the request within the item
	Status      string
	RequestedAt time.Time
	FloorAt     *time.Time
	DoneAt      *time.Time
}

// maySpeak says whether account may ask for the floor at meeting m: it is
// invited, and holds a membership of the body active now whose role is not
// observer (itself, or as a delegate of an organisation member), or is a
// guest invited to m by hand.
func (s *Service) maySpeak(ctx context.Context, q db.Querier, m *Meeting, account uuid.UUID) (bool, error) {
	if account == uuid.Nil {
		return false, nil
	}
	var ok bool
	err := q.QueryRow(ctx, `select exists (select from gathering_invitations where gathering_id = $1 and account_id = $2)
		and (exists (select from dialogue_meeting_guests where meeting_id = $1 and account_id = $2)
		or exists (select from dialogue_members m
			left join dialogue_delegates d on d.member_id = m.id and `+delegateAt("d", "$4")+`
			where m.body_id = $3 and (m.account_id = $2 or d.account_id = $2) and m.role <> 'observer' and `+activeAt("m", "$4")+`))`,
		m.ID, account, m.BodyID, s.now()).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("read speaker right: %w", err)
	}
	return ok, nil
}

// changeSpeakers runs f on item itemID's list with act checked on its
// meeting, under the item's row lock, then audits (staff acts) and
// publishes speakers_changed.
func (s *Service) changeSpeakers(ctx context.Context, itemID uuid.UUID, act string, f func(tx *db.Tx, t *meetingTarget) (string, error)) error {
	meetingID, err := s.itemMeeting(ctx, itemID)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		t, err := s.lockMeeting(ctx, tx, meetingID, act)
		if err != nil {
			return err
		}
		if t.g.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		if !s.now().Before(t.g.EndsAt) {
			return ErrMeetingEnded
		}
		if _, err := tx.Exec(ctx, `select 1 from dialogue_agenda_items where id = $1 for update`, itemID); err != nil {
			return fmt.Errorf("lock agenda item: %w", err)
		}
		action, err := f(tx, t)
		if err != nil || action == "" {
			return err
		}
		if act == ActManageMeeting {
			if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.speaker_" + action,
				ObjectType: MeetingObjectType, ObjectID: meetingID.String(), Data: map[string]any{"item_id": itemID}}); err != nil {
				return err
			}
		}
		return live.Publish(ctx, tx, MeetingTopic(meetingID), MeetingEvent{Type: "speakers_changed", MeetingID: meetingID, ItemID: itemID})
	})
}

// RequestToSpeak puts the caller on item itemID's list (ActRead on the
// meeting, and maySpeak). Idempotent: waiting or speaking already, nothing
// changes.
func (s *Service) RequestToSpeak(ctx context.Context, itemID uuid.UUID) ([]*Speaker, error) {
	me := authz.SubjectFrom(ctx).AccountID
	err := s.changeSpeakers(ctx, itemID, ActRead, func(tx *db.Tx, t *meetingTarget) (string, error) {
		ok, err := s.maySpeak(ctx, tx, &Meeting{Gathering: *t.g, BodyID: t.body.ID}, me)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", errMayNotSpeak
		}
		tag, err := tx.Exec(ctx, `insert into dialogue_speakers (item_id, account_id, position, status, requested_at)
			select $1, $2, coalesce(max(position), 0) + 1, 'waiting', $3 from dialogue_speakers where item_id = $1
			on conflict (item_id, account_id) where status in ('waiting', 'speaking') do nothing`, itemID, me, s.now())
		if err != nil {
			return "", fmt.Errorf("request to speak: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return "", nil
		}
		return "request", nil
	})
	if err != nil {
		return nil, err
	}
	return s.Speakers(ctx, itemID)
}

// WithdrawFromSpeakers takes the caller's waiting request off item itemID's
// list (ActRead, and having asked to speak on it: FORBIDDEN otherwise). No
// longer waiting: nothing changes.
func (s *Service) WithdrawFromSpeakers(ctx context.Context, itemID uuid.UUID) ([]*Speaker, error) {
	me := authz.SubjectFrom(ctx).AccountID
	err := s.changeSpeakers(ctx, itemID, ActRead, func(tx *db.Tx, _ *meetingTarget) (string, error) {
		var asked bool
		if err := tx.QueryRow(ctx, `select exists (select from dialogue_speakers where item_id = $1 and account_id = $2)`,
			itemID, me).Scan(&asked); err != nil {
			return "", fmt.Errorf("withdraw from speakers: %w", err)
		}
		if !asked {
			return "", errMayNotSpeak
		}
		tag, err := tx.Exec(ctx, `update dialogue_speakers set status = 'withdrawn', done_at = $3
			where item_id = $1 and account_id = $2 and status = 'waiting'`, itemID, me, s.now())
		if err != nil {
			return "", fmt.Errorf("withdraw from speakers: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return "", nil
		}
		return "withdraw", nil
	})
	if err != nil {
		return nil, err
	}
	return s.Speakers(ctx, itemID)
}

// GiveFloor gives the floor on item itemID (ActManage) to account, who must
// be waiting, or, with account nil, to the first one waiting; whoever is
// speaking is done. Nobody waiting: CONFLICT.
func (s *Service) GiveFloor(ctx context.Context, itemID uuid.UUID, account *uuid.UUID) ([]*Speaker, error) {
	err := s.changeSpeakers(ctx, itemID, ActManageMeeting, func(tx *db.Tx, _ *meetingTarget) (string, error) {
		var next int64
		err := tx.QueryRow(ctx, `select id from dialogue_speakers where item_id = $1 and status = 'waiting'
			and ($2::uuid is null or account_id = $2) order by position limit 1`, itemID, account).Scan(&next)
		if errors.Is(err, pgx.ErrNoRows) {
			if account != nil {
				return "", errSpeakerNotFound
			}
			return "", errNoSpeaker
		}
		if err != nil {
			return "", fmt.Errorf("give floor: %w", err)
		}
		if err := finishSpeaking(ctx, tx, itemID, s.now()); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, `update dialogue_speakers set status = 'speaking', floor_at = $2 where id = $1`, next, s.now()); err != nil {
			return "", fmt.Errorf("give floor: %w", err)
		}
		return "floor", nil
	})
	if err != nil {
		return nil, err
	}
	return s.Speakers(ctx, itemID)
}

// FinishSpeaker marks whoever speaks on item itemID done (ActManage);
// nobody speaking: nothing changes.
func (s *Service) FinishSpeaker(ctx context.Context, itemID uuid.UUID) ([]*Speaker, error) {
	err := s.changeSpeakers(ctx, itemID, ActManageMeeting, func(tx *db.Tx, _ *meetingTarget) (string, error) {
		return "done", finishSpeaking(ctx, tx, itemID, s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.Speakers(ctx, itemID)
}

func finishSpeaking(ctx context.Context, tx *db.Tx, itemID uuid.UUID, now time.Time) error {
	if _, err := tx.Exec(ctx, `update dialogue_speakers set status = 'done', done_at = greatest($2, floor_at)
		where item_id = $1 and status = 'speaking'`, itemID, now); err != nil {
		return fmt.Errorf("finish speaker: %w", err)
	}
	return nil
}

// Speakers is item itemID's list as everyone who sees its meeting sees it:
// the speaker, then those waiting in order, then those done or withdrawn
// in order of request.
func (s *Service) Speakers(ctx context.Context, itemID uuid.UUID) ([]*Speaker, error) {
	meetingID, err := s.itemMeeting(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Meeting(ctx, meetingID); err != nil {
		return nil, err
	}
	return s.readSpeakers(ctx, `p.item_id = $1`, itemID)
}

// MeetingSpeakers is Speakers of every agenda item of meeting m, a meeting
// the caller has read (Meeting), in one statement: by item.
func (s *Service) MeetingSpeakers(ctx context.Context, m *Meeting) (map[uuid.UUID][]*Speaker, error) {
	list, err := s.readSpeakers(ctx, `p.item_id in (select id from dialogue_agenda_items where meeting_id = $1)`, m.ID)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]*Speaker{}
	for _, p := range list {
		out[p.ItemID] = append(out[p.ItemID], p)
	}
	return out, nil
}

func (s *Service) readSpeakers(ctx context.Context, where string, arg uuid.UUID) ([]*Speaker, error) {
	rows, err := s.pool.Query(ctx, `select p.item_id, p.account_id, case when a.deleted_at is null then a.display_name else '' end,
			p.position, p.status, p.requested_at, p.floor_at, p.done_at
		from dialogue_speakers p join accounts a on a.id = p.account_id where `+where+`
		order by p.item_id, case p.status when 'speaking' then 0 when 'waiting' then 1 else 2 end, p.position`, arg)
	if err != nil {
		return nil, fmt.Errorf("read speakers: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Speaker, error) {
		var p Speaker
		return &p, r.Scan(&p.ItemID, &p.AccountID, &p.DisplayName, &p.Position, &p.Status, &p.RequestedAt, &p.FloorAt, &p.DoneAt)
	})
	if err != nil {
		return nil, fmt.Errorf("read speakers: %w", err)
	}
	return list, nil
}
