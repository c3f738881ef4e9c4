package ambassador

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Status of an edition: a draft, seen and edited by staff only, until its
// call is published; then public and fixed.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
)

// Phase is where an edition stands.
type Phase string

const (
	PhaseDraft        Phase = "draft"         // not published
	PhaseUpcoming     Phase = "upcoming"      // published, nominations not open yet
	PhaseNominations  Phase = "nominations"   // nominations are taken
	PhaseFormalCheck  Phase = "formal_check"  // staff check nominations; consent still possible
	PhaseScoring      Phase = "scoring"       // the jury scores
	PhaseDecision     Phase = "decision"      // the jury decides
	PhaseAudienceVote Phase = "audience_vote" // the optional audience vote
	PhaseAnnouncement Phase = "announcement"  // waiting for, or past, the announcement
	defaultTitles           = 2
	defaultScaleMin         = 0
	defaultScaleMax         = 10
	maxCriteria             = 10
	minYear, maxYear        = 2000, 2200
)

// Category kinds: the two categories of every edition.
const (
	CategoryOrganisation = "organisation"
	CategoryIndividual   = "individual"
)

// Schedule is an edition's timetable; each phase ends where the next begins.
type Schedule struct {
	NominationsOpen  time.Time
	NominationsClose time.Time
	CheckClose       time.Time
	ScoringClose     time.Time
	DecisionClose    time.Time
	// AudienceClose is set when the edition has an audience vote (from
	// DecisionClose to AudienceClose).
	AudienceClose *time.Time
	AnnounceAt    time.Time
}

func (sc Schedule) valid() error {
	order := []time.Time{sc.NominationsOpen, sc.NominationsClose, sc.CheckClose, sc.ScoringClose, sc.DecisionClose}
	if sc.AudienceClose != nil {
		order = append(order, *sc.AudienceClose)
	}
	for i := 1; i < len(order); i++ {
		if !order[i].After(order[i-1]) {
			return errSchedule
		}
	}
	if sc.AnnounceAt.Before(order[len(order)-1]) {
		return errSchedule
	}
	return nil
}

// due is the phase a published schedule gives at t (the phase an edition
// takes when it is published).
func (sc Schedule) due(t time.Time) Phase {
	p := PhaseUpcoming
	for next := sc.next(p); next != "" && !t.Before(*sc.start(next)); next = sc.next(p) {
		p = next
	}
	return p
}

// Category is one of an edition's two categories and how many titles it
// gives.
type Category struct {
	ID     uuid.UUID
	Kind   string
	Titles int
}

// Criterion is one scoring criterion: a name, a weight, a scale.
type Criterion struct {
	ID         uuid.UUID
	Position   int
	Code       string // "length", "results", "innovation", "variety" for the defaults; "" for others
	NameTextID uuid.UUID
	Weight     int
	ScaleMin   int
	ScaleMax   int
}

// Edition is one year's title.
type Edition struct {
	ID     uuid.UUID
	Year   int
	Status Status
	// Phase is the stored phase (internal/phase): moved at the schedule's
	// times by River jobs, or earlier by a coordinator's hand.
	Phase       Phase
	CallTextID  *uuid.UUID
	Schedule    Schedule
	JuryChairID *uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	// AnnouncedAt is when the laureates were published (nil before).
	AnnouncedAt *time.Time
}

func (e *Edition) object() authz.Object {
	return authz.Object{Type: EditionType, ID: e.ID.String(), Domains: []string{Domain(e.ID)},
		Attrs: map[string]string{"status": string(e.Status)}}
}

// Errors a caller can hit.
var (
	errSchedule      = apperr.Invalid("schedule", "ambassador.schedule_invalid")
	errYear          = apperr.Invalid("year", "ambassador.year_invalid")
	errYearTaken     = apperr.New(apperr.Conflict, "ambassador.year_taken")
	errTitles        = apperr.Invalid("titles", "ambassador.titles_invalid")
	errCriteria      = apperr.Invalid("criteria", "ambassador.criteria_invalid")
	errCallLanguages = apperr.Invalid("call", "ambassador.call_languages")
	errCallLocale    = apperr.Invalid("call", "ambassador.call_locale_twice")
	errPublished     = apperr.New(apperr.PhaseClosed, "ambassador.edition_published")
	keyTextRequired  = "ambassador.text_required"
	keyCriterionName = "ambassador.criterion_name_required"
	// defaultCriteria are the codes of a new edition's criteria; their names
	// are in the locale files, under "label.ambassador.criterion.<code>".
	defaultCriteria = []string{"length", "results", "innovation", "variety"}
)

// CriterionInput is a criterion of a new or changed edition.
type CriterionInput struct {
	Name     i18n.Input
	Weight   int
	ScaleMin int
	ScaleMax int
}

// CreateInput is a new edition. Titles per category default to 2; without
// criteria the four of the rules apply, each of weight 1 on 0–10. Call is
// the call for nominations, one input per language (optional until
// publication).
type CreateInput struct {
	Year               int
	Schedule           Schedule
	OrganisationTitles int
	IndividualTitles   int
	Criteria           []CriterionInput
	Call               []i18n.Input
}

// UpdateInput changes a draft edition; nil fields stay.
type UpdateInput struct {
	Schedule           *Schedule
	OrganisationTitles *int
	IndividualTitles   *int
	Criteria           []CriterionInput // nil: unchanged; replaces them all
	Call               []i18n.Input     // nil: unchanged
	// PublishJurorNames: whether the score table published at the
	// announcement names the jurors; the one setting a published edition
	// still takes, until the announcement.
	PublishJurorNames *bool
}

// onlyJurorNames: the update changes nothing but PublishJurorNames.
func (in UpdateInput) onlyJurorNames() bool {
	return in.PublishJurorNames != nil && in.Schedule == nil && in.OrganisationTitles == nil && in.IndividualTitles == nil &&
		in.Criteria == nil && in.Call == nil
}

func checkTitles(n int) error {
	if n < 1 || n > 20 {
		return errTitles
	}
	return nil
}

func checkCriteria(cs []CriterionInput) error {
	if len(cs) == 0 || len(cs) > maxCriteria {
		return errCriteria
	}
	for _, c := range cs {
		if err := c.Name.Check("criteria", keyCriterionName); err != nil {
			return err
		}
		if c.Weight < 1 || c.Weight > 100 || c.ScaleMin < 0 || c.ScaleMax <= c.ScaleMin || c.ScaleMax > 100 {
			return errCriteria
		}
	}
	return nil
}

func checkCall(call []i18n.Input) error {
	seen := map[i18n.Locale]bool{}
	for _, in := range call {
		if err := in.Check("call", keyTextRequired); err != nil {
			return err
		}
		if seen[in.Locale] {
			return errCallLocale
		}
		seen[in.Locale] = true
	}
	return nil
}

// CreateEdition opens an edition as a draft ("create": coordinators,
// admins). Audited.
func (s *Service) CreateEdition(ctx context.Context, in CreateInput) (*Edition, error) {
	if err := authz.Require(ctx, ActCreate, authz.Object{Type: EditionType}); err != nil {
		return nil, err
	}
	if in.Year < minYear || in.Year > maxYear {
		return nil, errYear
	}
	if err := in.Schedule.valid(); err != nil {
		return nil, err
	}
	if in.OrganisationTitles == 0 {
		in.OrganisationTitles = defaultTitles
	}
	if in.IndividualTitles == 0 {
		in.IndividualTitles = defaultTitles
	}
	if err := checkTitles(in.OrganisationTitles); err != nil {
		return nil, err
	}
	if err := checkTitles(in.IndividualTitles); err != nil {
		return nil, err
	}
	if in.Criteria != nil {
		if err := checkCriteria(in.Criteria); err != nil {
			return nil, err
		}
	}
	if err := checkCall(in.Call); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	now := s.now()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		sc := in.Schedule
		_, err := tx.Exec(ctx, `insert into ambassador_editions (id, year, nominations_open, nominations_close, check_close,
				scoring_close, decision_close, audience_vote, audience_close, announce_at, created_by, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			id, in.Year, sc.NominationsOpen, sc.NominationsClose, sc.CheckClose, sc.ScoringClose, sc.DecisionClose,
			sc.AudienceClose != nil, sc.AudienceClose, sc.AnnounceAt, actor, now)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return errYearTaken
		}
		if err != nil {
			return fmt.Errorf("insert edition: %w", err)
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_categories (edition_id, kind, titles) values ($1, $2, $3), ($1, $4, $5)`,
			id, CategoryOrganisation, in.OrganisationTitles, CategoryIndividual, in.IndividualTitles); err != nil {
			return fmt.Errorf("insert categories: %w", err)
		}
		if err := s.writeCriteria(ctx, tx, id, in.Criteria, actor); err != nil {
			return err
		}
		if err := writeCall(ctx, tx, id, in.Call, actor); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_create", ObjectType: EditionType,
			ObjectID: id.String(), Data: map[string]any{"year": in.Year}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, id)
}

// writeCriteria replaces an edition's criteria (the defaults when cs is nil).
func (s *Service) writeCriteria(ctx context.Context, tx *db.Tx, edition uuid.UUID, cs []CriterionInput, actor uuid.UUID) error {
	if _, err := tx.Exec(ctx, `delete from ambassador_criteria where edition_id = $1`, edition); err != nil {
		return fmt.Errorf("delete criteria: %w", err)
	}
	domains := []string{Domain(edition)}
	if cs == nil {
		for i, code := range defaultCriteria {
			name := func(l i18n.Locale) string { return i18n.T(l, "label.ambassador.criterion."+code, nil) }
			textID, err := i18n.CreateText(ctx, tx, i18n.PL, name(i18n.PL), actor, domains)
			if err != nil {
				return err
			}
			for _, l := range i18n.All[1:] {
				if _, err := i18n.AddVersion(ctx, tx, textID, l, name(l), actor, i18n.SourceHuman); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `insert into ambassador_criteria (edition_id, position, code, name_text_id, weight, scale_min, scale_max)
				values ($1, $2, $3, $4, 1, $5, $6)`, edition, i+1, code, textID, defaultScaleMin, defaultScaleMax); err != nil {
				return fmt.Errorf("insert criterion: %w", err)
			}
		}
		return nil
	}
	for i, c := range cs {
		textID, err := i18n.CreateText(ctx, tx, c.Name.Locale, strings.TrimSpace(c.Name.Text), actor, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_criteria (edition_id, position, name_text_id, weight, scale_min, scale_max)
			values ($1, $2, $3, $4, $5, $6)`, edition, i+1, textID, c.Weight, c.ScaleMin, c.ScaleMax); err != nil {
			return fmt.Errorf("insert criterion: %w", err)
		}
	}
	return nil
}

// writeCall stores the call as one text: the first input is the original,
// the others its versions (each credited to the editor).
func writeCall(ctx context.Context, tx *db.Tx, edition uuid.UUID, call []i18n.Input, actor uuid.UUID) error {
	if len(call) == 0 {
		return nil
	}
	textID, err := i18n.CreateText(ctx, tx, call[0].Locale, strings.TrimSpace(call[0].Text), actor, []string{Domain(edition)})
	if err != nil {
		return err
	}
	for _, in := range call[1:] {
		if _, err := i18n.AddVersion(ctx, tx, textID, in.Locale, strings.TrimSpace(in.Text), actor, i18n.SourceHuman); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `update ambassador_editions set call_text_id = $2 where id = $1`, edition, textID)
	return err
}

// UpdateEdition changes a draft edition ("manage"); a published one is
// PHASE_CLOSED. Audited with what changed.
func (s *Service) UpdateEdition(ctx context.Context, id uuid.UUID, in UpdateInput) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			if in.onlyJurorNames() {
				return setJurorNames(ctx, tx, e, *in.PublishJurorNames, actor)
			}
			return errPublished
		}
		var changed []string
		if in.PublishJurorNames != nil {
			if err := setJurorNames(ctx, tx, e, *in.PublishJurorNames, actor); err != nil {
				return err
			}
			changed = append(changed, "publish_juror_names")
		}
		if in.Schedule != nil {
			if err := in.Schedule.valid(); err != nil {
				return err
			}
			sc := *in.Schedule
			if _, err := tx.Exec(ctx, `update ambassador_editions set nominations_open = $2, nominations_close = $3, check_close = $4,
					scoring_close = $5, decision_close = $6, audience_vote = $7, audience_close = $8, announce_at = $9 where id = $1`,
				id, sc.NominationsOpen, sc.NominationsClose, sc.CheckClose, sc.ScoringClose, sc.DecisionClose,
				sc.AudienceClose != nil, sc.AudienceClose, sc.AnnounceAt); err != nil {
				return fmt.Errorf("update schedule: %w", err)
			}
			changed = append(changed, "schedule")
		}
		for kind, n := range map[string]*int{CategoryOrganisation: in.OrganisationTitles, CategoryIndividual: in.IndividualTitles} {
			if n == nil {
				continue
			}
			if err := checkTitles(*n); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `update ambassador_categories set titles = $3 where edition_id = $1 and kind = $2`, id, kind, *n); err != nil {
				return fmt.Errorf("update titles: %w", err)
			}
			changed = append(changed, "titles_"+kind)
		}
		if in.Criteria != nil {
			if err := checkCriteria(in.Criteria); err != nil {
				return err
			}
			if err := s.writeCriteria(ctx, tx, id, in.Criteria, actor); err != nil {
				return err
			}
			changed = append(changed, "criteria")
		}
		if in.Call != nil {
			if err := checkCall(in.Call); err != nil {
				return err
			}
			if len(in.Call) == 0 {
				if _, err := tx.Exec(ctx, `update ambassador_editions set call_text_id = null where id = $1`, id); err != nil {
					return err
				}
			} else if err := writeCall(ctx, tx, id, in.Call, actor); err != nil {
				return err
			}
			changed = append(changed, "call")
		}
		if _, err := tx.Exec(ctx, `update ambassador_editions set updated_at = $2 where id = $1`, id, s.now()); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_update", ObjectType: EditionType,
			ObjectID: id.String(), Data: map[string]any{"changed": changed}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, id)
}

// PublishEdition publishes a draft's call ("manage"): the call must have a
// version in each of the four languages, and nominations must not have
// closed already. Publishing twice is PHASE_CLOSED. The edition takes the
// phase its schedule gives now (upcoming or nominations) and the later
// moves are scheduled as River jobs at the schedule's times. Audited.
func (s *Service) PublishEdition(ctx context.Context, id uuid.UUID) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return errPublished
		}
		if e.CallTextID == nil {
			return errCallLanguages
		}
		texts, err := i18n.Load(ctx, tx, []uuid.UUID{*e.CallTextID})
		if err != nil {
			return err
		}
		for _, l := range i18n.All {
			if _, ok := texts[*e.CallTextID].Current[l]; !ok {
				return errCallLanguages
			}
		}
		if !s.now().Before(e.Schedule.NominationsClose) {
			return errSchedule
		}
		// The phase the schedule gives now, and the moves that follow at
		// their times.
		to := e.Schedule.due(s.now())
		if err := phases.Record(ctx, tx, id, string(e.Phase), string(to), "", actor); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update ambassador_editions set status = 'published', phase = $4, published_at = $2,
			published_by = $3, updated_at = $2 where id = $1`, id, s.now(), actor, string(to)); err != nil {
			return fmt.Errorf("publish edition: %w", err)
		}
		if err := s.scheduleFrom(ctx, tx, e, to); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_publish", ObjectType: EditionType,
			ObjectID: id.String(), Data: map[string]any{"year": e.Year}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, id)
}

const editionCols = `id, year, status, call_text_id, nominations_open, nominations_close, check_close, scoring_close,
	decision_close, audience_close, announce_at, jury_chair_id, created_at, updated_at, published_at, phase, announced_at`

func scanEdition(row pgx.Row) (*Edition, error) {
	var e Edition
	sc := &e.Schedule
	err := row.Scan(&e.ID, &e.Year, &e.Status, &e.CallTextID, &sc.NominationsOpen, &sc.NominationsClose, &sc.CheckClose,
		&sc.ScoringClose, &sc.DecisionClose, &sc.AudienceClose, &sc.AnnounceAt, &e.JuryChairID, &e.CreatedAt, &e.UpdatedAt,
		&e.PublishedAt, &e.Phase, &e.AnnouncedAt)
	return &e, err
}

func (s *Service) loadEdition(ctx context.Context, q db.Querier, id uuid.UUID) (*Edition, error) {
	e, err := scanEdition(q.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load edition: %w", err)
	}
	return e, nil
}

// editionFor loads an edition for act in authz.For's order (locked for
// update inside a transaction).
func (s *Service) editionFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Edition, error) {
	return authz.For(ctx, act, func() (*Edition, authz.Object, bool, error) {
		e, err := scanEdition(tx.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1 for update`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load edition: %w", err)
		}
		return e, e.object(), authz.Can(ctx, authz.Read, e.object()), nil
	})
}

// Edition returns an edition the caller may see: published ones to
// everyone, drafts to staff and the edition's jurors; else NOT_FOUND.
func (s *Service) Edition(ctx context.Context, id uuid.UUID) (*Edition, error) {
	e, err := s.loadEdition(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, authz.Read, e.object()) {
		return nil, apperr.ErrNotFound
	}
	return e, nil
}

// EditionKey orders editions, newest year first.
type EditionKey struct {
	Year int       `json:"y"`
	ID   uuid.UUID `json:"i"`
}

// Valid makes EditionKey a page key.
func (k EditionKey) Valid() bool { return k.ID != uuid.Nil }

// editionsList names the editions list's cursors.
const editionsList = "ambassador_editions"

// Cursor is e's cursor in Editions.
func (e *Edition) Cursor() string {
	return page.Cursor(editionsList, EditionKey{Year: e.Year, ID: e.ID})
}

// Editions lists the editions the caller may see, newest year first:
// published ones, and drafts for who may read them (staff, and jurors of
// that edition).
func (s *Service) Editions(ctx context.Context, first int, after string) (page.Page[*Edition], error) {
	if err := page.Check(first); err != nil {
		return page.Page[*Edition]{}, err
	}
	var key EditionKey
	hasAfter, err := page.After(editionsList, after, &key)
	if err != nil {
		return page.Page[*Edition]{}, err
	}
	staff := authz.Can(ctx, authz.Read, authz.Object{Type: EditionType, Attrs: map[string]string{"status": string(StatusDraft)}})
	subj := authz.SubjectFrom(ctx)
	// Drafts: all for staff; a juror's own editions (the same grants Casbin reads).
	filter := `(status <> 'draft' or $1 or id::text in (select substr(domain, 12) from authz_grants
		where subject = 'user:' || $2::text and role = 'juror' and domain like 'ambassador:%'))`
	args := []any{staff, subj.AccountID}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from ambassador_editions where `+filter, args...).Scan(&total); err != nil {
		return page.Page[*Edition]{}, fmt.Errorf("count editions: %w", err)
	}
	if first == 0 {
		return page.Of[*Edition](nil, 0, total), nil
	}
	var afterYear *int
	var afterID *uuid.UUID
	if hasAfter {
		afterYear, afterID = &key.Year, &key.ID
	}
	q := `select ` + editionCols + ` from ambassador_editions where ` + filter +
		` and ($3::int is null or (year, id) < ($3, $4::uuid)) order by year desc, id desc limit $5`
	args = append(args, afterYear, afterID, first+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return page.Page[*Edition]{}, fmt.Errorf("list editions: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Edition, error) { return scanEdition(r) })
	if err != nil {
		return page.Page[*Edition]{}, fmt.Errorf("list editions: %w", err)
	}
	return page.Of(items, first, total), nil
}

// Categories are an edition's categories, organisations first.
func (s *Service) Categories(ctx context.Context, edition uuid.UUID) ([]Category, error) {
	m, err := s.CategoriesOf(ctx, []uuid.UUID{edition})
	return m[edition], err
}

// Criteria are an edition's criteria in order.
func (s *Service) Criteria(ctx context.Context, edition uuid.UUID) ([]Criterion, error) {
	m, err := s.CriteriaOf(ctx, []uuid.UUID{edition})
	return m[edition], err
}

// Staff reports whether the caller manages e (coordinators, admins).
func (s *Service) Staff(ctx context.Context, e *Edition) bool {
	return authz.Can(ctx, ActManage, e.object())
}

// YearOf is an edition's year (for the consent page: the link is the proof).
func (s *Service) YearOf(ctx context.Context, id uuid.UUID) (int, error) {
	e, err := s.loadEdition(ctx, s.pool, id)
	if err != nil {
		return 0, err
	}
	return e.Year, nil
}
