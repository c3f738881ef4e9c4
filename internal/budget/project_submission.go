package budget

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/support"
)

// Project statuses. Staff-entered projects are eligible at once; residents'
// projects are submitted (or await the resident's consent when an NGO
// entered them) and become eligible or ineligible at verification.
const (
	ProjectAwaitingConsent = "awaiting_consent"
	ProjectSubmitted       = "submitted"
	ProjectEligible        = "eligible"
	ProjectIneligible      = "ineligible"
	ProjectWithdrawn       = "withdrawn"
)

// Actions on budget_project objects (internal/authz/policy.csv).
const (
	ActSubmitProject   = "submit"
	ActAssistProject   = "assist"
	ActEditProject     = "edit"
	ActWithdrawProject = "withdraw"
	ActSupportProject  = "support"
	ActAppealProject   = "appeal"
	ActVerifyProject   = "verify"
	ActDecideAppeal    = "decide_appeal"
)

// MinProposerAge is the proposer's minimum age on the day of submission
// (Kraków's rules), in Warsaw.
const MinProposerAge = 16

// Limits of a project's plain fields.
const (
	maxProjectTitle    = 200
	maxProjectLocation = 500
	maxReason          = 2000
)

// ProjectState is what a project holds beyond its code, title and cost:
// residents' projects carry their texts, proposer, supports, verification
// and appeal. Staff-entered projects have only Status (eligible).
type ProjectState struct {
	EditionID         uuid.UUID
	Status            string
	TitleTextID       *uuid.UUID
	DescriptionTextID *uuid.UUID
	Location          string
	// ProposerID is the resident who proposed the project (uuid.Nil for
	// staff-entered projects or a deleted account). Never shown publicly.
	ProposerID uuid.UUID
	// AssistedBy is the NGO that entered the project for the proposer;
	// AssistedByMember the member who did (never shown publicly).
	AssistedBy       *uuid.UUID
	AssistedByMember uuid.UUID
	SupportCount     int
	SubmittedAt      *time.Time
	// Verification: Decision is "" until an official decided.
	Decision       string
	DecisionReason string
	VerifiedCost   *int64
	DecidedAt      *time.Time
	// CostEstimate is the proposer's estimate (Cost for staff-entered
	// projects); Cost becomes the verified cost when officials set one.
	CostEstimate int64
	// Withdrawal (also a refused consent).
	WithdrawnReason string
	WithdrawnAt     *time.Time
	CreatedAt       time.Time
	Appeal          *Appeal
}

// Appeal statuses.
const (
	AppealPending  = "pending"
	AppealUpheld   = "upheld"
	AppealRejected = "rejected"
)

// Appeal is a proposer's appeal against an ineligible decision.
type Appeal struct {
	Reason         string
	Status         string
	DecisionReason string
	CreatedAt      time.Time
	DecidedAt      *time.Time
}

// projectFrom joins what projectColumns reads: p the project, l its pool, a
// its appeal.
const projectFrom = `budget_projects p join budget_pools l on l.id = p.pool_id
	left join budget_project_appeals a on a.project_id = p.id`

const projectColumns = `p.id, p.pool_id, p.code, p.title, p.cost, l.edition_id, p.status, p.title_text_id,
	p.description_text_id, coalesce(p.location, ''), p.proposer_id, p.assisted_by_org, p.assisted_by_member,
	p.support_count, p.submitted_at, coalesce(p.decision, ''), coalesce(p.decision_reason, ''), p.verified_cost,
	p.decided_at, coalesce(p.withdrawn_reason, ''), p.withdrawn_at, p.created_at, coalesce(p.cost_estimate, p.cost),
	a.reason, a.status, a.decision_reason, a.created_at, a.decided_at`

func scanProject(row pgx.Row) (*Project, error) {
	var (
		p                          Project
		proposer, member           *uuid.UUID
		aReason, aStatus, aDecided *string
		aCreated, aDecidedAt       *time.Time
	)
	err := row.Scan(&p.ID, &p.PoolID, &p.Code, &p.Title, &p.Cost, &p.EditionID, &p.Status, &p.TitleTextID,
		&p.DescriptionTextID, &p.Location, &proposer, &p.AssistedBy, &member,
		&p.SupportCount, &p.SubmittedAt, &p.Decision, &p.DecisionReason, &p.VerifiedCost,
		&p.DecidedAt, &p.WithdrawnReason, &p.WithdrawnAt, &p.CreatedAt, &p.CostEstimate,
		&aReason, &aStatus, &aDecided, &aCreated, &aDecidedAt)
	if err != nil {
		return nil, err
	}
	if proposer != nil {
		p.ProposerID = *proposer
	}
	if member != nil {
		p.AssistedByMember = *member
	}
	if aStatus != nil {
		p.Appeal = &Appeal{Reason: *aReason, Status: *aStatus, CreatedAt: *aCreated, DecidedAt: aDecidedAt}
		if aDecided != nil {
			p.Appeal.DecisionReason = *aDecided
		}
	}
	return &p, nil
}

// loadProject reads a project without a visibility check; lock is "" or
// "for update" (of the project row).
func loadProject(ctx context.Context, q db.Querier, id uuid.UUID) (*Project, error) {
	return loadProjectLock(ctx, q, id, "")
}

func loadProjectLock(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*Project, error) {
	if lock != "" {
		lock = "for update of p"
	}
	p, err := scanProject(q.QueryRow(ctx, `select `+projectColumns+` from `+projectFrom+` where p.id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	return p, nil
}

// ProjectObject is a project as an authorization object: it carries its
// edition's and unit's domains and, when an NGO assisted, the NGO's; its
// owner is the proposer; a draft awaiting consent has status "draft" (the
// policy shows it to its proposer and staff only).
func ProjectObject(e *Edition, p *Project) authz.Object {
	o := authz.Object{Type: "budget_project", Domains: []string{Domain(e.ID), authz.Domain("org", e.UnitID)},
		Attrs: map[string]string{"status": "draft"}}
	if p == nil {
		return o
	}
	o.ID, o.OwnerID = p.ID.String(), p.ProposerID
	if p.AssistedBy != nil {
		o.Domains = append(o.Domains, authz.Domain("org", *p.AssistedBy))
	}
	if p.Status != ProjectAwaitingConsent {
		o.Attrs["status"] = p.Status
	}
	return o
}

// canSeeProject: the edition must be visible, and a draft awaiting consent
// only to its proposer, the member who entered it and staff (Casbin, plus
// the assisting member, whom no policy row names).
func canSeeProject(ctx context.Context, e *Edition, p *Project) bool {
	if !authz.Can(ctx, ActRead, e.Object()) {
		return false
	}
	sub := authz.SubjectFrom(ctx)
	if p.Status == ProjectAwaitingConsent && !sub.Anonymous() && p.AssistedByMember == sub.AccountID {
		return true
	}
	return authz.Can(ctx, ActRead, ProjectObject(e, p))
}

// projectFor loads a project and its edition for act by the caller, in
// authz.For's order; act "" only checks that the caller may see it.
func projectFor(ctx context.Context, q db.Querier, id uuid.UUID, act, lock string) (*Edition, *Project, error) {
	if act == "" {
		act = ActRead
	}
	type loaded struct {
		e *Edition
		p *Project
	}
	v, err := authz.For(ctx, act, func() (loaded, authz.Object, bool, error) {
		p, err := loadProjectLock(ctx, q, id, lock)
		if err != nil {
			return loaded{}, authz.Object{}, false, err
		}
		edLock := ""
		if lock != "" {
			edLock = "for share"
		}
		e, err := loadEdition(ctx, q, p.EditionID, edLock)
		if err != nil {
			return loaded{}, authz.Object{}, false, err
		}
		return loaded{e, p}, ProjectObject(e, p), canSeeProject(ctx, e, p), nil
	})
	return v.e, v.p, err
}

// Project returns a project the caller may see.
func (s *Service) Project(ctx context.Context, id uuid.UUID) (*Project, error) {
	_, p, err := projectFor(ctx, s.pool, id, "", "")
	return p, err
}

// inWindow reports whether t is in [from, until) where each bound applies
// when set.
func inWindow(t time.Time, from, until *time.Time) bool {
	return (from == nil || !t.Before(*from)) && (until == nil || t.Before(*until))
}

// submissionOpen: the submission phase and, where set, its dates.
func (e *Edition) submissionOpen(t time.Time) bool {
	return e.Status == StatusSubmission && inWindow(t, e.SubmissionOpensAt, e.SubmissionClosesAt)
}

// supportOpen: supports are collected during submission and verification
// (before verificationEndsAt when set).
func (e *Edition) supportOpen(t time.Time) bool {
	return (e.Status == StatusSubmission || e.Status == StatusVerification) &&
		inWindow(t, e.SubmissionOpensAt, e.VerificationEndsAt)
}

func (e *Edition) verificationOpen(t time.Time) bool {
	return e.Status == StatusVerification && inWindow(t, nil, e.VerificationEndsAt)
}

func (e *Edition) appealsOpen(t time.Time) bool {
	return e.Status == StatusAppeals && inWindow(t, nil, e.AppealsCloseAt)
}

// beforeVoting: projects may be withdrawn until the vote opens.
func (e *Edition) beforeVoting() bool {
	switch e.Status {
	case StatusDraft, StatusSubmission, StatusVerification, StatusAppeals:
		return true
	}
	return false
}

// Phase errors of projects.
var (
	ErrSubmissionClosed   = apperr.New(apperr.PhaseClosed, "budget.submission_closed")
	ErrSupportClosed      = apperr.New(apperr.PhaseClosed, "budget.support_closed")
	ErrVerificationClosed = apperr.New(apperr.PhaseClosed, "budget.verification_closed")
	ErrAppealsClosed      = apperr.New(apperr.PhaseClosed, "budget.appeals_closed")
	ErrVotingStarted      = apperr.New(apperr.PhaseClosed, "budget.voting_started")
	// ErrProjectStatus: the project is not in a status that allows this.
	ErrProjectStatus = apperr.New(apperr.Conflict, "budget.project_status")
)

// validateSchedule checks that the set dates of the phases follow each
// other: submission opens, submission closes, verification ends, appeals
// close, voting opens, voting closes, results are due.
func validateSchedule(in EditionInput) error {
	steps := []struct {
		field string
		at    *time.Time
	}{
		{"submissionOpensAt", in.SubmissionOpensAt}, {"submissionClosesAt", in.SubmissionClosesAt},
		{"verificationEndsAt", in.VerificationEndsAt}, {"appealsCloseAt", in.AppealsCloseAt},
		{"votingOpensAt", in.VotingOpensAt}, {"votingClosesAt", in.VotingClosesAt}, {"resultsDueAt", in.ResultsDueAt},
	}
	var prev *time.Time
	for _, st := range steps {
		if st.at == nil {
			continue
		}
		if prev != nil && !st.at.After(*prev) {
			return apperr.Invalid(st.field, "budget.schedule_sequence")
		}
		prev = st.at
	}
	return nil
}

// validateCostLimits checks a pool's limits of a project's cost.
func validateCostLimits(in PoolInput) error {
	if in.MinProjectCost != nil && *in.MinProjectCost <= 0 {
		return apperr.Invalid("minProjectCost", "budget.amount_invalid")
	}
	if in.MaxProjectCost != nil && (*in.MaxProjectCost <= 0 || *in.MaxProjectCost > in.Budget) {
		return apperr.Invalid("maxProjectCost", "budget.max_cost_invalid")
	}
	if in.MinProjectCost != nil && in.MaxProjectCost != nil && *in.MinProjectCost > *in.MaxProjectCost {
		return apperr.Invalid("minProjectCost", "budget.min_cost_invalid")
	}
	if in.SupportsRequired < 0 {
		return apperr.Invalid("supportsRequired", "budget.supports_required_invalid")
	}
	return nil
}

// costInRange checks a project's cost against its pool's limits.
func costInRange(pool *Pool, cost int64, field string) error {
	if cost > 0 && (pool.MinProjectCost == nil || cost >= *pool.MinProjectCost) &&
		(pool.MaxProjectCost == nil || cost <= *pool.MaxProjectCost) && cost <= pool.Budget {
		return nil
	}
	limits := map[string]any{"min": formatMoney(1), "max": formatMoney(pool.Budget)}
	if pool.MinProjectCost != nil {
		limits["min"] = formatMoney(*pool.MinProjectCost)
	}
	if pool.MaxProjectCost != nil {
		limits["max"] = formatMoney(*pool.MaxProjectCost)
	}
	return apperr.Invalid(field, "budget.cost_out_of_range").With(limits)
}

// formatMoney writes grosze as the decimal PLN string of the API.
func formatMoney(g int64) string { return fmt.Sprintf("%d.%02d", g/100, g%100) }

// oldEnough reports whether a person born on birth (YYYY-MM-DD) is at least
// MinProposerAge on the day t in Warsaw. Someone born on 29 February comes
// of age on 1 March in a common year.
func oldEnough(birth string, t time.Time) (bool, error) {
	b, err := time.ParseInLocation(time.DateOnly, birth, Warsaw)
	if err != nil {
		return false, apperr.Invalid("proposerBirthDate", "budget.birth_date_invalid")
	}
	y, m, d := t.In(Warsaw).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, Warsaw)
	comes := time.Date(b.Year()+MinProposerAge, b.Month(), b.Day(), 0, 0, 0, 0, Warsaw)
	return !comes.After(today), nil
}

// ProjectText is a project's title, description, cost and location as a
// proposer writes them.
type ProjectText struct {
	Title       string
	Description string
	Locale      i18n.Locale
	Cost        int64
	Location    string
}

func (t *ProjectText) normalise() error {
	t.Title, t.Location = strings.TrimSpace(t.Title), strings.TrimSpace(t.Location)
	if t.Title == "" || utf8.RuneCountInString(t.Title) > maxProjectTitle {
		return apperr.Invalid("title", "budget.title_invalid")
	}
	if strings.TrimSpace(t.Description) == "" || utf8.RuneCountInString(t.Description) > i18n.MaxTextRunes {
		return apperr.Invalid("description", "budget.description_invalid")
	}
	if !t.Locale.Valid() {
		return apperr.Invalid("locale", "text.locale_invalid")
	}
	if t.Location == "" || utf8.RuneCountInString(t.Location) > maxProjectLocation {
		return apperr.Invalid("location", "budget.location_invalid")
	}
	return nil
}

// SubmitInput is a resident's project.
type SubmitInput struct {
	EditionID uuid.UUID
	PoolID    uuid.UUID
	ProjectText
	// ProposerBirthDate (YYYY-MM-DD) is checked and dropped: only the fact
	// that the age was checked is stored.
	ProposerBirthDate string
	// Assist is set when an NGO member enters the project for a resident.
	Assist *AssistInput
}

// AssistInput names the NGO and the resident an assisted project is for.
type AssistInput struct {
	OrganisationID uuid.UUID
	ProposerEmail  string
}

// SubmitProject stores a resident's project during the submission phase.
// The caller proposes it ("submit": a confirmed account) or, with Assist,
// enters it as a member of an NGO for the confirmed resident with that
// e-mail ("assist" in the NGO's domain); the resident is notified and
// becomes its proposer, and it waits for their consent. The proposer must
// be 16 or older on the day in Warsaw; the cost must be within the pool's
// limits. The project gets the code BO.<pool number>.<n>/<yy>.
func (s *Service) SubmitProject(ctx context.Context, in SubmitInput) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	now := s.now()
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, in.EditionID, "for share")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		proposer, status := caller.AccountID, ProjectSubmitted
		var org *uuid.UUID
		var member *uuid.UUID
		if in.Assist == nil {
			if err := authz.Require(ctx, ActSubmitProject, ProjectObject(e, nil)); err != nil {
				return err
			}
		} else {
			o := ProjectObject(e, nil)
			o.Domains = []string{authz.Domain("org", in.Assist.OrganisationID)}
			if err := authz.Require(ctx, ActAssistProject, o); err != nil {
				return err
			}
			var kind string
			err := tx.QueryRow(ctx, `select kind from organisations where id = $1`, in.Assist.OrganisationID).Scan(&kind)
			if errors.Is(err, pgx.ErrNoRows) || (err == nil && kind != "ngo") {
				return apperr.Invalid("assist.organisationId", "budget.assist_org_invalid")
			}
			if err != nil {
				return fmt.Errorf("read organisation: %w", err)
			}
			org, member, status = &in.Assist.OrganisationID, &caller.AccountID, ProjectAwaitingConsent
		}
		if !e.submissionOpen(now) {
			return ErrSubmissionClosed
		}
		pool, err := loadPool(ctx, tx, in.PoolID)
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && pool.EditionID != e.ID) {
			return apperr.Invalid("poolId", "budget.pool_unknown")
		}
		if err != nil {
			return err
		}
		if err := in.normalise(); err != nil {
			return err
		}
		if err := costInRange(pool, in.Cost, "costEstimate"); err != nil {
			return err
		}
		ok, err := oldEnough(in.ProposerBirthDate, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Invalid("proposerBirthDate", "budget.proposer_too_young").With(map[string]any{"age": MinProposerAge})
		}
		if in.Assist != nil {
			// Sign-up already tells whether an e-mail is taken, so naming an
			// unknown one reveals nothing new.
			err := tx.QueryRow(ctx, `select id from accounts where email = lower(trim($1))
				and email_confirmed_at is not null and deleted_at is null`, in.Assist.ProposerEmail).Scan(&proposer)
			if errors.Is(err, pgx.ErrNoRows) {
				return apperr.Invalid("assist.proposerEmail", "budget.proposer_unknown")
			}
			if err != nil {
				return fmt.Errorf("read proposer: %w", err)
			}
		}
		code, seq, err := nextCode(ctx, tx, e, pool)
		if err != nil {
			return err
		}
		// The texts are the proposer's: they own the project and its words
		// (an NGO member only writes them down for them).
		domains := []string{Domain(e.ID), authz.Domain("org", e.UnitID)}
		titleID, err := i18n.CreateText(ctx, tx.Tx, in.Locale, in.Title, proposer, domains)
		if err != nil {
			return err
		}
		descID, err := i18n.CreateText(ctx, tx.Tx, in.Locale, in.Description, proposer, domains)
		if err != nil {
			return apperr.Invalid("description", "budget.description_invalid")
		}
		var submittedAt *time.Time
		if status == ProjectSubmitted {
			submittedAt = &now
		}
		if _, err := tx.Exec(ctx, `insert into budget_projects (id, pool_id, code, seq, title, cost, cost_estimate, status,
				title_text_id, description_text_id, location, proposer_id, age_checked, assisted_by_org, assisted_by_member,
				submitted_at)
			values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, true, $12, $13, $14)`,
			id, pool.ID, code, seq, in.Title, in.Cost, status, titleID, descID, in.Location, proposer, org, member,
			submittedAt); err != nil {
			return fmt.Errorf("insert project: %w", err)
		}
		data := map[string]any{"pool_id": pool.ID.String(), "code": code, "status": status}
		if org != nil {
			data["assisted_by"] = org.String()
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.project_submit",
			ObjectType: "budget_project", ObjectID: id.String(), Data: data}); err != nil {
			return err
		}
		if org == nil {
			return nil
		}
		return s.notifyProposer(ctx, tx, proposer, NoticeProjectConsent, "consent:"+id.String(),
			map[string]string{"edition_id": e.ID.String(), "project_id": id.String(), "code": code})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// nextCode numbers a pool's residents' projects: BO.<pool number>.<n>/<yy>
// (the pool number is its position from 1). The pool row lock orders
// concurrent submissions; a code taken by a staff-entered project is
// skipped.
func nextCode(ctx context.Context, tx *db.Tx, e *Edition, pool *Pool) (string, int, error) {
	var seq int
	if err := tx.QueryRow(ctx, `select coalesce((select max(seq) from budget_projects where pool_id = l.id), 0)
		from budget_pools l where l.id = $1 for update`, pool.ID).Scan(&seq); err != nil {
		return "", 0, fmt.Errorf("number project: %w", err)
	}
	for {
		seq++
		code := fmt.Sprintf("BO.%d.%d/%02d", pool.Position+1, seq, e.Year%100)
		var taken bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from budget_projects where pool_id = $1 and code = $2)`,
			pool.ID, code).Scan(&taken); err != nil {
			return "", 0, fmt.Errorf("number project: %w", err)
		}
		if !taken {
			return code, seq, nil
		}
	}
}

func (s *Service) notifyProposer(ctx context.Context, tx *db.Tx, account uuid.UUID, kind, key string, data map[string]string) error {
	if s.notify == nil || account == uuid.Nil {
		return nil
	}
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: account, Kind: kind, Data: data,
		DedupeKey: "budget_project:" + key, InApp: true, Email: true})
}

// EditProject replaces the title, description, cost and location of a
// submitted project: its proposer ("edit", owner), while the submission
// phase is open. Texts get a new original version (the old one stays).
func (s *Service) EditProject(ctx context.Context, id uuid.UUID, in ProjectText) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, id, ActEditProject, "for update")
		if err != nil {
			return err
		}
		if err := mayEditProject(e, p, s.now()); err != nil {
			return err
		}
		pool, err := loadPool(ctx, tx, p.PoolID)
		if err != nil {
			return err
		}
		if err := in.normalise(); err != nil {
			return err
		}
		if err := costInRange(pool, in.Cost, "costEstimate"); err != nil {
			return err
		}
		if err := s.rewrite(ctx, tx, p.TitleTextID, in.Locale, in.Title, caller.AccountID); err != nil {
			return err
		}
		if err := s.rewrite(ctx, tx, p.DescriptionTextID, in.Locale, in.Description, caller.AccountID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update budget_projects set title = $2, cost = $3, cost_estimate = $3, location = $4, updated_at = now()
			where id = $1`, id, in.Title, in.Cost, in.Location); err != nil {
			return fmt.Errorf("update project: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.project_edit",
			ObjectType: "budget_project", ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// rewrite adds a new original version of a project's text; the locale is
// the original's (a proposer edits in the language they wrote in).
func (s *Service) rewrite(ctx context.Context, tx *db.Tx, textID *uuid.UUID, locale i18n.Locale, body string, author uuid.UUID) error {
	if textID == nil {
		return ErrProjectStatus
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{*textID})
	if err != nil {
		return err
	}
	t := texts[*textID]
	if t == nil {
		return apperr.ErrNotFound
	}
	if locale != t.OriginalLocale {
		return apperr.Invalid("locale", "budget.locale_fixed")
	}
	_, err = i18n.AddVersion(ctx, tx.Tx, *textID, locale, body, author, i18n.SourceHuman)
	return err
}

// ConsentToProject is the resident's answer to a project an NGO entered
// for them ("edit", owner): consent makes it submitted (theirs from then on,
// while the submission phase is open); a refusal withdraws it with the
// reason "consent refused".
func (s *Service) ConsentToProject(ctx context.Context, id uuid.UUID, consent bool) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	now := s.now()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, id, ActEditProject, "for update")
		if err != nil {
			return err
		}
		if p.Status != ProjectAwaitingConsent {
			return ErrProjectStatus
		}
		action := "budget.project_consent"
		if consent {
			if !e.submissionOpen(now) {
				return ErrSubmissionClosed
			}
			_, err = tx.Exec(ctx, `update budget_projects set status = 'submitted', submitted_at = $2, updated_at = now()
				where id = $1`, id, now)
		} else {
			action = "budget.project_consent_refused"
			_, err = tx.Exec(ctx, `update budget_projects set status = 'withdrawn', withdrawn_reason = 'consent refused',
				withdrawn_at = $2, updated_at = now() where id = $1`, id, now)
		}
		if err != nil {
			return fmt.Errorf("consent: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: action,
			ObjectType: "budget_project", ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// WithdrawProject withdraws a project by its proposer ("withdraw", owner)
// until the vote opens; it stays listed as withdrawn.
func (s *Service) WithdrawProject(ctx context.Context, id uuid.UUID, reason string) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxReason {
		return nil, apperr.Invalid("reason", "budget.reason_invalid")
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, id, ActWithdrawProject, "for update")
		if err != nil {
			return err
		}
		if err := mayWithdrawProject(e, p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update budget_projects set status = 'withdrawn', withdrawn_reason = $2,
				withdrawn_at = $3, updated_at = now() where id = $1`, id, reason, s.now()); err != nil {
			return fmt.Errorf("withdraw: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.project_withdraw",
			ObjectType: "budget_project", ObjectID: id.String(), Reason: reason,
			Data: map[string]any{"from": p.Status}})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// SupportProject records the caller's support ("support": a confirmed
// account) of a submitted project during submission and verification;
// supporting twice counts once. Supporting one's own project is refused
// (CONFLICT budget.support_own).
func (s *Service) SupportProject(ctx context.Context, id uuid.UUID) (*Project, error) {
	return s.setSupport(ctx, id, true)
}

// UnsupportProject withdraws the caller's support in the same phases; a
// support that does not exist changes nothing.
func (s *Service) UnsupportProject(ctx context.Context, id uuid.UUID) (*Project, error) {
	return s.setSupport(ctx, id, false)
}

func (s *Service) setSupport(ctx context.Context, id uuid.UUID, on bool) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// No row lock: concurrent supports meet on the support's primary key.
		e, p, err := projectFor(ctx, tx, id, ActSupportProject, "")
		if err != nil {
			return err
		}
		if err := maySupportProject(e, p, s.now(), caller.AccountID); err != nil {
			return err
		}
		_, _, err = support.Set(ctx, tx, support.BudgetProject, id, caller.AccountID, on)
		return err
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// SupportedProjects reports which of ids accountID supports, in one query.
func (s *Service) SupportedProjects(ctx context.Context, accountID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return support.Supporting(ctx, s.pool, support.BudgetProject, accountID, ids)
}

// ProjectFilter narrows an edition's project list.
type ProjectFilter struct {
	PoolID   *uuid.UUID
	Status   string
	District string
}

// ProjectCursor is a position in a project list (by code, then id).
type projectCursor struct {
	Code string    `json:"c"`
	ID   uuid.UUID `json:"i"`
}

func (c projectCursor) Valid() bool { return c.ID != uuid.Nil }

// Cursor is p's position in EditionProjectList.
func (p Project) Cursor() string {
	return page.Cursor("budget_projects", projectCursor{Code: p.Code, ID: p.ID})
}

// EditionProjectList lists an edition's projects by code, every status
// (withdrawn ones stay listed as withdrawn). Drafts awaiting consent are
// listed only for those who may see them through Project: staff of the
// edition (the same Casbin check on a draft object), their proposer and
// the member who entered them.
func (s *Service) EditionProjectList(ctx context.Context, editionID uuid.UUID, f ProjectFilter, first int, after string) (page.Page[Project], error) {
	var none page.Page[Project]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur projectCursor
	resume, err := page.After("budget_projects", after, &cur)
	if err != nil {
		return none, err
	}
	e, err := s.Edition(ctx, editionID)
	if err != nil {
		return none, err
	}
	sub := authz.SubjectFrom(ctx)
	staff := authz.Can(ctx, ActRead, ProjectObject(e, nil))
	where := `l.edition_id = $1 and ($2 or p.status <> 'awaiting_consent' or ($3::uuid is not null and
		(p.proposer_id = $3 or p.assisted_by_member = $3)))
		and ($4::uuid is null or p.pool_id = $4) and ($5 = '' or p.status = $5) and ($6 = '' or l.district = $6)`
	var caller *uuid.UUID
	if !sub.Anonymous() {
		caller = &sub.AccountID
	}
	args := []any{e.ID, staff, caller, f.PoolID, f.Status, f.District}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from `+projectFrom+` where `+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count projects: %w", err)
	}
	keyset := where
	if resume {
		keyset += ` and (p.code, p.id) > ($7, $8)`
		args = append(args, cur.Code, cur.ID)
	}
	rows, err := s.pool.Query(ctx, `select `+projectColumns+` from `+projectFrom+` where `+keyset+
		fmt.Sprintf(` order by p.code, p.id limit %d`, first+1), args...)
	if err != nil {
		return none, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var items []Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return none, fmt.Errorf("scan project: %w", err)
		}
		items = append(items, *p)
	}
	if err := rows.Err(); err != nil {
		return none, fmt.Errorf("list projects: %w", err)
	}
	return page.Of(items, first, total), nil
}

// The state rules of the project actions: each mutation checks its rule
// after the caller's permission, and ProjectViewerCanIn shows exactly what
// they allow.

func mayEditProject(e *Edition, p *Project, now time.Time) error {
	if !e.submissionOpen(now) {
		return ErrSubmissionClosed
	}
	if p.Status != ProjectSubmitted {
		return ErrProjectStatus
	}
	return nil
}

func mayWithdrawProject(e *Edition, p *Project) error {
	if !e.beforeVoting() {
		return ErrVotingStarted
	}
	if p.Status == ProjectWithdrawn {
		return ErrProjectStatus
	}
	return nil
}

// verifiable: a project verification decides on, or supports gather for.
func verifiable(p *Project) bool {
	return p.Status == ProjectSubmitted || p.Status == ProjectEligible || p.Status == ProjectIneligible
}

func maySupportProject(e *Edition, p *Project, now time.Time, caller uuid.UUID) error {
	if !e.supportOpen(now) {
		return ErrSupportClosed
	}
	if !verifiable(p) {
		return ErrProjectStatus
	}
	if p.ProposerID == caller {
		return apperr.New(apperr.Conflict, "budget.support_own")
	}
	return nil
}

func mayVerifyProject(e *Edition, p *Project, now time.Time) error {
	if !e.verificationOpen(now) {
		return ErrVerificationClosed
	}
	if !verifiable(p) {
		return ErrProjectStatus
	}
	return nil
}

func mayAppealProject(e *Edition, p *Project, now time.Time) error {
	if !e.appealsOpen(now) {
		return ErrAppealsClosed
	}
	if p.Appeal != nil {
		return apperr.New(apperr.Conflict, "budget.appeal_exists")
	}
	if p.Status != ProjectIneligible {
		return ErrProjectStatus
	}
	return nil
}

func mayDecideAppeal(e *Edition, p *Project) error {
	if e.Status != StatusAppeals {
		return ErrAppealsClosed
	}
	if p.Appeal == nil {
		return apperr.New(apperr.Conflict, "budget.appeal_missing")
	}
	if p.Appeal.Status != AppealPending {
		return apperr.New(apperr.Conflict, "budget.appeal_decided")
	}
	return nil
}

// ProjectPermissions are the actions a UI shows for a project.
type ProjectPermissions struct {
	Edit, Withdraw, Support, Appeal, Verify, DecideAppeal bool
}

// ProjectViewerCan computes the caller's permissions on a project with the
// same checks as the actions (role and phase; not input).
func (s *Service) ProjectViewerCan(ctx context.Context, p *Project) (ProjectPermissions, error) {
	var out ProjectPermissions
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return out, nil
	}
	e, err := loadEdition(ctx, s.pool, p.EditionID, "")
	if err != nil {
		return out, err
	}
	return s.ProjectViewerCanIn(ctx, e, p), nil
}

// ProjectViewerCanIn is ProjectViewerCan with the project's edition at hand
// (no statement: for pages, whose edition is loaded once).
func (s *Service) ProjectViewerCanIn(ctx context.Context, e *Edition, p *Project) ProjectPermissions {
	var out ProjectPermissions
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() || e == nil || e.ID != p.EditionID {
		return out
	}
	now, o := s.now(), ProjectObject(e, p)
	out.Edit = authz.Can(ctx, ActEditProject, o) && mayEditProject(e, p, now) == nil
	out.Withdraw = authz.Can(ctx, ActWithdrawProject, o) && mayWithdrawProject(e, p) == nil
	out.Support = authz.Can(ctx, ActSupportProject, o) && maySupportProject(e, p, now, sub.AccountID) == nil
	out.Appeal = authz.Can(ctx, ActAppealProject, o) && mayAppealProject(e, p, now) == nil
	out.Verify = authz.Can(ctx, ActVerifyProject, o) && mayVerifyProject(e, p, now) == nil
	out.DecideAppeal = authz.Can(ctx, ActDecideAppeal, o) && mayDecideAppeal(e, p) == nil
	return out
}
