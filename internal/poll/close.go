package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/phase"
	"github.com/otwarty/otwarty/internal/tally"
)

// Result is the outcome of a closed poll with the numbers it was decided on.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// The electorate at the close; Present includes every voter key that
	// cast.
	Members int `json:"members"`
	Present int `json:"present"`
	Recused int `json:"recused"`
	// Voters is how many voter keys cast a vote.
	Voters int `json:"voters"`
	// A motion's votes and tally's decision (quorum, base, needed, casting
	// vote); an election's quorum is Tally.Quorum.
	Yes     int          `json:"yes"`
	No      int          `json:"no"`
	Abstain int          `json:"abstain"`
	Tally   tally.Result `json:"tally"`
	// An election's standings (most votes first, then the domain's order)
	// and its blank ballots.
	Standings []Standing `json:"standings,omitempty"`
	Blank     int        `json:"blank"`
	TieBreak  *TieBreak  `json:"tieBreak,omitempty"`
	// Void says why a poll was closed without a decision whatever its
	// votes (VoidTx: e.g. "dissolved"); "" for a poll decided by its votes.
	Void string `json:"void,omitempty"`
}

// Standing is one candidate's votes. Tied candidates share the last seats'
// votes and wait for the tie-break; after it, Elected says who got a seat.
type Standing struct {
	Candidate uuid.UUID `json:"candidate"`
	Label     string    `json:"label"`
	Votes     int       `json:"votes"`
	Elected   bool      `json:"elected"`
	Tied      bool      `json:"tied"`
}

// TieBreak is a manager's public record of how a tie was broken.
type TieBreak struct {
	// Order is the tied candidates, first seated first.
	Order []uuid.UUID `json:"order"`
	Note  string      `json:"note"`
	By    uuid.UUID   `json:"by"`
	At    time.Time   `json:"at"`
}

// Close closes poll id ("manage", the chair) and records its result.
// Closing a closed poll is PHASE_CLOSED poll.closed: there is no reopening.
func (s *Service) Close(ctx context.Context, id uuid.UUID) (*Result, error) {
	return s.manage(ctx, id, func(tx *db.Tx, p *Poll, actor uuid.UUID) (*Result, error) {
		return s.close(ctx, tx, p, actor, "")
	})
}

// VoidTx closes poll id, if it is still open, without a decision, in the
// domain's transaction: its votes are counted and kept with the result, but
// the outcome is Invalid whatever they say, and Result.Void records why.
// It is for a domain whose owner ceased while the poll was open (a body
// dissolved); it checks no permission, the domain having checked its own
// act. A closed poll is left as it is (false).
func (s *Service) VoidTx(ctx context.Context, tx *db.Tx, id uuid.UUID, reason string) (bool, error) {
	p, err := s.load(ctx, tx, id, "for update")
	if err != nil {
		return false, err
	}
	if p.Status != Open {
		return false, nil
	}
	if reason == "" {
		return false, errors.New("poll: a void needs its reason")
	}
	_, err = s.close(ctx, tx, p, authz.SubjectFrom(ctx).AccountID, reason)
	return err == nil, err
}

// manage runs f on poll id, locked for update, for a caller who may manage
// it, in a transaction.
func (s *Service) manage(ctx context.Context, id uuid.UUID, f func(tx *db.Tx, p *Poll, actor uuid.UUID) (*Result, error)) (*Result, error) {
	var res *Result
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, _, err := s.target(ctx, tx, id, ActManage, "for update")
		if err != nil {
			return err
		}
		res, err = f(tx, p, authz.SubjectFrom(ctx).AccountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// close closes p, locked for update in tx: the pending ballots of a secret
// poll are mixed in first, then everything is counted. A void reason makes
// the outcome Invalid whatever the votes (VoidTx).
func (s *Service) close(ctx context.Context, tx *db.Tx, p *Poll, actor uuid.UUID, void string) (*Result, error) {
	if p.Status != Open {
		return nil, ErrClosed
	}
	if p.Secret {
		if _, err := s.box.Mix(ctx, tx, boxKind(s.cfg.Kind), p.ID, true); err != nil {
			return nil, err
		}
	}
	e, err := s.cfg.Electorate(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	res, err := s.count(ctx, tx, p, e)
	if err != nil {
		return nil, err
	}
	if void != "" {
		res.Outcome, res.Void = Invalid, void
		for i := range res.Standings {
			res.Standings[i].Elected, res.Standings[i].Tied = false, false
		}
	}
	data, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("poll result: %w", err)
	}
	var by *uuid.UUID
	if actor != uuid.Nil {
		by = &actor
	}
	now := s.now()
	if _, err := tx.Exec(ctx, `update polls set status = 'closed', outcome = $2, result = $3, closed_by = $4, closed_at = $5
		where id = $1`, p.ID, res.Outcome, data, by, now); err != nil {
		return nil, fmt.Errorf("close poll: %w", err)
	}
	reason := void
	if actor == uuid.Nil && void == "" {
		reason = phase.ReasonSchedule
	}
	if err := phases.Record(ctx, tx, p.ID, string(Open), string(Closed), reason, actor); err != nil {
		return nil, err
	}
	if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "poll.close", ObjectType: "poll", ObjectID: p.ID.String(),
		Reason: reason, Data: map[string]any{"kind": s.cfg.Kind, "outcome": string(res.Outcome)}}); err != nil {
		return nil, err
	}
	p.Status, p.Outcome, p.ClosedBy, p.ClosedAt = Closed, res.Outcome, actor, &now
	if err := s.changed(ctx, tx, p); err != nil {
		return nil, err
	}
	return res, nil
}

// totals counts the votes of p: from the roll call, or from the written-out
// ballots of a secret poll.
func (s *Service) totals(ctx context.Context, q db.Querier, p *Poll) (Totals, error) {
	t := Totals{Candidates: map[uuid.UUID]int{}}
	var rows pgx.Rows
	var err error
	if p.Secret {
		rows, err = q.Query(ctx, `select coalesce(choice, ''), count(*) from poll_ballots where poll_id = $1 group by 1`, p.ID)
	} else {
		rows, err = q.Query(ctx, `select choice, count(*) from poll_votes where poll_id = $1 group by 1`, p.ID)
	}
	if err != nil {
		return t, fmt.Errorf("count votes: %w", err)
	}
	var n int
	var c string
	_, err = pgx.ForEachRow(rows, []any{&c, &n}, func() error {
		switch Choice(c) {
		case Yes:
			t.Yes = n
		case No:
			t.No = n
		case Abstain:
			t.Abstain = n
		}
		t.Ballots += n
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("count votes: %w", err)
	}
	if p.Form == Election {
		rows, err := q.Query(ctx, `select c, count(*) from poll_ballots, unnest(picks) c where poll_id = $1 group by c`, p.ID)
		if err != nil {
			return t, fmt.Errorf("count picks: %w", err)
		}
		var id uuid.UUID
		if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { t.Candidates[id] = n; return nil }); err != nil {
			return t, fmt.Errorf("count picks: %w", err)
		}
		if err := q.QueryRow(ctx, `select count(*) from poll_ballots where poll_id = $1 and cardinality(picks) = 0`,
			p.ID).Scan(&t.Blank); err != nil {
			return t, fmt.Errorf("count blank ballots: %w", err)
		}
	}
	return t, nil
}

// count decides p on its votes and the electorate e.
func (s *Service) count(ctx context.Context, tx *db.Tx, p *Poll, e Electorate) (*Result, error) {
	t, err := s.totals(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	v := tally.Vote{Members: e.Members, Recused: e.Recused, Present: max(e.Present, t.Ballots+e.Recused)}
	res := &Result{Members: v.Members, Present: v.Present, Recused: v.Recused, Voters: t.Ballots}
	if p.Form == Motion {
		v.For, v.Against, v.Abstain = t.Yes, t.No, t.Abstain
		res.Yes, res.No, res.Abstain = t.Yes, t.No, t.Abstain
		if p.CastingVoter != nil {
			var chair Choice
			err := tx.QueryRow(ctx, `select choice from poll_votes where poll_id = $1 and voter_kind = $2 and voter_id = $3`,
				p.ID, p.CastingVoter.Kind, p.CastingVoter.ID).Scan(&chair)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, fmt.Errorf("read casting vote: %w", err)
			}
			v.Chair = map[Choice]tally.Choice{Yes: tally.ChoiceFor, No: tally.ChoiceAgainst, Abstain: tally.ChoiceAbstain}[chair]
		}
	}
	// An election is decided by its standings; tally decides its quorum.
	if res.Tally, err = tally.Decide(p.Rule, v); err != nil {
		return nil, fmt.Errorf("poll %s: %w", p.ID, err)
	}
	res.Outcome = Outcome(res.Tally.Outcome)
	if p.Form == Election {
		res.Blank = t.Blank
		res.Standings = standings(p, t.Candidates)
		if res.Tally.Outcome != tally.Invalid {
			res.Outcome = seat(res.Standings, p.Seats)
		}
	}
	return res, nil
}

// standings orders the candidates by votes, then in the domain's order.
func standings(p *Poll, votes map[uuid.UUID]int) []Standing {
	out := make([]Standing, len(p.Candidates))
	for i, c := range p.Candidates {
		out[i] = Standing{Candidate: c.ID, Label: c.Label, Votes: votes[c.ID]}
	}
	slices.SortStableFunc(out, func(a, b Standing) int { return b.Votes - a.Votes })
	return out
}

// seat marks the elected candidates of standings (sorted) for seats, or the
// tied ones when candidates tie across the last seat.
func seat(st []Standing, seats int) Outcome {
	if seats >= len(st) {
		for i := range st {
			st[i].Elected = true
		}
		return Elected
	}
	last := st[seats-1].Votes
	if st[seats].Votes != last {
		for i := range seats {
			st[i].Elected = true
		}
		return Elected
	}
	for i := range st {
		st[i].Elected = st[i].Votes > last
		st[i].Tied = st[i].Votes == last
	}
	return Tied
}

// Result is the result of closed poll id (who may see the owner); PHASE_CLOSED
// poll.not_closed while it is open.
func (s *Service) Result(ctx context.Context, id uuid.UUID) (*Result, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != Closed {
		return nil, ErrNotClosed
	}
	return s.result(ctx, s.pool, id)
}

func (s *Service) result(ctx context.Context, q db.Querier, id uuid.UUID) (*Result, error) {
	var data []byte
	if err := q.QueryRow(ctx, `select result from polls where id = $1`, id).Scan(&data); err != nil {
		return nil, fmt.Errorf("read result: %w", err)
	}
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("read result: %w", err)
	}
	return &res, nil
}

// Minimum length of a tie-break's note.
const MinNoteRunes = 10

// RecordTieBreak breaks the tie of closed election id ("manage"): order
// lists exactly the tied candidates, first seated first; note says how it
// was decided (lots drawn, the rule applied), at least MinNoteRunes. CONFLICT
// poll.no_tie when there is no tie to break (or it was broken).
func (s *Service) RecordTieBreak(ctx context.Context, id uuid.UUID, order []uuid.UUID, note string) (*Result, error) {
	return s.manage(ctx, id, func(tx *db.Tx, p *Poll, actor uuid.UUID) (*Result, error) {
		if p.Status != Closed {
			return nil, ErrNotClosed
		}
		if p.Outcome != Tied {
			return nil, ErrNoTie
		}
		if len([]rune(note)) < MinNoteRunes {
			return nil, apperr.Invalid("note", "poll.note_required").With(map[string]any{"min": MinNoteRunes})
		}
		res, err := s.result(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		var tied []uuid.UUID
		elected := 0
		for _, st := range res.Standings {
			if st.Tied {
				tied = append(tied, st.Candidate)
			}
			if st.Elected {
				elected++
			}
		}
		if len(order) != len(tied) || !sameSet(order, tied) {
			return nil, apperr.Invalid("order", "poll.tie_order_invalid")
		}
		seated := map[uuid.UUID]bool{}
		for _, c := range order[:p.Seats-elected] {
			seated[c] = true
		}
		for i := range res.Standings {
			if res.Standings[i].Tied {
				res.Standings[i].Elected = seated[res.Standings[i].Candidate]
			}
		}
		now := s.now()
		res.Outcome = Elected
		res.TieBreak = &TieBreak{Order: order, Note: note, By: actor, At: now}
		data, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("poll result: %w", err)
		}
		if _, err := tx.Exec(ctx, `update polls set outcome = 'elected', result = $2, tie_break = $3, tie_break_note = $4,
			tie_broken_by = $5, tie_broken_at = $6 where id = $1`, id, data, order, note, actor, now); err != nil {
			return nil, fmt.Errorf("record tie-break: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "poll.tie_break", ObjectType: "poll",
			ObjectID: id.String(), Reason: note, Data: map[string]any{"order": order}}); err != nil {
			return nil, err
		}
		p.Outcome = Elected
		return res, s.changed(ctx, tx, p)
	})
}

func sameSet(a, b []uuid.UUID) bool {
	seen := map[uuid.UUID]bool{}
	for _, x := range a {
		if seen[x] || !slices.Contains(b, x) {
			return false
		}
		seen[x] = true
	}
	return true
}

// closeJob names the River job that closes a written vote at its deadline:
// phase.Scheduled, acting only if the poll is still open and its deadline
// still equals the job's time (stale jobs do nothing; not unique, see
// internal/phase).
type closeJob struct{}

// JobClose is the River job kind of deadline closes.
const JobClose = "poll.close"

func (closeJob) JobKind() string { return JobClose }

// Register adds the deadline worker for services (every kind of poll this
// process runs; one worker serves them all).
func Register(workers *river.Workers, log *slog.Logger, services ...*Service) {
	if len(services) == 0 {
		panic("poll: Register needs the services")
	}
	kinds := map[string]*Service{}
	for _, s := range services {
		kinds[s.cfg.Kind] = s
	}
	river.AddWorker(workers, &phase.Worker[closeJob]{Log: log, Apply: func(ctx context.Context, id uuid.UUID, to string, at time.Time) (bool, error) {
		var kind string
		err := services[0].pool.QueryRow(ctx, `select kind from polls where id = $1`, id).Scan(&kind)
		if errors.Is(err, pgx.ErrNoRows) || to != string(Closed) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("poll kind: %w", err)
		}
		s := kinds[kind]
		if s == nil {
			return false, fmt.Errorf("poll: no service for kind %q", kind)
		}
		return s.closeOnSchedule(ctx, id, at)
	}})
}

// closeOnSchedule closes poll id if it is open with its deadline at at.
func (s *Service) closeOnSchedule(ctx context.Context, id uuid.UUID, at time.Time) (bool, error) {
	closed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := s.load(ctx, tx, id, "for update")
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if p.Status != Open || !phase.SameTime(p.Deadline, at) {
			return nil
		}
		closed = true
		_, err = s.close(ctx, tx, p, uuid.Nil, "")
		return err
	})
	return closed, err
}
