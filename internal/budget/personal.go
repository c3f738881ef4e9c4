package budget

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/follow"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/support"
)

// PersonalData is the civic budget's share of a person's data, for the
// GDPR export and erasure (identity.PersonalData). Ballots are not part of
// it: nothing links them to a person. What is exported is what the
// platform knows about the person: their places on voter rolls (and
// whether they voted, never how), children registered by them, projects
// they proposed or helped to submit, supports, session registrations,
// follows, and their acts as staff (voting-point assignments, results
// signatures).
//
// Erasure keeps public contributions (a proposed project stays, without its
// proposer) and the public record (a commission signature stays, shown as
// a deleted account's), removes the links that only concern the person
// (supports — the projects keep their counts —, follows, session
// registrations, whose freed seats go to the waiting list), and unlinks the
// person's places on voter rolls: the roll keeps the keyed hash so the
// person still cannot vote twice in a running edition, but no longer the
// account. A project still awaiting the person's consent is withdrawn.
type PersonalData struct{ s *Service }

// PersonalData returns the service's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{s: s} }

// Name is the export section.
func (PersonalData) Name() string { return "civicBudget" }

// PersonalExport is what Export returns.
type PersonalExport struct {
	VoterRolls     []personalVoter        `json:"voterRolls"`
	Children       []personalVoter        `json:"childrenRegistered"`
	Projects       []personalProject      `json:"projectsProposed"`
	Assisted       []personalProject      `json:"projectsAssisted"`
	Supports       []personalSupport      `json:"supports"`
	Sessions       []personalRegistration `json:"sessionRegistrations"`
	Follows        []personalFollow       `json:"follows"`
	VotingPoints   []personalPoint        `json:"votingPointAssignments"`
	ResultsSigned  []personalSignature    `json:"resultsSigned"`
	PaperEntries   int                    `json:"paperBallotEntries"`
	CodesIssued    int                    `json:"votingCodesIssued"`
	SurveyAnswered string                 `json:"participationSurvey"`
}

type personalVoter struct {
	EditionID    uuid.UUID `json:"editionId"`
	District     string    `json:"district"`
	RegisteredAt time.Time `json:"registeredAt"`
	Voted        bool      `json:"voted"`
}

type personalProject struct {
	ID          uuid.UUID  `json:"id"`
	EditionID   uuid.UUID  `json:"editionId"`
	Code        string     `json:"code"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	SubmittedAt *time.Time `json:"submittedAt"`
}

type personalSupport struct {
	ProjectID uuid.UUID `json:"projectId"`
	At        time.Time `json:"at"`
}

type personalRegistration struct {
	SessionID uuid.UUID `json:"sessionId"`
	Status    string    `json:"status"`
	At        time.Time `json:"at"`
}

type personalFollow struct {
	EditionID uuid.UUID `json:"editionId"`
	Since     time.Time `json:"since"`
}

type personalPoint struct {
	VotingPointID uuid.UUID `json:"votingPointId"`
	AssignedAt    time.Time `json:"assignedAt"`
}

type personalSignature struct {
	EditionID   uuid.UUID `json:"editionId"`
	Computation int       `json:"computation"`
	SignedAt    time.Time `json:"signedAt"`
}

// Export reads the person's civic-budget data, one query per section.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	out := PersonalExport{SurveyAnswered: "Survey answers are stored without any link to a person, so they cannot be exported."}
	voter := func(r pgx.CollectableRow) (personalVoter, error) {
		var v personalVoter
		return v, r.Scan(&v.EditionID, &v.District, &v.RegisteredAt, &v.Voted)
	}
	project := func(r pgx.CollectableRow) (personalProject, error) {
		var p personalProject
		return p, r.Scan(&p.ID, &p.EditionID, &p.Code, &p.Title, &p.Status, &p.SubmittedAt)
	}
	const voters = `select v.edition_id, v.district, v.created_at, exists (select 1 from budget_ballot_markers m where m.voter_id = v.id)
		from budget_voters v where %s = $1 order by v.created_at, v.id`
	const projects = `select p.id, l.edition_id, p.code, p.title, p.status, p.submitted_at from budget_projects p
		join budget_pools l on l.id = p.pool_id where %s = $1 order by p.created_at, p.id`
	var err error
	sections := []func() error{
		func() (err error) {
			out.VoterRolls, err = db.CollectAll(ctx, tx, fmt.Sprintf(voters, "v.account_id"), []any{accountID}, voter)
			return err
		},
		func() (err error) {
			out.Children, err = db.CollectAll(ctx, tx, fmt.Sprintf(voters, "v.guardian_account_id"), []any{accountID}, voter)
			return err
		},
		func() (err error) {
			out.Projects, err = db.CollectAll(ctx, tx, fmt.Sprintf(projects, "p.proposer_id"), []any{accountID}, project)
			return err
		},
		func() (err error) {
			out.Assisted, err = db.CollectAll(ctx, tx, fmt.Sprintf(projects, "p.assisted_by_member"), []any{accountID}, project)
			return err
		},
		func() (err error) {
			supports, err := support.Of(ctx, tx, support.BudgetProject, accountID)
			out.Supports = make([]personalSupport, len(supports))
			for i, s := range supports {
				out.Supports[i] = personalSupport{ProjectID: s.Object, At: s.At}
			}
			return err
		},
		func() (err error) {
			regs, err := gathering.AccountRegistrations(ctx, tx, SessionGatheringKind, accountID)
			out.Sessions = make([]personalRegistration, 0, len(regs))
			for _, g := range regs {
				out.Sessions = append(out.Sessions, personalRegistration{SessionID: g.GatheringID, Status: g.Status, At: g.CreatedAt})
			}
			return err
		},
		func() (err error) {
			follows, err := follow.Of(ctx, tx, follow.BudgetEdition, accountID)
			out.Follows = make([]personalFollow, len(follows))
			for i, f := range follows {
				out.Follows[i] = personalFollow{EditionID: f.Object, Since: f.Since}
			}
			return err
		},
		func() (err error) {
			out.VotingPoints, err = db.CollectAll(ctx, tx, `select point_id, assigned_at from budget_point_officers where account_id = $1
				order by assigned_at, point_id`, []any{accountID}, func(r pgx.CollectableRow) (personalPoint, error) {
				var p personalPoint
				return p, r.Scan(&p.VotingPointID, &p.AssignedAt)
			})
			return err
		},
		func() (err error) {
			out.ResultsSigned, err = db.CollectAll(ctx, tx, `select edition_id, computation, signed_at from budget_result_signatures
				where account_id = $1 order by signed_at`, []any{accountID}, func(r pgx.CollectableRow) (personalSignature, error) {
				var s personalSignature
				return s, r.Scan(&s.EditionID, &s.Computation, &s.SignedAt)
			})
			return err
		},
		func() error {
			return tx.QueryRow(ctx, `select (select count(*) from budget_paper_entries where entered_by = $1),
				(select coalesce(sum(issued), 0) from budget_code_issuers where account_id = $1)`, accountID).
				Scan(&out.PaperEntries, &out.CodesIssued)
		},
	}
	for _, f := range sections {
		if err = f(); err != nil {
			return nil, fmt.Errorf("civic budget export: %w", err)
		}
	}
	return out, nil
}

// Erase removes or unlinks the person's data; see PersonalData.
func (p PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	// Seats the person held in sessions still to come go to the waiting list.
	if err := p.s.sessions.Forget(ctx, tx, accountID); err != nil {
		return err
	}
	if err := support.Forget(ctx, tx, support.BudgetProject, accountID); err != nil {
		return err
	}
	if err := follow.Forget(ctx, tx, follow.BudgetEdition, accountID); err != nil {
		return err
	}
	for _, sql := range []string{
		`update budget_projects set status = 'withdrawn', withdrawn_reason = 'account deleted', withdrawn_at = now(),
			updated_at = now() where proposer_id = $1 and status = 'awaiting_consent'`,
		`update budget_projects set proposer_id = null where proposer_id = $1`,
		`update budget_projects set assisted_by_member = null where assisted_by_member = $1`,
		`update budget_voters set account_id = null where account_id = $1`,
		`update budget_voters set guardian_account_id = null where guardian_account_id = $1`,
	} {
		if _, err := tx.Exec(ctx, sql, accountID); err != nil {
			return fmt.Errorf("civic budget erase: %w", err)
		}
	}
	return nil
}
