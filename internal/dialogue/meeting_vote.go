package dialogue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/poll"
)

// Votes in a meeting. Who manages the body's votes (the chair, the
// secretary, the unit's officials, coordinators, admins) puts a tabled
// motion (amendments first) to a vote in a meeting of its body that is in
// progress: started, not ended, not cancelled; optionally under an item of
// that meeting's agenda. The vote has no deadline of its own: the chair
// closes it. A meeting cannot run past its end (presence stops being
// recorded then), so casting stops at the meeting's end and a vote still
// open then is closed by the poll's job at that moment, counted like any
// close.
//
// Only voting members present vote: a person member checked in (or
// recorded by staff) and not departed; an organisation through whichever
// of its delegates is present (one vote, recorded under the organisation);
// a person delegated by two organisations votes once for each. Remote
// attendance counts only under the body's rule RemoteAttendanceCounts.
// Guests, observers and public registrants never vote. Each voter key once,
// whatever runs concurrently (the poll's primary key); a vote changes before
// the close only under the body's rule VotesChangeableBeforeClose.
//
// At the close the quorum is counted from the votes present then (Quorum's
// PresentVoters), with every key that cast counted present even if it left
// since: without quorum the vote is recorded invalid, not rejected. The
// majority is the motion's (the body's default), the chair's casting vote
// breaks a tie when the rules say so and the chair voted. A roll call is
// published with the motion; a secret vote (e.g. on a personal matter)
// goes through the ballot box and publishes only totals, has no casting
// vote (a tie rejects) and no changes.
//
// Every cast and the close go to the meeting's live stream with the vote's
// numbers (a secret vote: how many have voted until it closes, then its
// totals): events carry counters, the same the motion shows to whoever
// sees the body.
//
// Agenda: at the start of a meeting the chair puts its agenda to a vote
// (PutAgendaToVote): a procedural motion, titled and worded from the
// catalog in every language, voted as a roll call; when it is adopted the
// agenda is (AdoptAgendaTx), in the close's transaction. The agenda stays
// amendable during the meeting by its staff, never while its vote is open;
// a change to an adopted agenda returns it to draft, and the body adopts
// the amended agenda by another vote (agenda.go).

// Errors of votes in meetings.
var (
	ErrMeetingNotStarted = apperr.New(apperr.PhaseClosed, "dialogue.meeting_not_started")
	ErrAgendaVoting      = apperr.New(apperr.PhaseClosed, "dialogue.agenda_voting")
	errAgendaEmpty       = apperr.New(apperr.Conflict, "dialogue.agenda_empty")
	errNotPresent        = apperr.New(apperr.Forbidden, "dialogue.vote_not_present")
	errVoteMeeting       = apperr.Invalid("meetingId", "dialogue.vote_meeting_invalid")
	errVoteAgendaItem    = apperr.Invalid("agendaItemId", "dialogue.vote_agenda_item_invalid")
)

// MeetingVoteInput puts a motion to a vote in a meeting in progress.
type MeetingVoteInput struct {
	MotionID, MeetingID uuid.UUID
	// AgendaItemID: an item of that meeting's agenda the vote is taken
	// under; nil for none.
	AgendaItemID *uuid.UUID
	// Secret: ballots through the ballot box, totals only.
	Secret bool
}

// OpenMeetingVote puts motion in.MotionID to a vote in meeting in.MeetingID
// (see the top of this file). Refused: the caller may not manage the
// body's votes (FORBIDDEN), a meeting of another body or none
// (INVALID_INPUT meetingId), an item of another meeting (agendaItemId),
// a meeting cancelled (CONFLICT), not started or ended (PHASE_CLOSED), and
// whatever OpenWrittenVote refuses.
func (m *Motions) OpenMeetingVote(ctx context.Context, in MeetingVoteInput) (*Motion, error) {
	o := opening{format: FormatMeeting, meetingID: in.MeetingID, itemID: in.AgendaItemID, secret: in.Secret}
	return m.openVote(ctx, in.MotionID, o, func(tx *db.Tx, b *Body, _ *Motion, o *opening) error {
		end, err := m.s.meetingInProgress(ctx, tx, b.ID, o.meetingID)
		if err != nil {
			return err
		}
		o.deadline = end
		if o.itemID == nil {
			return nil
		}
		var ok bool
		if err := tx.QueryRow(ctx, `select exists (select from dialogue_agenda_items where id = $1 and meeting_id = $2)`,
			*o.itemID, o.meetingID).Scan(&ok); err != nil {
			return fmt.Errorf("read agenda item: %w", err)
		}
		if !ok {
			return errVoteAgendaItem
		}
		return nil
	})
}

// meetingInProgress checks that meeting id of body bodyID is in progress
// now and returns its end.
func (s *Service) meetingInProgress(ctx context.Context, q db.Querier, bodyID, id uuid.UUID) (time.Time, error) {
	var starts, ends time.Time
	var cancelled *time.Time
	err := q.QueryRow(ctx, `select starts_at, ends_at, cancelled_at from gatherings where id = $1 and kind = $2 and owner_id = $3`,
		id, MeetingGatheringKind, bodyID).Scan(&starts, &ends, &cancelled)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, errVoteMeeting
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read meeting: %w", err)
	}
	now := s.now()
	switch {
	case cancelled != nil:
		return time.Time{}, ErrMeetingCancelled
	case now.Before(starts):
		return time.Time{}, ErrMeetingNotStarted
	case !now.Before(ends):
		return time.Time{}, ErrMeetingEnded
	}
	return ends, nil
}

// motionMeeting is the meeting motion id is voted in.
func motionMeeting(ctx context.Context, q db.Querier, id uuid.UUID) (uuid.UUID, error) {
	var meeting *uuid.UUID
	if err := q.QueryRow(ctx, `select meeting_id from dialogue_motions where id = $1`, id).Scan(&meeting); err != nil {
		return uuid.Nil, fmt.Errorf("read motion's meeting: %w", err)
	}
	if meeting == nil {
		return uuid.Nil, ErrMeetingEnded // the meeting is gone: nothing more is voted in it
	}
	return *meeting, nil
}

// PutAgendaToVote puts meeting meetingID's agenda to a vote ("manage" the
// body's votes): a procedural motion adopting the agenda as it stands,
// tabled ex officio by the caller with its title and text from the catalog
// in every language (the items listed in each language they have), opened
// at once as a roll call in the meeting, which must be in progress. When it
// is adopted, so is the agenda. Refused: an adopted agenda (PHASE_CLOSED
// dialogue.agenda_already_adopted), an agenda vote already open (PHASE_CLOSED
// dialogue.agenda_voting), an agenda without items (CONFLICT). Audited.
func (m *Motions) PutAgendaToVote(ctx context.Context, meetingID uuid.UUID) (*Motion, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		// The meeting's row lock orders this with changes of its agenda.
		t, err := m.s.lockMeeting(ctx, tx, meetingID, ActRead)
		if err != nil {
			return err
		}
		member, err := m.s.memberNow(ctx, tx, t.body.ID)
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActManage, t.body.voteObject(member)) {
			return apperr.ErrForbidden
		}
		if t.body.Status != StatusActive {
			return ErrDissolved
		}
		end, err := m.s.meetingInProgress(ctx, tx, t.body.ID, meetingID)
		if err != nil {
			return err
		}
		if err := agendaVotable(ctx, tx, meetingID); err != nil {
			return err
		}
		title, text, err := m.agendaTexts(ctx, tx, t)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `insert into dialogue_motions (body_id, kind, title_text_id, original_text_id, text_id,
				tabled_by, tabled_at, meeting_id, adopts_agenda)
			values ($1, 'procedural', $2, $3, $3, $4, $5, $6, true) returning id`,
			t.body.ID, title, text, actor, m.s.now(), meetingID).Scan(&id); err != nil {
			return fmt.Errorf("insert agenda motion: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.motion_table", ObjectType: "dialogue_motion",
			ObjectID: id.String(), Data: map[string]any{"body_id": t.body.ID, "kind": MotionProcedural, "adopts_agenda_of": meetingID}}); err != nil {
			return err
		}
		return m.openVoteTx(ctx, tx, id, opening{format: FormatMeeting, meetingID: meetingID, deadline: end}, nil)
	})
	if err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, id, "")
}

// agendaVotable refuses to put meeting id's agenda to a vote when it is
// adopted, being voted, or empty.
func agendaVotable(ctx context.Context, q db.Querier, id uuid.UUID) error {
	status, _, err := agendaStatus(ctx, q, id)
	if err != nil {
		return err
	}
	if status == AgendaAdopted {
		return ErrAgendaAdopted
	}
	voting, err := agendaVoteOpen(ctx, q, id)
	if err != nil {
		return err
	}
	if voting {
		return ErrAgendaVoting
	}
	var n int
	if err := q.QueryRow(ctx, `select count(*) from dialogue_agenda_items where meeting_id = $1`, id).Scan(&n); err != nil {
		return fmt.Errorf("count agenda: %w", err)
	}
	if n == 0 {
		return errAgendaEmpty
	}
	return nil
}

// agendaVoteOpen says whether meeting id's agenda is being voted on.
func agendaVoteOpen(ctx context.Context, q db.Querier, id uuid.UUID) (bool, error) {
	var voting bool
	if err := q.QueryRow(ctx, `select exists (select from dialogue_motions where meeting_id = $1 and adopts_agenda
		and status in ('tabled', 'voting'))`, id).Scan(&voting); err != nil {
		return false, fmt.Errorf("read agenda vote: %w", err)
	}
	return voting, nil
}

// agendaItemRunes bounds an item's title in an agenda motion's text, so
// that a full agenda fits one text.
const agendaItemRunes = 150

// agendaTexts creates the title and text of t's agenda motion: the
// catalog's words in every locale (Polish the original, the others its
// translations, all credited to the system), the text listing the items,
// each in that locale when it has it.
func (m *Motions) agendaTexts(ctx context.Context, tx *db.Tx, t *meetingTarget) (uuid.UUID, uuid.UUID, error) {
	rows, err := tx.Query(ctx, `select title_text_id from dialogue_agenda_items where meeting_id = $1 order by position`, t.g.ID)
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("read agenda: %w", err)
	}
	items, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("read agenda: %w", err)
	}
	texts, err := i18n.Load(ctx, tx, append([]uuid.UUID{t.g.TitleTextID}, items...))
	if err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	titles, bodies := map[i18n.Locale]string{}, map[i18n.Locale]string{}
	for _, l := range i18n.All {
		titles[l] = i18n.T(l, "dialogue.agenda_motion_title", nil)
		var sb strings.Builder
		sb.WriteString(i18n.T(l, "dialogue.agenda_motion_text", map[string]any{"meeting": texts[t.g.TitleTextID].Resolve(l).Text}))
		for i, item := range items {
			title := []rune(texts[item].Resolve(l).Text)
			if len(title) > agendaItemRunes {
				title = append(title[:agendaItemRunes-1], '…')
			}
			sb.WriteString("\n" + strconv.Itoa(i+1) + ". " + string(title))
		}
		bodies[l] = sb.String()
	}
	domains := textDomains(t.body.ID, t.body.UnitID)
	var ids [2]uuid.UUID
	for i, words := range []map[i18n.Locale]string{titles, bodies} {
		if ids[i], err = i18n.CreateText(ctx, tx, i18n.Default, words[i18n.Default], uuid.Nil, domains); err != nil {
			return uuid.Nil, uuid.Nil, err
		}
		for _, l := range i18n.All {
			if l == i18n.Default {
				continue
			}
			if _, err := i18n.AddVersion(ctx, tx, ids[i], l, words[l], uuid.Nil, i18n.SourceHuman); err != nil {
				return uuid.Nil, uuid.Nil, err
			}
		}
	}
	return ids[0], ids[1], nil
}

// OfMeeting returns the motions (and amendments) put to a vote in meeting
// meetingID, in the order their votes were opened, if the caller may see
// the meeting.
func (m *Motions) OfMeeting(ctx context.Context, meetingID uuid.UUID) ([]*Motion, error) {
	if _, err := m.s.Meeting(ctx, meetingID); err != nil {
		return nil, err
	}
	rows, err := m.s.pool.Query(ctx, `select `+motionColumns+` from dialogue_motions m
		join polls p on p.kind = 'body_motion' and p.owner_id = m.id
		where m.meeting_id = $1 order by p.created_at, p.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("meeting's motions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Motion, error) { return scanMotion(r) })
	if err != nil {
		return nil, fmt.Errorf("meeting's motions: %w", err)
	}
	return list, nil
}

// VoteTally is a meeting vote's numbers on the meeting's live events.
type VoteTally struct {
	Secret bool `json:"secret"`
	Closed bool `json:"closed"`
	// Voters is how many votes have been cast.
	Voters int `json:"voters"`
	// Yes, No and Abstain: nil for a secret vote while it is open.
	Yes     *int `json:"yes,omitempty"`
	No      *int `json:"no,omitempty"`
	Abstain *int `json:"abstain,omitempty"`
	// Outcome is the motion's status once closed (adopted, rejected,
	// invalid).
	Outcome MotionStatus `json:"outcome,omitempty"`
}

// Types of the meeting events of votes.
const (
	EventVoteOpened  = "vote_opened"
	EventVoteChanged = "vote_changed"
	EventVoteClosed  = "vote_closed"
)

// publishOpened tells meeting mo.MeetingID's stream that mo's vote opened.
func (m *Motions) publishOpened(ctx context.Context, tx *db.Tx, mo *Motion, secret bool) error {
	t := &VoteTally{Secret: secret}
	if !secret {
		zero := 0
		t.Yes, t.No, t.Abstain = &zero, &zero, &zero
	}
	return live.Publish(ctx, tx, MeetingTopic(*mo.MeetingID), MeetingEvent{Type: EventVoteOpened, MeetingID: *mo.MeetingID,
		MotionID: mo.ID, Vote: t})
}

// publishTally tells meeting mo.MeetingID's stream the numbers of p, mo's
// vote, after a cast or its close. Concurrent casts of one poll take turns
// here (an advisory lock until commit), so that each counts the votes
// committed before it and the events, delivered in commit order, never go
// back.
func (m *Motions) publishTally(ctx context.Context, tx *db.Tx, p *poll.Poll, mo *Motion) error {
	if mo.MeetingID == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtextextended($1, 0))`, "poll:"+p.ID.String()); err != nil {
		return fmt.Errorf("order tallies: %w", err)
	}
	l, err := m.polls.LiveTx(ctx, tx, p)
	if err != nil {
		return err
	}
	t := &VoteTally{Secret: p.Secret, Closed: p.Status == poll.Closed, Voters: l.Voters}
	if l.Totals != nil {
		t.Yes, t.No, t.Abstain = &l.Totals.Yes, &l.Totals.No, &l.Totals.Abstain
	}
	typ := EventVoteChanged
	if t.Closed {
		typ, t.Outcome = EventVoteClosed, mo.Status
	}
	return live.Publish(ctx, tx, MeetingTopic(*mo.MeetingID), MeetingEvent{Type: typ, MeetingID: *mo.MeetingID, MotionID: mo.ID, Vote: t})
}

// voidingKey marks the context of voidVotes, for the notices it causes.
type voidingKey struct{}

// VoidDissolved is why the votes of a dissolved body were closed without a
// decision (poll.Result.Void).
const VoidDissolved = "dissolved"

// voidVotes closes the open votes of body bodyID's motions as it is
// dissolved, in the dissolution's transaction: nothing is decided by a
// body that no longer exists, so each is recorded invalid (its votes kept
// and counted, poll.Result.Void "dissolved") and its motion becomes
// invalid; the tabler is told as after any vote.
func (m *Motions) voidVotes(ctx context.Context, tx *db.Tx, bodyID uuid.UUID) error {
	rows, err := tx.Query(ctx, `select p.id from polls p join dialogue_motions mo on mo.id = p.owner_id
		where p.kind = $1 and p.status = 'open' and mo.body_id = $2 order by p.created_at, p.id`, PollKind, bodyID)
	if err != nil {
		return fmt.Errorf("open votes: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("open votes: %w", err)
	}
	ctx = context.WithValue(ctx, voidingKey{}, true)
	for _, id := range ids {
		if _, err := m.polls.VoidTx(ctx, tx, id, VoidDissolved); err != nil {
			return err
		}
	}
	return nil
}
