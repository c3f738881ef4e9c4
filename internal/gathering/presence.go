package gathering

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Presence (Config.Presence) is current state with times, because a quorum
// changes during a meeting: each person's stays, from arrival to leaving.
// People on the roll — invitees and seat holders — check themselves in
// (in person) with the code shown in the room; staff record people present
// in person or, where the kind allows it, remotely, and record them leaving.
// Presence can be recorded from CheckinOpensBefore the start until the end;
// a stay still open at the end lasted until the end. Every change locks the
// gathering row, so concurrent check-ins are counted once each.

// PresenceRules are a kind's rules of presence.
type PresenceRules struct {
	// Remote lets staff record people as present remotely.
	Remote bool
	// Changed is called in the transaction of every change of a stay, with
	// the gathering's counts current (g.Present) and the stay as it now is
	// (LeftAt set when it ended): live events, quorum. Optional.
	Changed func(ctx context.Context, tx pgx.Tx, g *Gathering, p *Presence) error
}

// Presence is one stay of one person at a gathering.
type Presence struct {
	GatheringID uuid.UUID
	AccountID   uuid.UUID
	DisplayName string // "" for a deleted account; set by Present and Stays
	Mode        string // InPerson or Remote
	Since       time.Time
	LeftAt      *time.Time // nil while present
	Self        bool       // checked in with the code (else recorded by staff)
	Invited     bool       // on the roll by invitation (else by a seat); set by Present and Stays
}

// CheckinCode is a gathering's current check-in code, valid from ValidFrom
// until ValidUntil (the end) or until a new one is issued.
type CheckinCode struct {
	Code                  string
	IssuedAt              time.Time
	ValidFrom, ValidUntil time.Time
}

var errNoPresence = errors.New("gathering: presence is not enabled for this kind")

// checkinDigits is the length of a check-in code.
const checkinDigits = 6

// inWindow says whether presence can be recorded for g now.
func (s *Service) inWindow(g *Gathering) bool {
	now := s.now()
	return !now.Before(g.StartsAt.Add(-CheckinOpensBefore)) && now.Before(g.EndsAt)
}

// presenceOpen refuses presence changes of g: presence off, cancelled.
func (s *Service) presenceOpen(g *Gathering) error {
	if s.cfg.Presence == nil {
		return errNoPresence
	}
	if g.CancelledAt != nil {
		return s.cfg.Errors.Cancelled
	}
	return nil
}

// IssueCheckinCode issues a new check-in code for gathering id (ActManage)
// before it ends, replacing the current one, which stops working at once.
// The code is six random digits.
func (s *Service) IssueCheckinCode(ctx context.Context, id uuid.UUID) (*CheckinCode, error) {
	var c *CheckinCode
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if err := s.presenceOpen(g); err != nil {
			return err
		}
		if !s.now().Before(g.EndsAt) {
			return s.cfg.Errors.Ended
		}
		old, err := s.checkinCode(ctx, tx, g)
		if err != nil {
			return err
		}
		code, err := newCode()
		for err == nil && old != nil && code == old.Code {
			code, err = newCode()
		}
		if err != nil {
			return err
		}
		c = &CheckinCode{Code: code, IssuedAt: s.now(), ValidFrom: g.StartsAt.Add(-CheckinOpensBefore), ValidUntil: g.EndsAt}
		if _, err := tx.Exec(ctx, `update gatherings set checkin_code = $2, checkin_code_issued_at = $3 where id = $1`,
			g.ID, c.Code, c.IssuedAt); err != nil {
			return fmt.Errorf("issue check-in code: %w", err)
		}
		if _, err := tx.Exec(ctx, `delete from gathering_checkin_failures where gathering_id = $1`, g.ID); err != nil {
			return fmt.Errorf("issue check-in code: %w", err)
		}
		// Never the code itself: the audit log outlives it.
		return s.audit(ctx, tx, g, "checkin_code", "", map[string]any{"replaced": old != nil})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CheckinCode reads gathering id's current check-in code, for staff
// (ActManage); nil when none was issued.
func (s *Service) CheckinCode(ctx context.Context, id uuid.UUID) (*CheckinCode, error) {
	if err := s.manages(ctx, id); err != nil {
		return nil, err
	}
	g, err := s.load(ctx, s.pool, id, uuid.Nil)
	if err != nil {
		return nil, err
	}
	return s.checkinCode(ctx, s.pool, g)
}

func (s *Service) checkinCode(ctx context.Context, q Querier, g *Gathering) (*CheckinCode, error) {
	var code *string
	var at *time.Time
	if err := q.QueryRow(ctx, `select checkin_code, checkin_code_issued_at from gatherings where id = $1`, g.ID).
		Scan(&code, &at); err != nil {
		return nil, fmt.Errorf("read check-in code: %w", err)
	}
	if code == nil {
		return nil, nil
	}
	return &CheckinCode{Code: *code, IssuedAt: *at, ValidFrom: g.StartsAt.Add(-CheckinOpensBefore), ValidUntil: g.EndsAt}, nil
}

func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("check-in code: %w", err)
	}
	return fmt.Sprintf("%0*d", checkinDigits, n.Int64()), nil
}

// CheckIn marks the caller present in person at gathering id with the code
// shown in the room (ActRead: seeing the gathering, and being on its roll:
// invited, or holding a seat). Refused in this order: the domain's
// Cancelled, NotOnRoll, CheckinClosed (outside the window, or no code
// issued), CheckinAttempts (MaxCheckinFailures wrong codes already entered
// against this code), CheckinCode (wrong, or replaced; it counts, and is
// committed, under the gathering's lock, so that a burst of guesses counts
// exactly). Checking in again while present in person changes nothing;
// someone recorded as remote is now in person.
func (s *Service) CheckIn(ctx context.Context, id uuid.UUID, code string) (*Presence, error) {
	var p *Presence
	wrong := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		g, _, err := s.target(ctx, tx, id, ActRead)
		if err != nil {
			return err
		}
		if err := s.presenceOpen(g); err != nil {
			return err
		}
		me := authz.SubjectFrom(ctx).AccountID
		if err := s.onRoll(ctx, tx, g, me, s.cfg.Errors.NotOnRoll); err != nil {
			return err
		}
		if !s.inWindow(g) {
			return s.cfg.Errors.CheckinClosed
		}
		current, err := s.checkinCode(ctx, tx, g)
		if err != nil {
			return err
		}
		if current == nil {
			return s.cfg.Errors.CheckinClosed
		}
		var failures int
		if err := tx.QueryRow(ctx, `select coalesce((select failures from gathering_checkin_failures
			where gathering_id = $1 and account_id = $2), 0)`, g.ID, me).Scan(&failures); err != nil {
			return fmt.Errorf("check in: %w", err)
		}
		if failures >= MaxCheckinFailures {
			return s.cfg.Errors.CheckinAttempts
		}
		code = strings.Join(strings.Fields(code), "")
		if subtle.ConstantTimeCompare([]byte(code), []byte(current.Code)) != 1 {
			wrong = true
			_, err := tx.Exec(ctx, `insert into gathering_checkin_failures (gathering_id, account_id, failures) values ($1, $2, 1)
				on conflict (gathering_id, account_id) do update set failures = gathering_checkin_failures.failures + 1`, g.ID, me)
			return err
		}
		if p, err = s.arrive(ctx, tx, g, me, InPerson, true); err != nil {
			return err
		}
		return s.changed(ctx, tx, g)
	})
	if err != nil {
		return nil, err
	}
	if wrong {
		return nil, s.cfg.Errors.CheckinCode
	}
	return p, nil
}

// MarkPresent records account present at gathering id in mode (ActManage),
// within the window. Refused: the domain's Cancelled, Mode, RemoteNotAllowed
// (Remote where the kind does not allow it), CheckinClosed (outside the
// window), AttendeeNotOnRoll. Present in the same mode already: nothing
// changes; in the other mode: that stay ends and a new one begins.
func (s *Service) MarkPresent(ctx context.Context, id, account uuid.UUID, mode string) (*Presence, error) {
	var p *Presence
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if err := s.presenceOpen(g); err != nil {
			return err
		}
		if mode != InPerson && mode != Remote {
			return s.cfg.Errors.Mode
		}
		if mode == Remote && !s.cfg.Presence.Remote {
			return s.cfg.Errors.RemoteNotAllowed
		}
		if !s.inWindow(g) {
			return s.cfg.Errors.CheckinClosed
		}
		if err := s.onRoll(ctx, tx, g, account, s.cfg.Errors.AttendeeNotOnRoll); err != nil {
			return err
		}
		var err error
		if p, err = s.arrive(ctx, tx, g, account, mode, false); err != nil {
			return err
		}
		return s.audit(ctx, tx, g, "presence", "", map[string]any{"account_id": account.String(), "mode": mode,
			"present": true, "present_count": g.Present})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MarkLeft records that account left gathering id (ActManage), within the
// window: present is false again until they return. It returns the stay
// that ended, or nil when they were not present (nothing changes).
func (s *Service) MarkLeft(ctx context.Context, id, account uuid.UUID) (*Presence, error) {
	var p *Presence
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if err := s.presenceOpen(g); err != nil {
			return err
		}
		if !s.inWindow(g) {
			return s.cfg.Errors.CheckinClosed
		}
		var err error
		if p, err = s.leave(ctx, tx, g, account); err != nil || p == nil {
			return err
		}
		return s.audit(ctx, tx, g, "presence", "", map[string]any{"account_id": account.String(), "mode": p.Mode,
			"present": false, "present_count": g.Present})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// onRoll returns refusal unless account is invited to g or holds a seat.
func (s *Service) onRoll(ctx context.Context, tx pgx.Tx, g *Gathering, account uuid.UUID, refusal error) error {
	var ok bool
	if err := tx.QueryRow(ctx, `select exists (select from gathering_invitations where gathering_id = $1 and account_id = $2)
		or exists (select from gathering_registrations where gathering_id = $1 and account_id = $2 and status = 'registered')`,
		g.ID, account).Scan(&ok); err != nil {
		return fmt.Errorf("gathering roll: %w", err)
	}
	if !ok {
		return refusal
	}
	return nil
}

const stayColumns = `gathering_id, account_id, mode, arrived_at, left_at, self`

func scanStay(row pgx.Row) (*Presence, error) {
	var p Presence
	if err := row.Scan(&p.GatheringID, &p.AccountID, &p.Mode, &p.Since, &p.LeftAt, &p.Self); err != nil {
		return nil, err
	}
	return &p, nil
}

// arrive starts account's stay at g in mode unless one in that mode is open
// (returned as it is); an open stay in the other mode ends first. A seat
// holder's registration is marked attended.
func (s *Service) arrive(ctx context.Context, tx pgx.Tx, g *Gathering, account uuid.UUID, mode string, self bool) (*Presence, error) {
	open, err := scanStay(tx.QueryRow(ctx, `select `+stayColumns+` from gathering_presence
		where gathering_id = $1 and account_id = $2 and left_at is null`, g.ID, account))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("read presence: %w", err)
	case open.Mode == mode:
		return open, nil
	default:
		if _, err := s.leave(ctx, tx, g, account); err != nil {
			return nil, err
		}
	}
	var by *uuid.UUID
	if a := authz.SubjectFrom(ctx).AccountID; !self && a != uuid.Nil {
		by = &a
	}
	p, err := scanStay(tx.QueryRow(ctx, `insert into gathering_presence (gathering_id, account_id, mode, arrived_at, self, recorded_by)
		values ($1, $2, $3, $4, $5, $6) returning `+stayColumns, g.ID, account, mode, s.now(), self, by))
	if err != nil {
		return nil, fmt.Errorf("record presence: %w", err)
	}
	if _, err := tx.Exec(ctx, `update gathering_registrations set attended = true, updated_at = clock_timestamp()
		where gathering_id = $1 and account_id = $2 and status = 'registered' and attended is distinct from true`,
		g.ID, account); err != nil {
		return nil, fmt.Errorf("record presence: %w", err)
	}
	return p, s.presenceChanged(ctx, tx, g, p)
}

// leave ends account's open stay at g; nil when there is none.
func (s *Service) leave(ctx context.Context, tx pgx.Tx, g *Gathering, account uuid.UUID) (*Presence, error) {
	p, err := scanStay(tx.QueryRow(ctx, `update gathering_presence set left_at = greatest($3, arrived_at)
		where gathering_id = $1 and account_id = $2 and left_at is null returning `+stayColumns, g.ID, account, s.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("record leaving: %w", err)
	}
	return p, s.presenceChanged(ctx, tx, g, p)
}

// presenceChanged refreshes g's counts and calls the kind's hook.
func (s *Service) presenceChanged(ctx context.Context, tx pgx.Tx, g *Gathering, p *Presence) error {
	now, err := s.load(ctx, tx, g.ID, uuid.Nil)
	if err != nil {
		return err
	}
	g.Attended, g.Invited, g.Present = now.Attended, now.Invited, now.Present
	if s.cfg.Presence == nil || s.cfg.Presence.Changed == nil {
		return nil
	}
	return s.cfg.Presence.Changed(ctx, tx, g, p)
}

// Present is who is present at gathering id now (open stays), by arrival:
// the domain computes its quorum from it (in its own transaction when q is
// one). It does not check visibility.
func (s *Service) Present(ctx context.Context, q Querier, id uuid.UUID) ([]*Presence, error) {
	return s.stays(ctx, q, id, false)
}

// Stays are all stays at gathering id, ended ones included, by arrival
// (who came when and left when, for minutes). It does not check visibility.
func (s *Service) Stays(ctx context.Context, q Querier, id uuid.UUID) ([]*Presence, error) {
	return s.stays(ctx, q, id, true)
}

func (s *Service) stays(ctx context.Context, q Querier, id uuid.UUID, all bool) ([]*Presence, error) {
	rows, err := q.Query(ctx, `select p.gathering_id, p.account_id, case when a.deleted_at is null then a.display_name else '' end,
			p.mode, p.arrived_at, p.left_at, p.self,
			exists (select from gathering_invitations i where i.gathering_id = p.gathering_id and i.account_id = p.account_id)
		from gathering_presence p join gatherings g on g.id = p.gathering_id join accounts a on a.id = p.account_id
		where p.gathering_id = $1 and g.kind = $2 and ($3 or p.left_at is null)
		order by p.arrived_at, p.id`, id, s.cfg.Kind, all)
	if err != nil {
		return nil, fmt.Errorf("presence: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Presence, error) {
		var p Presence
		return &p, r.Scan(&p.GatheringID, &p.AccountID, &p.DisplayName, &p.Mode, &p.Since, &p.LeftAt, &p.Self, &p.Invited)
	})
	if err != nil {
		return nil, fmt.Errorf("presence: %w", err)
	}
	return list, nil
}

// AccountStays are account's stays at gatherings of kind, oldest first (for
// the GDPR export).
func AccountStays(ctx context.Context, q Querier, kind string, account uuid.UUID) ([]Presence, error) {
	rows, err := q.Query(ctx, `select p.gathering_id, p.account_id, p.mode, p.arrived_at, p.left_at, p.self
		from gathering_presence p join gatherings g on g.id = p.gathering_id where g.kind = $1 and p.account_id = $2
		order by p.arrived_at, p.id`, kind, account)
	if err != nil {
		return nil, fmt.Errorf("account presence: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Presence, error) {
		p, err := scanStay(r)
		if err != nil {
			return Presence{}, err
		}
		return *p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("account presence: %w", err)
	}
	if out == nil {
		out = []Presence{}
	}
	return out, nil
}
