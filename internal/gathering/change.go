package gathering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// target loads gathering id for act by the caller in tx, in authz.For's
// order: UNAUTHENTICATED for anonymous callers first, NOT_FOUND when there
// is no gathering of this kind or the caller may not see its owner,
// FORBIDDEN when they may not act. Locks are taken in one order everywhere:
// the owner (by the hook), then the gathering row, which serialises every
// change of its registrations. The gathering is re-read after the lock, so
// its counts are current. Every change needs a signed-in caller, even one
// checked only as ActRead (withdrawing one's own registration).
func (s *Service) target(ctx context.Context, tx pgx.Tx, id uuid.UUID, act Act) (*Gathering, *Owner, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, nil, apperr.ErrUnauthenticated
	}
	o, err := s.owner(ctx, tx, act, id, func() (uuid.UUID, error) {
		var ownerID uuid.UUID
		err := tx.QueryRow(ctx, `select owner_id from gatherings where id = $1 and kind = $2`, id, s.cfg.Kind).Scan(&ownerID)
		if errors.Is(err, pgx.ErrNoRows) {
			return uuid.Nil, apperr.ErrNotFound
		}
		if err != nil {
			return uuid.Nil, fmt.Errorf("load gathering: %w", err)
		}
		return ownerID, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, `select 1 from gatherings where id = $1 for update`, id); err != nil {
		return nil, nil, fmt.Errorf("lock gathering: %w", err)
	}
	g, err := s.load(ctx, tx, id, authz.SubjectFrom(ctx).AccountID)
	if err != nil {
		return nil, nil, err
	}
	return g, o, nil
}

// owner decides act on gathering (uuid.Nil when creating one) by the
// caller with authz.For: ownerOf finds the owner's id (after the anonymous
// caller is refused), the owner hook locks and describes the owner.
func (s *Service) owner(ctx context.Context, tx pgx.Tx, act Act, gathering uuid.UUID, ownerOf func() (uuid.UUID, error)) (*Owner, error) {
	return authz.For(ctx, string(act), func() (*Owner, authz.Object, bool, error) {
		ownerID, err := ownerOf()
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		o, err := s.cfg.Owner(ctx, tx, ownerID, gathering, act)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return o, o.Object, o.Visible, nil
	})
}

// change runs f on gathering id in a transaction for act and then calls the
// Changed hook.
func (s *Service) change(ctx context.Context, id uuid.UUID, act Act, f func(tx *db.Tx, g *Gathering, o *Owner) error) error {
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		g, o, err := s.target(ctx, tx, id, act)
		if err != nil {
			return err
		}
		if err := f(tx, g, o); err != nil {
			return err
		}
		return s.changed(ctx, tx, g)
	})
}

func (s *Service) changed(ctx context.Context, tx pgx.Tx, g *Gathering) error {
	if s.cfg.Changed == nil {
		return nil
	}
	return s.cfg.Changed(ctx, tx, g)
}

// open refuses a change of g once it is cancelled or has started.
func (s *Service) open(g *Gathering) error {
	if g.CancelledAt != nil {
		return s.cfg.Errors.Cancelled
	}
	if !s.now().Before(g.StartsAt) {
		return s.cfg.Errors.Started
	}
	return nil
}

// validate checks in with the domain's rules and then the shared ones.
func (s *Service) validate(in Input) (Input, error) {
	in, err := s.cfg.Validate(in)
	if err != nil {
		return in, err
	}
	e := s.cfg.Errors
	if in.StartsAt.IsZero() || !in.StartsAt.After(s.now()) {
		return in, e.StartsInPast
	}
	if !in.EndsAt.After(in.StartsAt) {
		return in, e.EndsBeforeStart
	}
	langs := []string{}
	for _, l := range in.Languages {
		if !i18n.Locale(l).Valid() {
			return in, e.Languages.With(map[string]any{"language": l})
		}
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return in, e.Languages.With(map[string]any{"language": ""})
	}
	in.Languages = langs
	if in.Capacity != nil && (*in.Capacity < 1 || *in.Capacity > MaxCapacity) {
		return in, e.Capacity.With(map[string]any{"max": MaxCapacity})
	}
	return in, nil
}

// text returns id when t is already its newest original version, nil for an
// empty body, else a new text of o's domains.
func (s *Service) text(ctx context.Context, tx pgx.Tx, id *uuid.UUID, t i18n.Input, o *Owner) (*uuid.UUID, error) {
	if t.Text == "" {
		return nil, nil
	}
	if id != nil {
		var locale, body string
		err := tx.QueryRow(ctx, `select locale, body from text_versions where text_id = $1 and is_original
			order by created_at desc limit 1`, *id).Scan(&locale, &body)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("read text: %w", err)
		}
		if err == nil && locale == string(t.Locale) && body == t.Text {
			return id, nil
		}
	}
	nid, err := i18n.CreateText(ctx, tx, t.Locale, t.Text, authz.SubjectFrom(ctx).AccountID, o.TextDomains)
	if err != nil {
		return nil, err
	}
	return &nid, nil
}

func (s *Service) audit(ctx context.Context, tx pgx.Tx, g *Gathering, action, reason string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data[s.cfg.Names.OwnerKey] = g.OwnerID.String()
	return audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: s.cfg.Names.Action + action,
		ObjectType: s.cfg.Names.Object, ObjectID: g.ID.String(), Reason: reason, Data: data})
}

// Create adds a gathering to owner (ActManage, while the owner is not
// Closed) and schedules its reminder.
func (s *Service) Create(ctx context.Context, owner uuid.UUID, in Input) (*Gathering, error) {
	g := &Gathering{ID: uuid.New(), OwnerID: owner}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		o, err := s.owner(ctx, tx, ActManage, uuid.Nil, func() (uuid.UUID, error) { return owner, nil })
		if err != nil {
			return err
		}
		if o.Closed != nil {
			return o.Closed
		}
		if in, err = s.validate(in); err != nil {
			return err
		}
		title, err := s.text(ctx, tx, nil, in.Title, o)
		if err != nil {
			return err
		}
		desc, err := s.text(ctx, tx, nil, in.Description, o)
		if err != nil {
			return err
		}
		createdBy := authz.SubjectFrom(ctx).AccountID // never anonymous here
		if _, err := tx.Exec(ctx, `insert into gatherings (id, kind, owner_id, format, title_text_id, description_text_id,
				starts_at, ends_at, place, online_url, online, languages, capacity, created_by)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			g.ID, s.cfg.Kind, owner, in.Format, title, desc, in.StartsAt, in.EndsAt, in.Place, in.OnlineURL, in.Online,
			in.Languages, in.Capacity, createdBy); err != nil {
			return fmt.Errorf("insert gathering: %w", err)
		}
		if err := s.scheduleReminder(ctx, tx, g.ID, in.StartsAt); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, g, "create", "", nil); err != nil {
			return err
		}
		return s.changed(ctx, tx, g)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, g.ID)
}

// Update replaces a gathering's details (every field of in) before it
// starts, while its owner is not Closed. Texts become new texts only when
// they changed. A new start schedules a new reminder (the old one finds the
// time changed and does nothing); a new time or place is told to everyone
// registered or waiting; more seats promote people from the waiting list;
// fewer seats than are taken is the domain's CapacityBelowRegistered.
func (s *Service) Update(ctx context.Context, id uuid.UUID, in Input) (*Gathering, error) {
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, o *Owner) error {
		if err := s.open(g); err != nil {
			return err
		}
		if o.Closed != nil {
			return o.Closed
		}
		in, err := s.validate(in)
		if err != nil {
			return err
		}
		if in.Capacity != nil && *in.Capacity < g.Registered {
			return s.cfg.Errors.CapacityBelowRegistered.With(map[string]any{"registered": g.Registered})
		}
		title, err := s.text(ctx, tx, &g.TitleTextID, in.Title, o)
		if err != nil {
			return err
		}
		desc, err := s.text(ctx, tx, g.DescriptionTextID, in.Description, o)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update gatherings set format = $2, title_text_id = $3, description_text_id = $4,
				starts_at = $5, ends_at = $6, place = $7, online_url = $8, online = $9, languages = $10, capacity = $11,
				updated_at = now()
			where id = $1`, g.ID, in.Format, title, desc, in.StartsAt, in.EndsAt, in.Place, in.OnlineURL, in.Online,
			in.Languages, in.Capacity); err != nil {
			return fmt.Errorf("update gathering: %w", err)
		}
		if !sameTime(g.StartsAt, in.StartsAt) {
			if err := s.scheduleReminder(ctx, tx, g.ID, in.StartsAt); err != nil {
				return err
			}
		}
		moved := !sameTime(g.StartsAt, in.StartsAt) || !sameTime(g.EndsAt, in.EndsAt) ||
			g.Place != in.Place || g.OnlineURL != in.OnlineURL || g.Online != in.Online
		g.Format, g.TitleTextID, g.DescriptionTextID = in.Format, *title, desc
		g.StartsAt, g.EndsAt, g.Place, g.OnlineURL, g.Online = in.StartsAt, in.EndsAt, in.Place, in.OnlineURL, in.Online
		g.Languages, g.Capacity = in.Languages, in.Capacity
		if moved {
			data := s.data(g)
			if _, err := s.tellPeople(ctx, tx, g, s.cfg.Notices.Moved, data, data["starts_at"]+":"+data["where"]); err != nil {
				return err
			}
		}
		if err := s.promote(ctx, tx, g); err != nil {
			return err
		}
		return s.audit(ctx, tx, g, "update", "", map[string]any{"moved": moved})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Cancel cancels a gathering before it starts, with a public reason of at
// least MinReasonRunes, and tells everyone registered or waiting, once.
func (s *Service) Cancel(ctx context.Context, id uuid.UUID, reason string) (*Gathering, error) {
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if err := s.open(g); err != nil {
			return err
		}
		reason = strings.TrimSpace(reason)
		if utf8.RuneCountInString(reason) < MinReasonRunes {
			return s.cfg.Errors.ReasonRequired.With(map[string]any{"min": MinReasonRunes})
		}
		return s.cancel(ctx, tx, g, reason)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// CancelTx is Cancel in the domain's transaction tx, without asking the
// owner hook: the domain has decided (e.g. its body is dissolved, with the
// reason given then, which may be shorter than MinReasonRunes but not
// empty). Lock the owner first; the gathering row is locked here. A
// gathering cancelled already or started is the domain's Cancelled or
// Started, as for Cancel.
func (s *Service) CancelTx(ctx context.Context, tx pgx.Tx, id uuid.UUID, reason string) error {
	tag, err := tx.Exec(ctx, `select 1 from gatherings where id = $1 and kind = $2 for update`, id, s.cfg.Kind)
	if err != nil {
		return fmt.Errorf("lock gathering: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	g, err := s.load(ctx, tx, id, uuid.Nil)
	if err != nil {
		return err
	}
	if err := s.open(g); err != nil {
		return err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return s.cfg.Errors.ReasonRequired.With(map[string]any{"min": MinReasonRunes})
	}
	if err := s.cancel(ctx, tx, g, reason); err != nil {
		return err
	}
	return s.changed(ctx, tx, g)
}

// cancel cancels g, locked in tx, tells its people and audits.
func (s *Service) cancel(ctx context.Context, tx pgx.Tx, g *Gathering, reason string) error {
	now := s.now()
	if _, err := tx.Exec(ctx, `update gatherings set cancelled_at = $2, cancel_reason = $3, updated_at = now()
		where id = $1`, g.ID, now, reason); err != nil {
		return fmt.Errorf("cancel gathering: %w", err)
	}
	g.CancelledAt, g.CancelReason = &now, reason
	data := s.data(g)
	data["reason"] = reason
	told, err := s.tellPeople(ctx, tx, g, s.cfg.Notices.Cancelled, data, "")
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, g, "cancel", reason, map[string]any{"notified": told})
}

// sameTime compares times as PostgreSQL stores them (microseconds).
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}
