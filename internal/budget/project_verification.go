package budget

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// AdvanceEdition moves an edition one phase forward ("manage") among draft
// → submission → verification → appeals; the vote is opened by OpenVoting.
// The change is audited with from and to.
func (s *Service) AdvanceEdition(ctx context.Context, id uuid.UUID, to Status) (*Edition, error) {
	var from Status
	switch to {
	case StatusSubmission:
		from = StatusDraft
	case StatusVerification:
		from = StatusSubmission
	case StatusAppeals:
		from = StatusVerification
	default:
		return nil, apperr.Invalid("to", "budget.advance_invalid")
	}
	return s.transition(ctx, id, from, to, nil)
}

// VerifyInput is an official's decision on a project.
type VerifyInput struct {
	ProjectID uuid.UUID
	Eligible  bool
	Reason    string
	// VerifiedCost corrects the proposer's estimate (optional).
	VerifiedCost *int64
}

// VerifyProject records the verification decision ("verify": the unit's
// officials, coordinators, admins) during the verification phase. An
// ineligible decision needs a reason; an eligible one needs the pool's
// required supports. A decision may be changed during the phase. The
// proposer is notified.
func (s *Service) VerifyProject(ctx context.Context, in VerifyInput) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > maxReason {
		return nil, apperr.Invalid("reason", "budget.reason_invalid")
	}
	if !in.Eligible && in.Reason == "" {
		return nil, apperr.Invalid("reason", "budget.reason_required")
	}
	now := s.now()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, in.ProjectID, ActVerifyProject, "for update")
		if err != nil {
			return err
		}
		if err := mayVerifyProject(e, p, now); err != nil {
			return err
		}
		pool, err := loadPool(ctx, tx, p.PoolID)
		if err != nil {
			return err
		}
		if in.VerifiedCost != nil {
			if err := costInRange(pool, *in.VerifiedCost, "verifiedCost"); err != nil {
				return err
			}
		}
		decision := ProjectIneligible
		if in.Eligible {
			decision = ProjectEligible
			if p.SupportCount < pool.SupportsRequired {
				return apperr.New(apperr.Conflict, "budget.supports_missing").
					With(map[string]any{"required": pool.SupportsRequired, "count": p.SupportCount})
			}
		}
		// The verified cost, when given, is what the ballot and the count use.
		if _, err := tx.Exec(ctx, `update budget_projects set status = $2, decision = $2, decision_reason = nullif($3, ''),
				verified_cost = $4, cost = coalesce($4, cost_estimate, cost), decided_at = $5, decided_by = $6, updated_at = now()
			where id = $1`, p.ID, decision, in.Reason, in.VerifiedCost, now, caller.AccountID); err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		data := map[string]any{"from": p.Status, "to": decision}
		if in.VerifiedCost != nil {
			data["verified_cost"] = *in.VerifiedCost
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.project_verify",
			ObjectType: "budget_project", ObjectID: p.ID.String(), Reason: in.Reason, Data: data}); err != nil {
			return err
		}
		// One notice per decision (a changed decision is a new one); the
		// notice commits or rolls back with it.
		return s.notifyProposer(ctx, tx, p.ProposerID, NoticeProjectVerified,
			"verified:"+p.ID.String()+":"+uuid.NewString(),
			map[string]string{"edition_id": e.ID.String(), "project_id": p.ID.String(), "code": p.Code,
				"decision": decision, "reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, in.ProjectID)
}

// AppealDecision appeals an ineligible decision: the proposer ("appeal",
// owner) during the appeals phase (before appealsCloseAt when set), once
// per project.
func (s *Service) AppealDecision(ctx context.Context, id uuid.UUID, reason string) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return nil, apperr.Invalid("reason", "budget.reason_required")
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, id, ActAppealProject, "for update")
		if err != nil {
			return err
		}
		if err := mayAppealProject(e, p, s.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into budget_project_appeals (project_id, reason, created_at) values ($1, $2, $3)`,
			id, reason, s.now()); err != nil {
			return fmt.Errorf("appeal: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.project_appeal",
			ObjectType: "budget_project", ObjectID: id.String(), Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// DecideAppeal decides a pending appeal ("decide_appeal": the unit's
// officials, coordinators, admins) during the appeals phase: upheld makes
// the project eligible. The proposer is notified.
func (s *Service) DecideAppeal(ctx context.Context, id uuid.UUID, upheld bool, reason string) (*Project, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return nil, apperr.Invalid("reason", "budget.reason_required")
	}
	now := s.now()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, p, err := projectFor(ctx, tx, id, ActDecideAppeal, "for update")
		if err != nil {
			return err
		}
		if err := mayDecideAppeal(e, p); err != nil {
			return err
		}
		status := AppealRejected
		if upheld {
			status = AppealUpheld
			if _, err := tx.Exec(ctx, `update budget_projects set status = 'eligible', updated_at = now() where id = $1`, id); err != nil {
				return fmt.Errorf("uphold appeal: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `update budget_project_appeals set status = $2, decision_reason = $3, decided_at = $4,
				decided_by = $5 where project_id = $1`, id, status, reason, now, caller.AccountID); err != nil {
			return fmt.Errorf("decide appeal: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "budget.appeal_decide",
			ObjectType: "budget_project", ObjectID: id.String(), Reason: reason, Data: map[string]any{"decision": status}}); err != nil {
			return err
		}
		return s.notifyProposer(ctx, tx, p.ProposerID, NoticeAppealDecided, "appeal:"+id.String(),
			map[string]string{"edition_id": e.ID.String(), "project_id": id.String(), "code": p.Code,
				"decision": status, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return loadProject(ctx, s.pool, id)
}

// appealsDecided refuses to leave the appeals phase while an appeal of the
// edition is undecided.
func appealsDecided(ctx context.Context, tx *db.Tx, editionID uuid.UUID) error {
	var pending uuid.UUID
	err := tx.QueryRow(ctx, `select a.project_id from budget_project_appeals a join budget_projects p on p.id = a.project_id
		join budget_pools l on l.id = p.pool_id where l.edition_id = $1 and a.status = 'pending' limit 1`, editionID).Scan(&pending)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check appeals: %w", err)
	}
	return apperr.New(apperr.Conflict, "budget.appeals_pending")
}
