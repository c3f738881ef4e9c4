package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/phase"
	"github.com/otwarty/otwarty/internal/tally"
)

// Limits of an election.
const (
	MaxCandidates = 200
	MaxLabelRunes = 200
)

// Input is a new poll.
type Input struct {
	Format string
	// Form is Motion (the default) or Election.
	Form Form
	// Secret: ballots through the ballot box, totals only. Elections are
	// always secret.
	Secret bool
	Rule   tally.Rule
	// AllowChange lets a voter change an open vote until the close.
	AllowChange bool
	// CastingVoter is the chair's key when Rule.CastingVote (open motions
	// only: a secret vote has no known chair's vote).
	CastingVoter *VoterKey
	// Candidates, Picks (each voter picks up to this many) and Seats (how
	// many are elected) of an election.
	Candidates   []Candidate
	Picks, Seats int
	// Deadline makes a written vote: no cast after it, closed by a job at it.
	Deadline *time.Time
}

// Open opens a poll of owner ("manage" on the owner). Invalid input is
// INVALID_INPUT with its field: rule, castingVoter, candidates, picks,
// seats, deadline, allowChange.
func (s *Service) Open(ctx context.Context, owner uuid.UUID, in Input) (*Poll, error) {
	var p *Poll
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		p, err = s.OpenTx(ctx, tx, owner, in)
		return err
	})
	return p, err
}

// OpenTx is Open in the caller's transaction, for a domain that opens a
// poll together with changes of its own (nothing is written when tx rolls
// back).
func (s *Service) OpenTx(ctx context.Context, tx *db.Tx, owner uuid.UUID, in Input) (*Poll, error) {
	if in.Form == "" {
		in.Form = Motion
	}
	if err := s.validate(&in); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := func() error {
		o, err := authz.For(ctx, string(ActManage), func() (*Owner, authz.Object, bool, error) {
			o, err := s.cfg.Owner(ctx, tx, owner, ActManage)
			if err != nil {
				return nil, authz.Object{}, false, err
			}
			return o, o.Object, o.Visible, nil
		})
		if err != nil {
			return err
		}
		if o.Closed != nil {
			return o.Closed
		}
		rule, err := json.Marshal(in.Rule)
		if err != nil {
			return fmt.Errorf("poll rule: %w", err)
		}
		var castKind *string
		var castID *uuid.UUID
		if in.CastingVoter != nil {
			castKind, castID = &in.CastingVoter.Kind, &in.CastingVoter.ID
		}
		if err := tx.QueryRow(ctx, `insert into polls (kind, owner_id, format, form, secret, rule, allow_change, casting_kind,
				casting_id, picks, seats, deadline, opened_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			returning id`, s.cfg.Kind, owner, in.Format, in.Form, in.Secret, rule, in.AllowChange, castKind, castID,
			max(in.Picks, 1), max(in.Seats, 1), in.Deadline, actor).Scan(&id); err != nil {
			return fmt.Errorf("insert poll: %w", err)
		}
		for i, c := range in.Candidates {
			if _, err := tx.Exec(ctx, `insert into poll_candidates (poll_id, id, label, position) values ($1, $2, $3, $4)`,
				id, c.ID, c.Label, i); err != nil {
				return fmt.Errorf("insert candidate: %w", err)
			}
		}
		if in.Deadline != nil {
			if err := phase.Schedule[closeJob](ctx, tx, s.jobs, id, string(Closed), *in.Deadline); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "poll.open", ObjectType: "poll",
			ObjectID: id.String(), Data: map[string]any{"kind": s.cfg.Kind, "owner_id": owner.String(),
				"form": string(in.Form), "secret": in.Secret}})
	}()
	if err != nil {
		return nil, err
	}
	return s.load(ctx, tx, id, "")
}

// validate checks an input and normalises its labels.
func (s *Service) validate(in *Input) error {
	if _, err := tally.Decide(in.Rule, tally.Vote{}); errors.Is(err, tally.ErrRule) {
		return apperr.Invalid("rule", "poll.rule_invalid")
	} else if err != nil {
		return fmt.Errorf("check rule: %w", err)
	}
	if in.Rule.CastingVote {
		if in.Secret || in.Form != Motion {
			return apperr.Invalid("rule", "poll.casting_vote_secret")
		}
		if in.CastingVoter == nil || !in.CastingVoter.valid() {
			return apperr.Invalid("castingVoter", "poll.casting_voter_required")
		}
	} else if in.CastingVoter != nil {
		return apperr.Invalid("castingVoter", "poll.casting_voter_unused")
	}
	if in.AllowChange && in.Secret {
		return apperr.Invalid("allowChange", "poll.change_secret")
	}
	if in.Deadline != nil && !in.Deadline.After(s.now()) {
		return apperr.Invalid("deadline", "poll.deadline_past")
	}
	switch in.Form {
	case Motion:
		if len(in.Candidates) > 0 || in.Picks > 1 || in.Seats > 1 {
			return apperr.Invalid("candidates", "poll.candidates_motion")
		}
	case Election:
		if !in.Secret {
			return apperr.Invalid("secret", "poll.election_open")
		}
		n := len(in.Candidates)
		if n == 0 || n > MaxCandidates {
			return apperr.Invalid("candidates", "poll.candidates_invalid").With(map[string]any{"max": MaxCandidates})
		}
		seen := map[uuid.UUID]bool{}
		for i := range in.Candidates {
			c := &in.Candidates[i]
			c.Label = strings.TrimSpace(c.Label)
			if c.ID == uuid.Nil || seen[c.ID] || c.Label == "" || len([]rune(c.Label)) > MaxLabelRunes {
				return apperr.Invalid("candidates", "poll.candidates_invalid").With(map[string]any{"max": MaxCandidates})
			}
			seen[c.ID] = true
		}
		if in.Picks < 1 || in.Picks > n {
			return apperr.Invalid("picks", "poll.picks_invalid").With(map[string]any{"max": n})
		}
		if in.Seats < 1 || in.Seats > n {
			return apperr.Invalid("seats", "poll.seats_invalid").With(map[string]any{"max": n})
		}
	default:
		return apperr.Invalid("form", "poll.form_invalid")
	}
	return nil
}
