package budget

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/pb"
)

// EditionInput describes an edition. Voting times may be set later in the
// draft; opening the vote needs both.
type EditionInput struct {
	UnitID            uuid.UUID
	Year              int
	VotingOpensAt     *time.Time
	VotingClosesAt    *time.Time
	AllowBallotChange bool
	LiveThreshold     int

	// The schedule before the vote (projects area), each optional; set
	// ones must follow each other in this order and precede the vote.
	SubmissionOpensAt  *time.Time
	SubmissionClosesAt *time.Time
	VerificationEndsAt *time.Time
	AppealsCloseAt     *time.Time
	ResultsDueAt       *time.Time

	// CodeQuota is how many voting codes one ballot officer may issue
	// (0..MaxCodeQuota); nil leaves the stored quota (500 at creation).
	CodeQuota *int
}

// MaxCodeQuota bounds a ballot officer's quota of voting codes.
const MaxCodeQuota = 100000

// Pool kinds.
const (
	KindCity     = "city"
	KindDistrict = "district"
)

// Pick modes of a ballot rule.
const (
	PickExactly = "exactly"
	PickAtLeast = "at_least"
	PickAtMost  = "at_most"
)

// Ballot kinds.
const (
	BallotRanked   = "ranked"
	BallotApproval = "approval"
)

// PoolInput describes a pool, its counting rule and its ballot rule.
type PoolInput struct {
	Name     string
	Kind     string // KindCity or KindDistrict
	District string // district slug; KindDistrict only
	Budget   int64  // grosze
	// Rule is "greedy" (with skip), "greedy-noskip", or an Equal Shares rule
	// understood by pb.MESRule ("mes", "mes-add1", ...; approval ballots only).
	Rule       string
	PickMode   string // PickExactly, PickAtLeast, PickAtMost
	PickCount  int
	BallotKind string // BallotRanked or BallotApproval
	// Points by rank for ranked ballots (Kraków: 3, 2, 1); nil means
	// PickCount, PickCount-1, ..., 1.
	Points []int64
	// Required pools must be filled by every voter they apply to; optional
	// pools may be left empty.
	Required bool

	// Limits of a resident's project's cost (grosze, optional; the maximum
	// at most the budget) and the supports it needs to be found eligible.
	MinProjectCost   *int64
	MaxProjectCost   *int64
	SupportsRequired int
}

// Pool is one pool of an edition.
type Pool struct {
	ID        uuid.UUID
	EditionID uuid.UUID
	Position  int
	PoolInput
}

// ProjectInput describes a project of a pool.
type ProjectInput struct {
	Code  string // e.g. "BO.OM.97/24"
	Title string
	Cost  int64 // grosze
}

// Project is one project of a pool.
type Project struct {
	ID     uuid.UUID
	PoolID uuid.UUID
	ProjectInput
	ProjectState // status, texts, proposer, verification (project_submission.go)
}

// CreateEdition stores a draft edition of a city unit ("create" in the
// unit's domain).
func (s *Service) CreateEdition(ctx context.Context, in EditionInput) (*Edition, error) {
	if err := authz.Require(ctx, ActCreate, authz.Object{Type: "budget_edition",
		Domains: []string{authz.Domain("org", in.UnitID)}}); err != nil {
		return nil, err
	}
	if err := validateEdition(in); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		kind, err := org.KindOf(ctx, tx, in.UnitID)
		if err != nil {
			return err
		}
		if kind != org.KindCityUnit {
			return apperr.Invalid("unitId", "budget.unit_invalid")
		}
		if _, err := tx.Exec(ctx, `insert into budget_editions (id, unit_id, year, voting_opens_at, voting_closes_at,
				allow_ballot_change, live_threshold, created_by,
				submission_opens_at, submission_closes_at, verification_ends_at, appeals_close_at, results_due_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, in.UnitID, in.Year, in.VotingOpensAt, in.VotingClosesAt, in.AllowBallotChange, in.LiveThreshold,
			actorOrNil(actor), in.SubmissionOpensAt, in.SubmissionClosesAt, in.VerificationEndsAt, in.AppealsCloseAt,
			in.ResultsDueAt); err != nil {
			return fmt.Errorf("insert edition: %w", err)
		}
		if in.CodeQuota != nil {
			if _, err := tx.Exec(ctx, `update budget_editions set code_quota = $2 where id = $1`, id, *in.CodeQuota); err != nil {
				return fmt.Errorf("set code quota: %w", err)
			}
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.edition_create",
			ObjectType: "budget_edition", ObjectID: id.String(), Data: map[string]any{"year": in.Year}})
	})
	if err != nil {
		return nil, err
	}
	return loadEdition(ctx, s.pool, id, "")
}

// UpdateEdition replaces an edition's settings and schedule ("manage") until
// its vote opens (PHASE_CLOSED budget.not_draft from then on: the voting
// window and ballot change are fixed once anyone may have voted). The unit
// stays; the year may change only in a draft, since residents' projects'
// codes carry it (PHASE_CLOSED budget.year_fixed); CodeQuota nil keeps the
// quota. The live-results threshold belongs to the result settings
// (UpdateResultSettings) and is left as it is. Input is checked as at
// creation, after access, so that callers who may not see the edition learn
// nothing. Audited with the names of the changed settings.
func (s *Service) UpdateEdition(ctx context.Context, id uuid.UUID, in EditionInput) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, id, ActManage, "for update")
		if err != nil {
			return err
		}
		if !e.beforeVoting() {
			return apperr.New(apperr.PhaseClosed, "budget.not_draft")
		}
		in.LiveThreshold = e.LiveThreshold
		if err := validateEdition(in); err != nil {
			return err
		}
		if in.Year != e.Year && e.Status != StatusDraft {
			return apperr.New(apperr.PhaseClosed, "budget.year_fixed")
		}
		var quota int // the edition's row is locked
		if err := tx.QueryRow(ctx, `select code_quota from budget_editions where id = $1`, id).Scan(&quota); err != nil {
			return fmt.Errorf("read quota: %w", err)
		}
		if _, err := tx.Exec(ctx, `update budget_editions set year = $2, voting_opens_at = $3, voting_closes_at = $4,
				allow_ballot_change = $5, submission_opens_at = $6, submission_closes_at = $7,
				verification_ends_at = $8, appeals_close_at = $9, results_due_at = $10,
				code_quota = coalesce($11, code_quota), updated_at = now()
			where id = $1`,
			id, in.Year, in.VotingOpensAt, in.VotingClosesAt, in.AllowBallotChange,
			in.SubmissionOpensAt, in.SubmissionClosesAt, in.VerificationEndsAt, in.AppealsCloseAt, in.ResultsDueAt,
			in.CodeQuota); err != nil {
			return fmt.Errorf("update edition: %w", err)
		}
		changed := editionChanges(e, in, quota)
		data := map[string]any{"year": in.Year, "changed": changed}
		if in.CodeQuota != nil {
			data["code_quota"] = *in.CodeQuota
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.edition_update",
			ObjectType: "budget_edition", ObjectID: id.String(), Data: data})
	})
	if err != nil {
		return nil, err
	}
	return loadEdition(ctx, s.pool, id, "")
}

// editionChanges names the settings an update changes (oldQuota is the
// quota before it).
func editionChanges(e *Edition, in EditionInput, oldQuota int) []string {
	sameTime := func(a, b *time.Time) bool {
		return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
	}
	out := []string{}
	for _, c := range []struct {
		name string
		same bool
	}{
		{"year", e.Year == in.Year},
		{"submissionOpensAt", sameTime(e.SubmissionOpensAt, in.SubmissionOpensAt)},
		{"submissionClosesAt", sameTime(e.SubmissionClosesAt, in.SubmissionClosesAt)},
		{"verificationEndsAt", sameTime(e.VerificationEndsAt, in.VerificationEndsAt)},
		{"appealsCloseAt", sameTime(e.AppealsCloseAt, in.AppealsCloseAt)},
		{"votingOpensAt", sameTime(e.VotingOpensAt, in.VotingOpensAt)},
		{"votingClosesAt", sameTime(e.VotingClosesAt, in.VotingClosesAt)},
		{"resultsDueAt", sameTime(e.ResultsDueAt, in.ResultsDueAt)},
		{"allowBallotChange", e.AllowBallotChange == in.AllowBallotChange},
		{"codeQuota", in.CodeQuota == nil || *in.CodeQuota == oldQuota},
	} {
		if !c.same {
			out = append(out, c.name)
		}
	}
	return out
}

func validateEdition(in EditionInput) error {
	if in.Year < 2000 || in.Year > 2100 {
		return apperr.Invalid("year", "budget.year_invalid")
	}
	if in.LiveThreshold < 0 {
		return apperr.Invalid("liveThreshold", "budget.live_threshold_invalid")
	}
	if in.VotingOpensAt != nil && in.VotingClosesAt != nil && !in.VotingClosesAt.After(*in.VotingOpensAt) {
		return apperr.Invalid("votingClosesAt", "budget.schedule_order")
	}
	if err := validateSchedule(in); err != nil { // project_submission.go
		return err
	}
	if in.CodeQuota != nil && (*in.CodeQuota < 0 || *in.CodeQuota > MaxCodeQuota) {
		return apperr.Invalid("codeQuota", "budget.code_quota_invalid")
	}
	return nil
}

// CreatePool adds a pool to a draft edition ("manage").
func (s *Service) CreatePool(ctx context.Context, editionID uuid.UUID, in PoolInput) (*Pool, error) {
	in, err := normalisePool(in)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if err := draftEdition(ctx, tx, editionID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `insert into budget_pools (id, edition_id, position, name, kind, district, budget, rule,
				pick_mode, pick_count, ballot_kind, points, required, min_project_cost, max_project_cost, supports_required)
			values ($1, $2, (select count(*) from budget_pools where edition_id = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
				$13, $14, $15)`,
			id, editionID, in.Name, in.Kind, districtOrNil(in), in.Budget, in.Rule, in.PickMode, in.PickCount,
			in.BallotKind, in.Points, in.Required, in.MinProjectCost, in.MaxProjectCost, in.SupportsRequired)
		if isUnique(err) {
			return apperr.Invalid("district", "budget.pool_duplicate")
		}
		if err != nil {
			return fmt.Errorf("insert pool: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.pool_create",
			ObjectType: "budget_pool", ObjectID: id.String(), Data: map[string]any{"edition_id": editionID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return loadPool(ctx, s.pool, id)
}

// UpdatePool replaces a pool's settings while its edition is a draft.
func (s *Service) UpdatePool(ctx context.Context, id uuid.UUID, in PoolInput) (*Pool, error) {
	in, err := normalisePool(in)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := loadPool(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := draftEdition(ctx, tx, p.EditionID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `update budget_pools set name = $2, kind = $3, district = $4, budget = $5, rule = $6,
				pick_mode = $7, pick_count = $8, ballot_kind = $9, points = $10, required = $11,
				min_project_cost = $12, max_project_cost = $13, supports_required = $14 where id = $1`,
			id, in.Name, in.Kind, districtOrNil(in), in.Budget, in.Rule, in.PickMode, in.PickCount, in.BallotKind,
			in.Points, in.Required, in.MinProjectCost, in.MaxProjectCost, in.SupportsRequired)
		if isUnique(err) {
			return apperr.Invalid("district", "budget.pool_duplicate")
		}
		if err != nil {
			return fmt.Errorf("update pool: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.pool_update",
			ObjectType: "budget_pool", ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadPool(ctx, s.pool, id)
}

// draftEdition locks an edition the caller manages and requires a draft.
func draftEdition(ctx context.Context, q db.Querier, id uuid.UUID) error {
	e, err := editionFor(ctx, q, id, ActManage, "for update")
	if err != nil {
		return err
	}
	if e.Status != StatusDraft {
		return apperr.New(apperr.PhaseClosed, "budget.not_draft")
	}
	return nil
}

func districtOrNil(in PoolInput) *string {
	if in.Kind == KindCity {
		return nil
	}
	return &in.District
}

var districtRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// normalisePool checks a pool and fills in default points.
func normalisePool(in PoolInput) (PoolInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 200 {
		return in, apperr.Invalid("name", "budget.name_invalid")
	}
	switch in.Kind {
	case KindCity:
		if in.District != "" {
			return in, apperr.Invalid("district", "budget.district_invalid")
		}
	case KindDistrict:
		if !districtRE.MatchString(in.District) {
			return in, apperr.Invalid("district", "budget.district_invalid")
		}
	default:
		return in, apperr.Invalid("kind", "budget.kind_invalid")
	}
	if in.Budget <= 0 {
		return in, apperr.Invalid("budget", "budget.amount_invalid")
	}
	if err := validateCostLimits(in); err != nil { // project_submission.go
		return in, err
	}
	switch in.PickMode {
	case PickExactly, PickAtLeast, PickAtMost:
	default:
		return in, apperr.Invalid("pickMode", "budget.pick_mode_invalid")
	}
	if in.PickCount <= 0 || in.PickCount > 100 {
		return in, apperr.Invalid("pickCount", "budget.pick_count_invalid")
	}
	switch in.BallotKind {
	case BallotRanked:
		if in.Points == nil {
			for i := in.PickCount; i > 0; i-- {
				in.Points = append(in.Points, int64(i))
			}
		}
		if len(in.Points) == 0 || slices.ContainsFunc(in.Points, func(p int64) bool { return p < 0 }) {
			return in, apperr.Invalid("points", "budget.points_invalid")
		}
	case BallotApproval:
		if len(in.Points) != 0 {
			return in, apperr.Invalid("points", "budget.points_invalid")
		}
		in.Points = []int64{}
	default:
		return in, apperr.Invalid("ballotKind", "budget.ballot_kind_invalid")
	}
	switch in.Rule {
	case RuleGreedy, RuleGreedyNoSkip:
	default:
		if _, err := pb.MESRule(in.Rule); err != nil {
			return in, apperr.Invalid("rule", "budget.rule_invalid")
		}
		// Equal Shares counts approvals; ranks would be silently dropped.
		if in.BallotKind != BallotApproval {
			return in, apperr.Invalid("rule", "budget.rule_needs_approval")
		}
	}
	return in, nil
}

// Counting rules besides Equal Shares (pb.MESRule).
const (
	RuleGreedy       = "greedy"
	RuleGreedyNoSkip = "greedy-noskip"
)

const poolColumns = `id, edition_id, position, name, kind, coalesce(district, ''), budget, rule, pick_mode, pick_count,
	ballot_kind, points, required, min_project_cost, max_project_cost, supports_required`

func scanPool(row pgx.Row) (*Pool, error) {
	var p Pool
	err := row.Scan(&p.ID, &p.EditionID, &p.Position, &p.Name, &p.Kind, &p.District, &p.Budget, &p.Rule,
		&p.PickMode, &p.PickCount, &p.BallotKind, &p.Points, &p.Required, &p.MinProjectCost, &p.MaxProjectCost,
		&p.SupportsRequired)
	return &p, err
}

func loadPool(ctx context.Context, q db.Querier, id uuid.UUID) (*Pool, error) {
	p, err := scanPool(q.QueryRow(ctx, `select `+poolColumns+` from budget_pools where id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load pool: %w", err)
	}
	return p, nil
}

func loadPools(ctx context.Context, q db.Querier, editionID uuid.UUID) ([]Pool, error) {
	rows, err := q.Query(ctx, `select `+poolColumns+` from budget_pools where edition_id = $1 order by position, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	defer rows.Close()
	var out []Pool
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, fmt.Errorf("scan pool: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Pools lists an edition's pools in the order they were created.
func (s *Service) Pools(ctx context.Context, editionID uuid.UUID) ([]Pool, error) {
	if _, err := s.Edition(ctx, editionID); err != nil {
		return nil, err
	}
	return loadPools(ctx, s.pool, editionID)
}

// CreateProject adds a project to a pool of a draft edition. (Residents'
// submissions and their verification come later.)
func (s *Service) CreateProject(ctx context.Context, poolID uuid.UUID, in ProjectInput) (*Project, error) {
	in, err := normaliseProject(in)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := loadPool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		if err := draftEdition(ctx, tx, p.EditionID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `insert into budget_projects (id, pool_id, code, title, cost) values ($1, $2, $3, $4, $5)`,
			id, poolID, in.Code, in.Title, in.Cost)
		if isUnique(err) {
			return apperr.Invalid("code", "budget.code_duplicate")
		}
		if err != nil {
			return fmt.Errorf("insert project: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.project_create",
			ObjectType: "budget_project", ObjectID: id.String(), Data: map[string]any{"pool_id": poolID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id) // project_submission.go
}

// UpdateProject replaces a project's code, title and cost while its edition
// is a draft.
func (s *Service) UpdateProject(ctx context.Context, id uuid.UUID, in ProjectInput) (*Project, error) {
	in, err := normaliseProject(in)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var poolID uuid.UUID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var editionID uuid.UUID
		err := tx.QueryRow(ctx, `select p.pool_id, l.edition_id from budget_projects p
			join budget_pools l on l.id = p.pool_id where p.id = $1`, id).Scan(&poolID, &editionID)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load project: %w", err)
		}
		if err := draftEdition(ctx, tx, editionID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `update budget_projects set code = $2, title = $3, cost = $4 where id = $1`,
			id, in.Code, in.Title, in.Cost)
		if isUnique(err) {
			return apperr.Invalid("code", "budget.code_duplicate")
		}
		if err != nil {
			return fmt.Errorf("update project: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.project_update",
			ObjectType: "budget_project", ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

func normaliseProject(in ProjectInput) (ProjectInput, error) {
	in.Code, in.Title = strings.TrimSpace(in.Code), strings.TrimSpace(in.Title)
	if in.Code == "" || len(in.Code) > 40 {
		return in, apperr.Invalid("code", "budget.code_invalid")
	}
	if in.Title == "" || len(in.Title) > 500 {
		return in, apperr.Invalid("title", "budget.title_invalid")
	}
	if in.Cost <= 0 {
		return in, apperr.Invalid("cost", "budget.amount_invalid")
	}
	return in, nil
}

// Projects lists a pool's projects by code.
func (s *Service) Projects(ctx context.Context, poolID uuid.UUID) ([]Project, error) {
	p, err := loadPool(ctx, s.pool, poolID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Edition(ctx, p.EditionID); err != nil {
		return nil, err
	}
	return loadProjects(ctx, s.pool, poolID)
}

// EditionProjects returns the projects of every pool of an edition the
// caller may see, by pool, in one query (for pages that list pools).
func (s *Service) EditionProjects(ctx context.Context, editionID uuid.UUID) (map[uuid.UUID][]Project, error) {
	if _, err := s.Edition(ctx, editionID); err != nil {
		return nil, err
	}
	return s.eligibleProjects(ctx, editionID)
}

// LivePoolsAndProjects reads an edition's pools and eligible projects with
// no permission check, for the live fan-out: it reads them once for every
// subscriber, and decides each subscriber's view itself (TurnoutView).
func (s *Service) LivePoolsAndProjects(ctx context.Context, editionID uuid.UUID) ([]Pool, map[uuid.UUID][]Project, error) {
	pools, err := loadPools(ctx, s.pool, editionID)
	if err != nil {
		return nil, nil, err
	}
	projects, err := s.eligibleProjects(ctx, editionID)
	return pools, projects, err
}

func (s *Service) eligibleProjects(ctx context.Context, editionID uuid.UUID) (map[uuid.UUID][]Project, error) {
	// Only eligible projects are on the ballot (and so in pools' lists).
	rows, err := s.pool.Query(ctx, `select `+projectColumns+` from `+projectFrom+`
		where l.edition_id = $1 and p.status = 'eligible' order by p.pool_id, p.code`, editionID)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][]Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, fmt.Errorf("scan project: %w", err)
		}
		out[p.PoolID] = append(out[p.PoolID], *p)
	}
	return out, rows.Err()
}

func loadProjects(ctx context.Context, q db.Querier, poolID uuid.UUID) ([]Project, error) {
	// Only eligible projects are on the ballot and counted.
	rows, err := q.Query(ctx, `select `+projectColumns+` from `+projectFrom+`
		where p.pool_id = $1 and p.status = 'eligible' order by p.code`, poolID)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, fmt.Errorf("scan project: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
