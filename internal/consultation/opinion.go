package consultation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// ActRequestOpinion asks a dialogue body for its opinion on a consultation
// (policy.csv: the officials of the consultation's unit, coordinators and
// admins, who run it). The request itself is internal/dialogue's.
const ActRequestOpinion = "request_opinion"

// TakesOpinions reports whether dialogue bodies may be asked for, and give,
// their opinion on c now: while it is announced or open. After the close
// the record is closed with it: an opinion adopted later is not part of it.
func (c *Consultation) TakesOpinions() bool {
	return c.Status == StatusAnnounced || c.Status == StatusOpen
}

// Load reads consultation id without a visibility check, for another
// domain acting on it (a body's opinion), which decides who may see it
// (Object, ActRead). share locks it for share in the caller's transaction:
// its phase cannot change until that ends.
func Load(ctx context.Context, q db.Querier, id uuid.UUID, share bool) (*Consultation, error) {
	sql := `select ` + consultationColumns + ` from consultations c where c.id = $1`
	if share {
		sql += ` for share`
	}
	c, err := scanConsultation(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load consultation: %w", err)
	}
	return c, nil
}

// Officials are the accounts of the officials of c's unit (not deleted),
// who run it: told of what concerns it.
func Officials(ctx context.Context, q db.Querier, c *Consultation) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select g.account_id from role_grants g join accounts a on a.id = g.account_id
		where g.role = 'official' and g.domain = $1 and a.deleted_at is null order by g.account_id`,
		"org:"+c.UnitID.String())
	if err != nil {
		return nil, fmt.Errorf("unit officials: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("unit officials: %w", err)
	}
	return out, nil
}

// BodyOpinion is an opinion a dialogue body adopted on a consultation while
// it took opinions, as the consultation and its report show it. It is part
// of the consultation's public record, whoever may see the body: its name,
// the opinion's title and text in force, the date and the vote's totals —
// never the roll call.
type BodyOpinion struct {
	MotionID uuid.UUID `json:"motionId"`
	BodyID   uuid.UUID `json:"bodyId"`
	// Body, Title and Text are filled in the report's locale by Report.
	Body       string      `json:"body"`
	Title      string      `json:"title"`
	Text       string      `json:"text"`
	TextLocale i18n.Locale `json:"textLocale"`
	AdoptedAt  time.Time   `json:"adoptedAt"`
	// Requested: it answered the officials' request (due by DueAt, if
	// set); false: the body gave it unasked.
	Requested bool       `json:"requested"`
	DueAt     *time.Time `json:"dueAt"`
	// The vote's numbers at the close: voting members, present (in a
	// written vote those who voted), votes cast and the totals.
	Members int `json:"members"`
	Present int `json:"present"`
	Voters  int `json:"voters"`
	Yes     int `json:"yes"`
	No      int `json:"no"`
	Abstain int `json:"abstain"`

	RequestID                           *uuid.UUID `json:"-"`
	BodyNameTextID, TitleTextID, TextID uuid.UUID  `json:"-"`
}

// OpinionSource lists the opinions bodies gave on consultation id, oldest
// first, without checking who may see them (internal/dialogue keeps them).
type OpinionSource func(ctx context.Context, q db.Querier, id uuid.UUID) ([]BodyOpinion, error)

// SetOpinions sets where the bodies' opinions come from (the wiring gives
// internal/dialogue's); without it a consultation has none.
func (s *Service) SetOpinions(src OpinionSource) { s.opinions = src }

// BodyOpinions are the opinions bodies gave on consultation id, oldest
// first, to whoever may see it (NOT_FOUND otherwise); texts unresolved.
func (s *Service) BodyOpinions(ctx context.Context, id uuid.UUID) ([]BodyOpinion, error) {
	c, err := s.visible(ctx, s.pool, id, false)
	if err != nil {
		return nil, err
	}
	return s.bodyOpinions(ctx, s.pool, c.ID)
}

func (s *Service) bodyOpinions(ctx context.Context, q db.Querier, id uuid.UUID) ([]BodyOpinion, error) {
	if s.opinions == nil {
		return []BodyOpinion{}, nil
	}
	out, err := s.opinions(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []BodyOpinion{}
	}
	return out, nil
}

// writeOpinionsMarkdown adds the report's section of the bodies' opinions
// (none: no section).
func writeOpinionsMarkdown(b *strings.Builder, r *Report) {
	if len(r.BodyOpinions) == 0 {
		return
	}
	l := r.Locale
	t := func(key string, args map[string]any) string { return i18n.T(l, key, args) }
	fmt.Fprintf(b, "\n## %s\n", t("report.md.opinions", nil))
	for i, o := range r.BodyOpinions {
		fmt.Fprintf(b, "\n### %d. %s — %s\n\n", i+1, oneLine(o.Body), oneLine(o.Title))
		asked := t("report.md.opinion_unrequested", nil)
		if o.Requested {
			asked = t("report.md.opinion_requested", nil)
			if o.DueAt != nil {
				asked += " (" + t("report.md.opinion_due", map[string]any{"date": o.DueAt.In(Warsaw).Format("2006-01-02")}) + ")"
			}
		}
		fmt.Fprintf(b, "%s: %s · %s · %s\n\n", t("report.md.opinion_adopted", nil), o.AdoptedAt.In(Warsaw).Format("2006-01-02"),
			asked, t("report.md.opinion_votes", map[string]any{"yes": o.Yes, "no": o.No, "abstain": o.Abstain, "members": o.Members}))
		fmt.Fprintf(b, "%s\n", quote(o.Text))
	}
}
