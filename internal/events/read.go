package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

const eventCols = `e.id, e.organisation_id, o.name, e.title_text_id, e.description_text_id, e.accessibility_text_id, e.category,
	e.starts_at, e.ends_at, e.all_day, coalesce(e.place, ''), coalesce(e.online_url, ''), coalesce(e.url, ''), e.languages,
	e.status, e.sequence, e.submitted_by, e.created_at, e.updated_at, e.approved_at, e.reviewed_by, e.reviewed_at,
	coalesce(e.reject_reason, ''), e.cancelled_at, coalesce(e.cancel_reason, '')`

const eventFrom = ` from events e join organisations o on o.id = e.organisation_id`

func scanEvent(row pgx.Row) (*Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.OrganisationID, &e.OrganisationName, &e.TitleTextID, &e.DescriptionTextID, &e.AccessibilityTextID,
		&e.Category, &e.StartsAt, &e.EndsAt, &e.AllDay, &e.Place, &e.OnlineURL, &e.URL, &e.Languages, &e.Status, &e.Sequence,
		&e.SubmittedBy, &e.CreatedAt, &e.UpdatedAt, &e.ApprovedAt, &e.ReviewedBy, &e.ReviewedAt, &e.RejectReason, &e.CancelledAt,
		&e.CancelReason)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func load(ctx context.Context, q db.Querier, id uuid.UUID, lock bool) (*Event, error) {
	sql := `select ` + eventCols + eventFrom + ` where e.id = $1`
	if lock {
		sql += ` for update of e`
	}
	e, err := scanEvent(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load event: %w", err)
	}
	return e, nil
}

// Event is the event with id if the caller may see it (else NOT_FOUND).
func (s *Service) Event(ctx context.Context, id uuid.UUID) (*Event, error) {
	return authz.For(ctx, authz.Read, func() (*Event, authz.Object, bool, error) {
		e, err := load(ctx, s.pool, id, false)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return e, e.Object(), authz.Can(ctx, authz.Read, e.Object()), nil
	})
}

// Filter narrows Events. From and To select events that overlap
// [From, To); Language matches a tag and its subtags ("uk" finds "uk-UA").
type Filter struct {
	From           *time.Time
	To             *time.Time
	OrganisationID *uuid.UUID
	Language       string
	Category       string
	// Statuses narrows to these statuses (nil: every status the caller sees).
	Statuses []Status
}

const eventsList = "events"

// Cursor is e's position in Events.
func (e *Event) Cursor() string {
	return page.Cursor(eventsList, page.Key{At: e.StartsAt, ID: e.ID})
}

// visibleSQL filters the events the caller may see, from the grants Casbin
// reads: public ones; every one for staff ($1); the organiser's for its
// members ($2 the caller).
const visibleSQL = `(e.status = 'approved' or (e.status = 'cancelled' and e.approved_at is not null) or $1::boolean
	or e.organisation_id::text in (select substr(g.domain, 5) from authz_grants g
		where g.subject = 'user:' || $2::text and g.role = 'ngo_member' and g.domain like 'org:%'))`

// staff reports whether the caller reads every event (coordinators, admins).
func staff(ctx context.Context) bool {
	return authz.Can(ctx, authz.Read, authz.Object{Type: ObjectType, Attrs: map[string]string{"public": "false"}})
}

// Events lists the events the caller may see (public ones; the organiser's
// members and staff also see submitted, rejected and privately cancelled
// ones), by start then id.
func (s *Service) Events(ctx context.Context, f Filter, first int, after string) (page.Page[*Event], error) {
	if err := page.Check(first); err != nil {
		return page.Page[*Event]{}, err
	}
	var key page.Key
	hasAfter, err := page.After(eventsList, after, &key)
	if err != nil {
		return page.Page[*Event]{}, err
	}
	lang := ""
	if strings.TrimSpace(f.Language) != "" {
		c, ok := CanonicalLanguage(f.Language)
		if !ok {
			return page.Page[*Event]{}, apperr.Invalid("language", "events.language_invalid").With(map[string]any{"tag": f.Language})
		}
		lang = strings.ToLower(c)
	}
	var statuses []string
	for _, st := range f.Statuses {
		statuses = append(statuses, string(st))
	}
	where := visibleSQL + ` and ($3::timestamptz is null or e.ends_at > $3) and ($4::timestamptz is null or e.starts_at < $4)
		and ($5::uuid is null or e.organisation_id = $5) and ($6 = '' or e.category = $6)
		and ($7 = '' or exists (select 1 from unnest(e.languages) l where lower(l) = $7 or lower(l) like $7 || '-%'))
		and ($8::text[] is null or e.status = any($8))`
	args := []any{staff(ctx), authz.SubjectFrom(ctx).AccountID, f.From, f.To, f.OrganisationID, f.Category, lang, statuses}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from events e where `+where, args...).Scan(&total); err != nil {
		return page.Page[*Event]{}, fmt.Errorf("count events: %w", err)
	}
	if first == 0 {
		return page.Of[*Event](nil, 0, total), nil
	}
	var afterAt *time.Time
	var afterID *uuid.UUID
	if hasAfter {
		afterAt, afterID = &key.At, &key.ID
	}
	args = append(args, afterAt, afterID, first+1)
	rows, err := s.pool.Query(ctx, `select `+eventCols+eventFrom+` where `+where+
		` and ($9::timestamptz is null or (e.starts_at, e.id) > ($9, $10::uuid)) order by e.starts_at, e.id limit $11`, args...)
	if err != nil {
		return page.Page[*Event]{}, fmt.Errorf("list events: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Event, error) { return scanEvent(r) })
	if err != nil {
		return page.Page[*Event]{}, fmt.Errorf("list events: %w", err)
	}
	return page.Of(items, first, total), nil
}

const queueList = "event_review_queue"

// QueueCursor is e's position in ReviewQueue.
func (e *Event) QueueCursor() string {
	return page.Cursor(queueList, page.Key{At: e.CreatedAt, ID: e.ID})
}

// ReviewQueue lists the submitted events, the longest waiting first, for
// who reviews them (the coordinator, admins; others FORBIDDEN).
func (s *Service) ReviewQueue(ctx context.Context, first int, after string) (page.Page[*Event], error) {
	if err := authz.Require(ctx, ActReview, authz.Object{Type: ObjectType, Attrs: map[string]string{"public": "false"}}); err != nil {
		return page.Page[*Event]{}, err
	}
	if err := page.Check(first); err != nil {
		return page.Page[*Event]{}, err
	}
	var key page.Key
	hasAfter, err := page.After(queueList, after, &key)
	if err != nil {
		return page.Page[*Event]{}, err
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from events where status = 'submitted'`).Scan(&total); err != nil {
		return page.Page[*Event]{}, fmt.Errorf("count queue: %w", err)
	}
	if first == 0 {
		return page.Of[*Event](nil, 0, total), nil
	}
	var afterAt *time.Time
	var afterID *uuid.UUID
	if hasAfter {
		afterAt, afterID = &key.At, &key.ID
	}
	rows, err := s.pool.Query(ctx, `select `+eventCols+eventFrom+` where e.status = 'submitted'
		and ($1::timestamptz is null or (e.created_at, e.id) > ($1, $2::uuid)) order by e.created_at, e.id limit $3`,
		afterAt, afterID, first+1)
	if err != nil {
		return page.Page[*Event]{}, fmt.Errorf("list queue: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Event, error) { return scanEvent(r) })
	if err != nil {
		return page.Page[*Event]{}, fmt.Errorf("list queue: %w", err)
	}
	return page.Of(items, first, total), nil
}

// CountForYear counts the events of the calendar that are approved — not
// cancelled, not rejected, not awaiting review — and start in the calendar
// year `year` in Europe/Warsaw time (from 1 January 00:00 to 31 December
// 24:00, Warsaw), counting each event once however many days it lasts;
// when organisers is not nil, only events organised by one of those
// organisations. It reads the database as it is now: an event counts in
// the year of its current start, and one cancelled later no longer counts.
func CountForYear(ctx context.Context, q db.Querier, year int, organisers []uuid.UUID) (int, error) {
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, i18n.Warsaw)
	to := time.Date(year+1, time.January, 1, 0, 0, 0, 0, i18n.Warsaw)
	// pgx sends a nil slice as NULL (all organisers), an empty one as '{}' (none).
	var n int
	err := q.QueryRow(ctx, `select count(*) from events where status = 'approved' and starts_at >= $1 and starts_at < $2
		and ($3::uuid[] is null or organisation_id = any($3))`, from, to, organisers).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count events of %d: %w", year, err)
	}
	return n, nil
}
