// Package programme is the programme's results declaration (Open Kraków
// 2024–2028's "Deklaracja wyników"): a programme with its indicators, each
// with a baseline, a target and a value per year, and each value's status.
//
// An indicator is either entered — an official of the indicator's unit (or
// the coordinator) enters a year's value with a source note, every entry
// audited with the value it replaced — or computed from the platform's own
// data by one of the methods of compute.go, which says how it computed it.
// The civic-budget share comes from the voluntary participation survey and
// obeys its k ≥ 10 rule: it is published only where the survey's own
// report publishes it, with the respondents, the response rate and a 95 %
// confidence interval.
//
// Status: a value meets its target or not; before the year is over (or,
// for a target to be reached by a later year, before that year is over) a
// value that does not meet it yet is "not yet known", and so is a value
// nobody has entered or that is withheld.
//
// Who may: anyone reads a programme and its results (they are reported to
// the City Council); the coordinator and admins create programmes and
// define indicators; officials of an indicator's unit, the coordinator and
// admins enter its values; who enters or runs a programme may watch its
// results live.
package programme

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// Object types and actions of the policy.
const (
	ProgrammeType = "programme"
	IndicatorType = "programme_indicator"

	ActRead   = "read"
	ActManage = "manage"
	ActEnter  = "enter_value"
	ActWatch  = "watch"
)

// Topic is the live layer's topic on which the indicators' sources change
// (the database's triggers publish on it, migration 037).
const Topic = "programme"

// Methods of an indicator: entered, or computed from the platform.
const (
	MethodEntered               = "entered"
	MethodConsultationMeetings  = "consultation_meetings"
	MethodAmbassadorNominations = "ambassador_nominations"
	MethodTranslatedProcedures  = "translated_procedures"
	MethodEvents                = "events"
	MethodBodyMeetings          = "body_meetings"
	MethodBudgetShare           = "budget_share"
)

// Methods are every method, entered first.
var Methods = []string{MethodEntered, MethodConsultationMeetings, MethodAmbassadorNominations, MethodTranslatedProcedures,
	MethodEvents, MethodBodyMeetings, MethodBudgetShare}

// Units of a value.
const (
	UnitCount   = "count"
	UnitPersons = "persons"
	UnitPercent = "percent"
)

// Comparisons of a value with its target.
const (
	AtLeast = "at_least"
	AtMost  = "at_most"
)

// Scopes of a target: every year's value, or a value to reach by a year.
const (
	EachYear = "each_year"
	ByYear   = "by_year"
)

// Statuses of a year's value.
const (
	StatusMet         = "met"
	StatusNotMet      = "not_met"
	StatusNotYetKnown = "not_yet_known"
)

// Programme is a programme whose results are declared.
type Programme struct {
	ID                  uuid.UUID
	Slug                string
	NameTextID          uuid.UUID
	FirstYear, LastYear int
	CreatedAt           time.Time
	// UnitIDs are the units of its indicators (who enters values there
	// may watch its results).
	UnitIDs []uuid.UUID
}

func (p *Programme) object() authz.Object {
	o := authz.Object{Type: ProgrammeType, ID: p.ID.String()}
	for _, u := range p.UnitIDs {
		o.Domains = append(o.Domains, authz.Domain("org", u))
	}
	return o
}

// Params are a computed method's parameters.
type Params struct {
	// MinAttendance: a consultation meeting counts with at least this many
	// people and organisations present (default 10).
	MinAttendance int `json:"min_attendance,omitempty"`
	// Bodies: only the meetings of these dialogue bodies (none: all).
	Bodies []uuid.UUID `json:"bodies,omitempty"`
	// Organisers: only the events of these organisations (none: all).
	Organisers []uuid.UUID `json:"organisers,omitempty"`
}

// Indicator is one indicator of a programme.
type Indicator struct {
	ID           uuid.UUID
	ProgrammeID  uuid.UUID
	Code         string
	Position     int
	Goal         int
	NameTextID   uuid.UUID
	Unit         string
	Baseline     float64
	BaselineYear int
	Target       float64
	Comparison   string
	TargetScope  string
	TargetYear   *int
	Weight       float64
	Source       string
	Method       string
	Params       Params
	UnitID       *uuid.UUID
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (in *Indicator) object() authz.Object {
	o := authz.Object{Type: IndicatorType, ID: in.ID.String(), Attrs: map[string]string{"method": in.Method}}
	if in.UnitID != nil {
		o.Domains = []string{authz.Domain("org", *in.UnitID)}
	}
	return o
}

// Value is a year's entered value.
type Value struct {
	ID            uuid.UUID
	IndicatorID   uuid.UUID
	Year          int
	Value         float64
	Note          string
	EnteredBy     *uuid.UUID
	EnteredByName string // "" when the account is gone
	EnteredAt     time.Time
}

// Sources are the computations other domains provide (nil: the source is
// not connected, and the indicator's value is not known).
type Sources struct {
	// TranslatedProcedures counts the procedures translated as of a moment.
	TranslatedProcedures func(ctx context.Context, q db.Querier, asOf time.Time) (int, error)
	// Events counts the events of a year, of the organisers given (nil: all).
	Events func(ctx context.Context, q db.Querier, year int, organisers []uuid.UUID) (int, error)
}

// Service implements programmes, indicators, entered values and results.
type Service struct {
	pool    *pgxpool.Pool
	sources Sources
	log     *slog.Logger
	now     func() time.Time
}

// New returns the service.
func New(pool *pgxpool.Pool, sources Sources, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{pool: pool, sources: sources, log: log, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Errors a caller can hit.
var (
	ErrNotFound      = apperr.ErrNotFound
	errSlug          = apperr.Invalid("slug", "programme.slug_invalid")
	errSlugTaken     = apperr.New(apperr.Conflict, "programme.slug_taken")
	errYears         = apperr.Invalid("years", "programme.years_invalid")
	errName          = apperr.Invalid("name", "programme.name_invalid")
	errCode          = apperr.Invalid("code", "programme.code_invalid")
	errGoal          = apperr.Invalid("goal", "programme.goal_invalid")
	errUnit          = apperr.Invalid("unit", "programme.unit_invalid")
	errNumber        = apperr.Invalid("target", "programme.number_invalid")
	errComparison    = apperr.Invalid("comparison", "programme.comparison_invalid")
	errTargetYear    = apperr.Invalid("targetYear", "programme.target_year_invalid")
	errMethod        = apperr.Invalid("method", "programme.method_invalid")
	errParams        = apperr.Invalid("params", "programme.params_invalid")
	errSource        = apperr.Invalid("source", "programme.source_invalid")
	errWeight        = apperr.Invalid("weight", "programme.weight_invalid")
	errBaselineYear  = apperr.Invalid("baselineYear", "programme.baseline_year_invalid")
	errValueYear     = apperr.Invalid("year", "programme.value_year_invalid")
	errValue         = apperr.Invalid("value", "programme.value_invalid")
	errNote          = apperr.Invalid("note", "programme.note_invalid")
	errComputed      = apperr.New(apperr.Conflict, "programme.computed")
	errUnknownUnit   = apperr.Invalid("unitId", "programme.unit_unknown")
	errResultYear    = apperr.Invalid("year", "programme.result_year_invalid")
	slugPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	codePattern      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$`)
	errMissingOrigin = errors.New("programme: a name needs its original")
)

// CreateInput is a new programme.
type CreateInput struct {
	Slug                string
	Name                []i18n.Input // the original first, then translations
	FirstYear, LastYear int
}

// CreateProgramme creates a programme (the coordinator, admins).
func (s *Service) CreateProgramme(ctx context.Context, in CreateInput) (*Programme, error) {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	if err := authz.Require(ctx, ActManage, authz.Object{Type: ProgrammeType}); err != nil {
		return nil, err
	}
	in.Slug = strings.TrimSpace(in.Slug)
	switch {
	case !slugPattern.MatchString(in.Slug):
		return nil, errSlug
	case in.FirstYear < 2000 || in.LastYear > 2200 || in.LastYear < in.FirstYear:
		return nil, errYears
	}
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, `select exists (select from programmes where slug = $1)`, in.Slug).Scan(&taken); err != nil {
			return fmt.Errorf("create programme: %w", err)
		}
		if taken {
			return errSlugTaken
		}
		name, err := writeName(ctx, tx, nil, in.Name, actor.AccountID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `insert into programmes (slug, name_text_id, first_year, last_year, created_by, created_at)
			values ($1, $2, $3, $4, $5, $6) returning id`, in.Slug, name, in.FirstYear, in.LastYear, actor.AccountID, s.now()).Scan(&id); err != nil {
			return fmt.Errorf("create programme: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor.AccountID, Action: "programme.create", ObjectType: ProgrammeType,
			ObjectID: id.String(), Data: map[string]any{"slug": in.Slug, "first_year": in.FirstYear, "last_year": in.LastYear}})
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// checkName: an original and translations in distinct locales, each 1–300
// characters.
func checkName(name []i18n.Input) error {
	if len(name) == 0 {
		return errName
	}
	seen := map[i18n.Locale]bool{}
	for _, n := range name {
		t := strings.TrimSpace(n.Text)
		if !n.Locale.Valid() || seen[n.Locale] || t == "" || utf8.RuneCountInString(t) > 300 {
			return errName
		}
		seen[n.Locale] = true
	}
	return nil
}

// writeName creates a name text (textID nil) with its original and
// translations, or adds versions to an existing one.
func writeName(ctx context.Context, tx *db.Tx, textID *uuid.UUID, name []i18n.Input, author uuid.UUID) (uuid.UUID, error) {
	if len(name) == 0 {
		return uuid.Nil, errMissingOrigin
	}
	rest := name
	var id uuid.UUID
	if textID == nil {
		var err error
		if id, err = i18n.CreateText(ctx, tx.Tx, name[0].Locale, strings.TrimSpace(name[0].Text), author, []string{ProgrammeType}); err != nil {
			return uuid.Nil, err
		}
		rest = name[1:]
	} else {
		id = *textID
	}
	for _, n := range rest {
		if _, err := i18n.AddVersion(ctx, tx.Tx, id, n.Locale, strings.TrimSpace(n.Text), author, i18n.SourceHuman); err != nil {
			return uuid.Nil, err
		}
	}
	return id, nil
}

const programmeColumns = `p.id, p.slug, p.name_text_id, p.first_year, p.last_year, p.created_at,
	array(select distinct i.unit_id from programme_indicators i where i.programme_id = p.id and i.unit_id is not null order by 1)`

func scanProgramme(row pgx.Row) (*Programme, error) {
	var p Programme
	if err := row.Scan(&p.ID, &p.Slug, &p.NameTextID, &p.FirstYear, &p.LastYear, &p.CreatedAt, &p.UnitIDs); err != nil {
		return nil, err
	}
	return &p, nil
}

// Programme reads a programme (anyone).
func (s *Service) Programme(ctx context.Context, id uuid.UUID) (*Programme, error) {
	return s.programmeWhere(ctx, `p.id = $1`, id)
}

// ProgrammeBySlug reads a programme by its slug (anyone).
func (s *Service) ProgrammeBySlug(ctx context.Context, slug string) (*Programme, error) {
	return s.programmeWhere(ctx, `p.slug = $1`, slug)
}

func (s *Service) programmeWhere(ctx context.Context, where string, arg any) (*Programme, error) {
	p, err := scanProgramme(s.pool.QueryRow(ctx, `select `+programmeColumns+` from programmes p where `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read programme: %w", err)
	}
	if !authz.Can(ctx, ActRead, p.object()) {
		return nil, ErrNotFound
	}
	return p, nil
}

// Programmes lists every programme, newest first (anyone).
func (s *Service) Programmes(ctx context.Context) ([]*Programme, error) {
	rows, err := s.pool.Query(ctx, `select `+programmeColumns+` from programmes p order by p.first_year desc, p.slug`)
	if err != nil {
		return nil, fmt.Errorf("list programmes: %w", err)
	}
	defer rows.Close()
	var out []*Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, fmt.Errorf("list programmes: %w", err)
		}
		if authz.Can(ctx, ActRead, p.object()) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// Manages reports whether the caller may define the programme's indicators.
func (s *Service) Manages(ctx context.Context, p *Programme) bool {
	o := p.object()
	o.Domains = nil
	return authz.Can(ctx, ActManage, o)
}

// Watches reports whether the caller may watch the programme's results live.
func (s *Service) Watches(ctx context.Context, p *Programme) bool {
	return authz.Can(ctx, ActWatch, p.object())
}

// MayEnter reports whether the caller may enter the indicator's values.
func (s *Service) MayEnter(ctx context.Context, in *Indicator) bool {
	return in.Method == MethodEntered && authz.Can(ctx, ActEnter, in.object())
}

// IndicatorInput defines an indicator; defining one again by its code
// replaces its definition (names add versions).
type IndicatorInput struct {
	ProgrammeID  uuid.UUID
	Code         string
	Position     int
	Goal         int
	Name         []i18n.Input
	Unit         string
	Baseline     float64
	BaselineYear int
	Target       float64
	Comparison   string
	TargetScope  string
	TargetYear   *int
	Weight       float64
	Source       string
	Method       string
	Params       Params
	UnitID       *uuid.UUID
}

func (in *IndicatorInput) check(p *Programme) error {
	in.Code, in.Source = strings.TrimSpace(in.Code), strings.TrimSpace(in.Source)
	switch {
	case !codePattern.MatchString(in.Code):
		return errCode
	case in.Position < 1 || in.Position > 1000:
		return apperr.Invalid("position", "programme.position_invalid")
	case in.Goal < 1 || in.Goal > 20:
		return errGoal
	case in.Unit != UnitCount && in.Unit != UnitPersons && in.Unit != UnitPercent:
		return errUnit
	case in.Baseline < 0 || in.Target < 0 || in.Baseline > 1e12 || in.Target > 1e12 ||
		(in.Unit == UnitPercent && (in.Baseline > 100 || in.Target > 100)):
		return errNumber
	case in.BaselineYear < 2000 || in.BaselineYear > p.LastYear:
		return errBaselineYear
	case in.Comparison != AtLeast && in.Comparison != AtMost:
		return errComparison
	case in.TargetScope == EachYear && in.TargetYear != nil,
		in.TargetScope == ByYear && (in.TargetYear == nil || *in.TargetYear < p.FirstYear || *in.TargetYear > p.LastYear),
		in.TargetScope != EachYear && in.TargetScope != ByYear:
		return errTargetYear
	case in.Weight <= 0 || in.Weight > 100:
		return errWeight
	case utf8.RuneCountInString(in.Source) > 1000:
		return errSource
	}
	if !validMethod(in.Method) {
		return errMethod
	}
	if in.Params.MinAttendance < 0 || in.Params.MinAttendance > 10000 || len(in.Params.Bodies) > 100 || len(in.Params.Organisers) > 100 {
		return errParams
	}
	return checkName(in.Name)
}

func validMethod(m string) bool {
	for _, x := range Methods {
		if x == m {
			return true
		}
	}
	return false
}

// DefineIndicator creates or redefines (by code) an indicator of a programme
// (the coordinator, admins).
func (s *Service) DefineIndicator(ctx context.Context, in IndicatorInput) (*Indicator, error) {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	p, err := s.Programme(ctx, in.ProgrammeID)
	if err != nil {
		return nil, err
	}
	if !s.Manages(ctx, p) {
		return nil, apperr.ErrForbidden
	}
	if err := in.check(p); err != nil {
		return nil, err
	}
	var id uuid.UUID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if in.UnitID != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `select exists (select from organisations where id = $1)`, *in.UnitID).Scan(&ok); err != nil {
				return fmt.Errorf("define indicator: %w", err)
			}
			if !ok {
				return errUnknownUnit
			}
		}
		var nameID *uuid.UUID
		err := tx.QueryRow(ctx, `select id, name_text_id from programme_indicators where programme_id = $1 and code = $2 for update`,
			p.ID, in.Code).Scan(&id, &nameID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("define indicator: %w", err)
		}
		name, err := writeName(ctx, tx, nameID, in.Name, actor.AccountID)
		if err != nil {
			return err
		}
		now := s.now()
		args := []any{p.ID, in.Code, in.Position, in.Goal, name, in.Unit, in.Baseline, in.BaselineYear, in.Target, in.Comparison,
			in.TargetScope, in.TargetYear, in.Weight, in.Source, in.Method, in.Params, in.UnitID, now}
		action := "programme.indicator_define"
		if nameID == nil {
			err = tx.QueryRow(ctx, `insert into programme_indicators (programme_id, code, position, goal, name_text_id, unit, baseline,
				baseline_year, target, comparison, target_scope, target_year, weight, source, method, params, unit_id, created_at, updated_at)
				values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) returning id`, args...).Scan(&id)
		} else {
			action = "programme.indicator_redefine"
			_, err = tx.Exec(ctx, `update programme_indicators set position = $3, goal = $4, unit = $6, baseline = $7, baseline_year = $8,
				target = $9, comparison = $10, target_scope = $11, target_year = $12, weight = $13, source = $14, method = $15,
				params = $16, unit_id = $17, updated_at = $18 where programme_id = $1 and code = $2 and name_text_id = $5`, args...)
		}
		if err != nil {
			return fmt.Errorf("define indicator: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor.AccountID, Action: action, ObjectType: IndicatorType,
			ObjectID: id.String(), Data: map[string]any{"programme": p.ID.String(), "code": in.Code, "method": in.Method,
				"baseline": in.Baseline, "target": in.Target, "comparison": in.Comparison, "target_scope": in.TargetScope}})
	})
	if err != nil {
		return nil, err
	}
	return s.Indicator(ctx, id)
}

const indicatorColumns = `i.id, i.programme_id, i.code, i.position, i.goal, i.name_text_id, i.unit, i.baseline::float8,
	i.baseline_year, i.target::float8, i.comparison, i.target_scope, i.target_year, i.weight::float8, i.source, i.method,
	i.params, i.unit_id, i.created_at, i.updated_at`

func scanIndicator(row pgx.Row) (*Indicator, error) {
	var in Indicator
	err := row.Scan(&in.ID, &in.ProgrammeID, &in.Code, &in.Position, &in.Goal, &in.NameTextID, &in.Unit, &in.Baseline,
		&in.BaselineYear, &in.Target, &in.Comparison, &in.TargetScope, &in.TargetYear, &in.Weight, &in.Source, &in.Method,
		&in.Params, &in.UnitID, &in.CreatedAt, &in.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// Indicator reads an indicator (anyone).
func (s *Service) Indicator(ctx context.Context, id uuid.UUID) (*Indicator, error) {
	in, err := scanIndicator(s.pool.QueryRow(ctx, `select `+indicatorColumns+` from programme_indicators i where i.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read indicator: %w", err)
	}
	if !authz.Can(ctx, ActRead, in.object()) {
		return nil, ErrNotFound
	}
	return in, nil
}

// Indicators lists a programme's indicators in order (anyone).
func (s *Service) Indicators(ctx context.Context, programmeID uuid.UUID) ([]*Indicator, error) {
	return indicators(ctx, s.pool, programmeID)
}

func indicators(ctx context.Context, q db.Querier, programmeID uuid.UUID) ([]*Indicator, error) {
	rows, err := q.Query(ctx, `select `+indicatorColumns+` from programme_indicators i where i.programme_id = $1
		order by i.position, i.code`, programmeID)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	defer rows.Close()
	out := []*Indicator{}
	for rows.Next() {
		in, err := scanIndicator(rows)
		if err != nil {
			return nil, fmt.Errorf("list indicators: %w", err)
		}
		if authz.Can(ctx, ActRead, in.object()) {
			out = append(out, in)
		}
	}
	return out, rows.Err()
}

// EnterValue records a year's value of an entered indicator with its
// source note, replacing an earlier entry (audited with the value it
// replaced): officials of the indicator's unit, the coordinator, admins.
func (s *Service) EnterValue(ctx context.Context, indicatorID uuid.UUID, year int, value float64, note string) (*Value, error) {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	in, err := s.Indicator(ctx, indicatorID)
	if err != nil {
		return nil, err
	}
	// A computed indicator's definition is public: say so before who may.
	if in.Method != MethodEntered {
		return nil, errComputed
	}
	if err := authz.Require(ctx, ActEnter, in.object()); err != nil {
		return nil, err
	}
	p, err := s.Programme(ctx, in.ProgrammeID)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	switch {
	case year < p.FirstYear || year > p.LastYear || year > yearOf(s.now()):
		return nil, errValueYear
	case value < 0 || value > 1e12 || (in.Unit == UnitPercent && value > 100) || (in.Unit != UnitPercent && value != float64(int64(value))):
		return nil, errValue
	case note == "" || utf8.RuneCountInString(note) > 2000:
		return nil, errNote
	}
	var id uuid.UUID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var previous *float64
		err := tx.QueryRow(ctx, `select value::float8 from programme_indicator_values where indicator_id = $1 and year = $2 for update`,
			in.ID, year).Scan(&previous)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("enter value: %w", err)
		}
		if err := tx.QueryRow(ctx, `insert into programme_indicator_values (indicator_id, year, value, note, entered_by, entered_at)
			values ($1, $2, $3, $4, $5, $6)
			on conflict (indicator_id, year) do update set value = excluded.value, note = excluded.note,
				entered_by = excluded.entered_by, entered_at = excluded.entered_at
			returning id`, in.ID, year, value, note, actor.AccountID, s.now()).Scan(&id); err != nil {
			return fmt.Errorf("enter value: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor.AccountID, Action: "programme.value_enter", ObjectType: IndicatorType,
			ObjectID: in.ID.String(), Reason: note, Data: map[string]any{"year": year, "value": value, "previous": previous}})
	})
	if err != nil {
		return nil, err
	}
	return s.value(ctx, in.ID, id)
}

// value reads one entered value of an indicator.
func (s *Service) value(ctx context.Context, indicator, id uuid.UUID) (*Value, error) {
	vs, err := values(ctx, s.pool, []uuid.UUID{indicator})
	if err != nil {
		return nil, err
	}
	for _, v := range vs[indicator] {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, fmt.Errorf("value %s not read back", id)
}

// Values are the entered values of indicators, by indicator, oldest year
// first (anyone: they are published with their notes).
func (s *Service) Values(ctx context.Context, indicatorIDs []uuid.UUID) (map[uuid.UUID][]*Value, error) {
	return values(ctx, s.pool, indicatorIDs)
}

func values(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]*Value, error) {
	rows, err := q.Query(ctx, `select v.id, v.indicator_id, v.year, v.value::float8, v.note, v.entered_by,
			coalesce(a.display_name, ''), v.entered_at
		from programme_indicator_values v left join accounts a on a.id = v.entered_by
		where v.indicator_id = any($1) order by v.indicator_id, v.year`, ids)
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][]*Value{}
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.ID, &v.IndicatorID, &v.Year, &v.Value, &v.Note, &v.EnteredBy, &v.EnteredByName, &v.EnteredAt); err != nil {
			return nil, fmt.Errorf("read values: %w", err)
		}
		out[v.IndicatorID] = append(out[v.IndicatorID], &v)
	}
	return out, rows.Err()
}

// warsaw is the city's time zone: a year of the programme is a calendar
// year in Kraków.
var warsaw = mustZone("Europe/Warsaw")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func yearOf(t time.Time) int { return t.In(warsaw).Year() }

// yearBounds are the first moment of year and of the next, in Kraków.
func yearBounds(year int) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, warsaw), time.Date(year+1, 1, 1, 0, 0, 0, 0, warsaw)
}
