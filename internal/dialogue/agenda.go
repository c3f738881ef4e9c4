package dialogue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

// The agenda of a meeting: items in order, each a multilingual title, an
// optional description and an optional document (a link and/or a text).
// Staff of the meeting (ActManage) add, change, move and remove items until
// the meeting ends, never while the agenda is being voted on.
//
// Adoption: the agenda is AgendaDraft until the body adopts it by a vote
// at the start of the meeting (Motions.PutAgendaToVote, a roll call among
// those present); the vote's close calls AdoptAgendaTx when it passes.
// Nothing else adopts it. Amending: a change to an adopted agenda during the
// meeting returns it to draft (audited, the earlier adoption stays in the
// adopted motion), and the chair puts the amended agenda to the body's vote
// again: an agenda is adopted only as the body voted it.

// AgendaStatus is the state of a meeting's agenda.
type AgendaStatus string

const (
	AgendaDraft   AgendaStatus = "draft"
	AgendaAdopted AgendaStatus = "adopted"
)

// MaxAgendaItems is the most items one agenda holds.
const MaxAgendaItems = 100

// Errors of the agenda.
var (
	ErrAgendaAdopted  = apperr.New(apperr.PhaseClosed, "dialogue.agenda_already_adopted")
	errAgendaFull     = apperr.Invalid("meetingId", "dialogue.agenda_full")
	errAgendaPosition = apperr.Invalid("position", "dialogue.agenda_position_invalid")
	errDocumentURL    = apperr.Invalid("documentUrl", "dialogue.agenda_document_url_invalid")
)

// AgendaItemInput is an agenda item. Description and Document with Text ""
// mean none; DocumentURL "" means no link.
type AgendaItemInput struct {
	Title, Description, Document i18n.Input
	DocumentURL                  string
}

func (in *AgendaItemInput) check() error {
	if err := in.Title.Check("title", keyTextRequired); err != nil {
		return err
	}
	if err := in.Description.Check("description", ""); err != nil {
		return err
	}
	if err := in.Document.Check("document", ""); err != nil {
		return err
	}
	in.Title.Text = strings.TrimSpace(in.Title.Text)
	in.DocumentURL = strings.TrimSpace(in.DocumentURL)
	if in.DocumentURL != "" && (!strings.HasPrefix(in.DocumentURL, "https://") || len(in.DocumentURL) > 2000) {
		return errDocumentURL
	}
	return nil
}

// AgendaItem is one item of an agenda. The document (DocumentURL,
// DocumentTextID) is withheld (empty) from a caller who may not see the
// body's documents (DocumentsVisible).
type AgendaItem struct {
	ID                uuid.UUID
	MeetingID         uuid.UUID
	Position          int
	TitleTextID       uuid.UUID
	DescriptionTextID *uuid.UUID
	DocumentURL       string
	DocumentTextID    *uuid.UUID
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Agenda is a meeting's agenda.
type Agenda struct {
	Status    AgendaStatus
	AdoptedAt *time.Time
	Items     []*AgendaItem
}

// meetingTarget is a meeting locked for a change of its agenda or speakers.
type meetingTarget struct {
	g    *gathering.Gathering
	body *Body
	obj  authz.Object
}

// lockMeeting checks act on meeting id in authz.For's order (anonymous
// callers first, whatever act: every change needs a signed-in caller; NOT_FOUND for a meeting the caller may not see) and locks
// the body (shared) then the meeting row, the mechanism's lock order.
func (s *Service) lockMeeting(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*meetingTarget, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	return authz.For(ctx, act, func() (*meetingTarget, authz.Object, bool, error) {
		var bodyID uuid.UUID
		err := tx.QueryRow(ctx, `select owner_id from gatherings where id = $1 and kind = $2`, id, MeetingGatheringKind).Scan(&bodyID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load meeting: %w", err)
		}
		o, err := s.meetingOwner(ctx, tx, bodyID, id, gathering.Act(act))
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		if _, err := tx.Exec(ctx, `select 1 from gatherings where id = $1 for update`, id); err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("lock meeting: %w", err)
		}
		g, err := s.meetings.Get(ctx, id)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		b, err := load(ctx, tx, bodyID, false)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return &meetingTarget{g: g, body: b, obj: o.Object}, o.Object, o.Visible, nil
	})
}

// agendaOpen refuses a change of t's agenda: cancelled, ended, being voted
// on. It returns whether the agenda is adopted (the change reopens it).
func (s *Service) agendaOpen(ctx context.Context, tx *db.Tx, t *meetingTarget) (bool, error) {
	if t.g.CancelledAt != nil {
		return false, ErrMeetingCancelled
	}
	if !s.now().Before(t.g.EndsAt) {
		return false, ErrMeetingEnded
	}
	if t.body.Status != StatusActive {
		return false, ErrDissolved
	}
	voting, err := agendaVoteOpen(ctx, tx, t.g.ID)
	if err != nil {
		return false, err
	}
	if voting {
		return false, ErrAgendaVoting
	}
	status, _, err := agendaStatus(ctx, tx, t.g.ID)
	if err != nil {
		return false, err
	}
	return status == AgendaAdopted, nil
}

func agendaStatus(ctx context.Context, q db.Querier, meetingID uuid.UUID) (AgendaStatus, *time.Time, error) {
	status, at := AgendaDraft, (*time.Time)(nil)
	err := q.QueryRow(ctx, `select status, adopted_at from dialogue_agendas where meeting_id = $1`, meetingID).Scan(&status, &at)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", nil, fmt.Errorf("read agenda: %w", err)
	}
	return status, at, nil
}

// changeAgenda runs f on meeting id's open agenda as its staff (an adopted
// one returns to draft), then audits action and publishes agenda_changed.
func (s *Service) changeAgenda(ctx context.Context, id uuid.UUID, action string, f func(tx *db.Tx, t *meetingTarget) (uuid.UUID, error)) (uuid.UUID, error) {
	var item uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		t, err := s.lockMeeting(ctx, tx, id, ActManageMeeting)
		if err != nil {
			return err
		}
		adopted, err := s.agendaOpen(ctx, tx, t)
		if err != nil {
			return err
		}
		if item, err = f(tx, t); err != nil {
			return err
		}
		if adopted {
			if _, err := tx.Exec(ctx, `update dialogue_agendas set status = 'draft', adopted_at = null where meeting_id = $1`, id); err != nil {
				return fmt.Errorf("reopen agenda: %w", err)
			}
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.agenda_" + action,
			ObjectType: MeetingObjectType, ObjectID: id.String(), Data: map[string]any{"item_id": item, "reopened": adopted}}); err != nil {
			return err
		}
		return live.Publish(ctx, tx, MeetingTopic(id), MeetingEvent{Type: "agenda_changed", MeetingID: id, ItemID: item})
	})
	return item, err
}

// AddAgendaItem adds an item at the end of meeting meetingID's agenda.
func (s *Service) AddAgendaItem(ctx context.Context, meetingID uuid.UUID, in AgendaItemInput) (*AgendaItem, error) {
	id, err := s.changeAgenda(ctx, meetingID, "add", func(tx *db.Tx, t *meetingTarget) (uuid.UUID, error) {
		if err := in.check(); err != nil {
			return uuid.Nil, err
		}
		var n int
		if err := tx.QueryRow(ctx, `select count(*) from dialogue_agenda_items where meeting_id = $1`, meetingID).Scan(&n); err != nil {
			return uuid.Nil, fmt.Errorf("count agenda: %w", err)
		}
		if n >= MaxAgendaItems {
			return uuid.Nil, errAgendaFull.With(map[string]any{"max": MaxAgendaItems})
		}
		texts, err := s.agendaTexts(ctx, tx, t, in)
		if err != nil {
			return uuid.Nil, err
		}
		id := uuid.New()
		_, err = tx.Exec(ctx, `insert into dialogue_agenda_items (id, meeting_id, position, title_text_id, description_text_id,
				document_url, document_text_id, created_by, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, id, meetingID, n+1, texts[0], texts[1], in.DocumentURL, texts[2],
			authz.SubjectFrom(ctx).AccountID, s.now())
		if err != nil {
			return uuid.Nil, fmt.Errorf("add agenda item: %w", err)
		}
		return id, nil
	})
	if err != nil {
		return nil, err
	}
	return s.agendaItem(ctx, id)
}

// agendaTexts creates the texts of in: the title, and the description and
// document when given (nil otherwise).
func (s *Service) agendaTexts(ctx context.Context, tx *db.Tx, t *meetingTarget, in AgendaItemInput) ([3]*uuid.UUID, error) {
	var out [3]*uuid.UUID
	actor, domains := authz.SubjectFrom(ctx).AccountID, textDomains(t.body.ID, t.body.UnitID)
	for i, text := range []i18n.Input{in.Title, in.Description, in.Document} {
		id, err := i18n.CreateOptional(ctx, tx, text, actor, domains)
		if err != nil {
			return out, err
		}
		out[i] = id
	}
	return out, nil
}

// UpdateAgendaItem replaces an item's texts and link (new texts: the old
// ones stay, credited to their authors).
func (s *Service) UpdateAgendaItem(ctx context.Context, itemID uuid.UUID, in AgendaItemInput) (*AgendaItem, error) {
	meetingID, err := s.itemMeeting(ctx, itemID)
	if err != nil {
		return nil, err
	}
	_, err = s.changeAgenda(ctx, meetingID, "update", func(tx *db.Tx, t *meetingTarget) (uuid.UUID, error) {
		if err := in.check(); err != nil {
			return uuid.Nil, err
		}
		texts, err := s.agendaTexts(ctx, tx, t, in)
		if err != nil {
			return uuid.Nil, err
		}
		_, err = tx.Exec(ctx, `update dialogue_agenda_items set title_text_id = $2, description_text_id = $3, document_url = $4,
			document_text_id = $5, updated_at = $6 where id = $1`, itemID, texts[0], texts[1], in.DocumentURL, texts[2], s.now())
		if err != nil {
			return uuid.Nil, fmt.Errorf("update agenda item: %w", err)
		}
		return itemID, nil
	})
	if err != nil {
		return nil, err
	}
	return s.agendaItem(ctx, itemID)
}

// RemoveAgendaItem removes an item (with its speakers' list); the items
// after it move up. It returns the meeting's id.
func (s *Service) RemoveAgendaItem(ctx context.Context, itemID uuid.UUID) (uuid.UUID, error) {
	meetingID, err := s.itemMeeting(ctx, itemID)
	if err != nil {
		return uuid.Nil, err
	}
	_, err = s.changeAgenda(ctx, meetingID, "remove", func(tx *db.Tx, _ *meetingTarget) (uuid.UUID, error) {
		var pos int
		if err := tx.QueryRow(ctx, `delete from dialogue_agenda_items where id = $1 returning position`, itemID).Scan(&pos); err != nil {
			return uuid.Nil, fmt.Errorf("remove agenda item: %w", err)
		}
		if _, err := tx.Exec(ctx, `update dialogue_agenda_items set position = position - 1 where meeting_id = $1 and position > $2`,
			meetingID, pos); err != nil {
			return uuid.Nil, fmt.Errorf("remove agenda item: %w", err)
		}
		return itemID, nil
	})
	return meetingID, err
}

// MoveAgendaItem moves an item to position (1 is first, at most the number
// of items); the items between shift by one.
func (s *Service) MoveAgendaItem(ctx context.Context, itemID uuid.UUID, position int) (*AgendaItem, error) {
	meetingID, err := s.itemMeeting(ctx, itemID)
	if err != nil {
		return nil, err
	}
	_, err = s.changeAgenda(ctx, meetingID, "move", func(tx *db.Tx, _ *meetingTarget) (uuid.UUID, error) {
		var from, n int
		if err := tx.QueryRow(ctx, `select position, (select count(*) from dialogue_agenda_items where meeting_id = $2)
			from dialogue_agenda_items where id = $1`, itemID, meetingID).Scan(&from, &n); err != nil {
			return uuid.Nil, fmt.Errorf("move agenda item: %w", err)
		}
		if position < 1 || position > n {
			return uuid.Nil, errAgendaPosition.With(map[string]any{"max": n})
		}
		// The unique key is deferred: positions may collide until commit.
		_, err := tx.Exec(ctx, `update dialogue_agenda_items set position = case
				when id = $2 then $4
				when $3::int < $4::int and position > $3::int and position <= $4::int then position - 1
				when $3::int > $4::int and position >= $4::int and position < $3::int then position + 1
				else position end
			where meeting_id = $1`, meetingID, itemID, from, position)
		if err != nil {
			return uuid.Nil, fmt.Errorf("move agenda item: %w", err)
		}
		return itemID, nil
	})
	if err != nil {
		return nil, err
	}
	return s.agendaItem(ctx, itemID)
}

// AdoptAgendaTx marks meeting meetingID's agenda adopted in the caller's
// transaction: the hook of the vote that adopts it (the votes of a meeting
// decide and check; this only records). Adopting an adopted agenda changes
// nothing.
func (s *Service) AdoptAgendaTx(ctx context.Context, tx *db.Tx, meetingID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `insert into dialogue_agendas (meeting_id, status, adopted_at) values ($1, 'adopted', $2)
		on conflict (meeting_id) do update set status = 'adopted', adopted_at = $2 where dialogue_agendas.status = 'draft'`,
		meetingID, s.now()); err != nil {
		return fmt.Errorf("adopt agenda: %w", err)
	}
	return live.Publish(ctx, tx, MeetingTopic(meetingID), MeetingEvent{Type: "agenda_changed", MeetingID: meetingID})
}

// itemMeeting is the meeting of agenda item id, NOT_FOUND when there is
// none (visibility is checked on the meeting).
func (s *Service) itemMeeting(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	var meetingID uuid.UUID
	err := s.pool.QueryRow(ctx, `select meeting_id from dialogue_agenda_items where id = $1`, id).Scan(&meetingID)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, apperr.ErrNotFound
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("read agenda item: %w", err)
	}
	return meetingID, nil
}

const agendaColumns = `id, meeting_id, position, title_text_id, description_text_id, document_url, document_text_id,
	created_at, updated_at`

func scanAgendaItem(row pgx.Row) (*AgendaItem, error) {
	var i AgendaItem
	err := row.Scan(&i.ID, &i.MeetingID, &i.Position, &i.TitleTextID, &i.DescriptionTextID, &i.DocumentURL,
		&i.DocumentTextID, &i.CreatedAt, &i.UpdatedAt)
	return &i, err
}

// agendaItem reads item id as the caller may see it.
func (s *Service) agendaItem(ctx context.Context, id uuid.UUID) (*AgendaItem, error) {
	meetingID, err := s.itemMeeting(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.Agenda(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	for _, i := range a.Items {
		if i.ID == id {
			return i, nil
		}
	}
	return nil, apperr.ErrNotFound
}

// AgendaItem returns agenda item id if the caller may see its meeting.
func (s *Service) AgendaItem(ctx context.Context, id uuid.UUID) (*AgendaItem, error) {
	return s.agendaItem(ctx, id)
}

// Agenda returns the agenda of meeting meetingID as the caller may see it:
// documents only when DocumentsVisible.
func (s *Service) Agenda(ctx context.Context, meetingID uuid.UUID) (*Agenda, error) {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	docs, err := s.DocumentsVisible(ctx, m.body)
	if err != nil {
		return nil, err
	}
	a := &Agenda{}
	if a.Status, a.AdoptedAt, err = agendaStatus(ctx, s.pool, meetingID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+agendaColumns+` from dialogue_agenda_items where meeting_id = $1 order by position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("read agenda: %w", err)
	}
	a.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*AgendaItem, error) {
		i, err := scanAgendaItem(r)
		if err == nil && !docs {
			i.DocumentURL, i.DocumentTextID = "", nil
		}
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("read agenda: %w", err)
	}
	return a, nil
}

// DocumentsVisible says whether the caller sees body b's documents: when
// its rules make them public, whoever sees the body; otherwise its members
// now and its staff (who may manage its meetings).
func (s *Service) DocumentsVisible(ctx context.Context, b *Body) (bool, error) {
	if b.Rules.DocumentsPublic {
		return true, nil
	}
	if authz.SubjectFrom(ctx).Anonymous() {
		return false, nil
	}
	member, err := s.memberNow(ctx, s.pool, b.ID)
	if err != nil || member {
		return member, err
	}
	return authz.Can(ctx, ActManageMeeting, meetingObject(b, false, uuid.Nil)), nil
}
