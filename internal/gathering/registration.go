package gathering

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Register registers the caller for a gathering (ActRegister) before it
// starts, while the owner's registration is open: a seat while any remain,
// else the end of the waiting list. It is idempotent: a caller already
// registered or waiting gets that registration back. Concurrent
// registrations queue on the gathering's row lock, so seats and the waiting
// list follow arrival order exactly. An invitee is on the roll already and
// takes no seat: the domain's Invited.
func (s *Service) Register(ctx context.Context, id uuid.UUID) (*Registration, error) {
	err := s.change(ctx, id, ActRegister, func(tx *db.Tx, g *Gathering, o *Owner) error {
		if g.CancelledAt != nil {
			return s.cfg.Errors.Cancelled
		}
		if g.ViewerInvited {
			return s.cfg.Errors.Invited
		}
		if g.Viewer == Registered || g.Viewer == Waitlisted {
			return nil
		}
		if !s.now().Before(g.StartsAt) {
			return s.cfg.Errors.Started
		}
		if o.RegistrationClosed != nil {
			return o.RegistrationClosed
		}
		status := Waitlisted
		if g.SeatsLeft() != 0 {
			status = Registered
		}
		if _, err := tx.Exec(ctx, `insert into gathering_registrations (gathering_id, account_id, status) values ($1, $2, $3)
			on conflict (gathering_id, account_id) do update set status = excluded.status,
				position = nextval('gathering_registration_position_seq'), attended = null, updated_at = clock_timestamp()`,
			g.ID, authz.SubjectFrom(ctx).AccountID, status); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.RegistrationOf(ctx, id, authz.SubjectFrom(ctx).AccountID)
}

// Unregister withdraws the caller's registration (ActRead: seeing the
// gathering is enough) before the gathering starts. A freed seat goes to the
// first person waiting, who is told. Without a registration nothing changes.
func (s *Service) Unregister(ctx context.Context, id uuid.UUID) (*Registration, error) {
	err := s.change(ctx, id, ActRead, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if g.CancelledAt != nil {
			return s.cfg.Errors.Cancelled
		}
		if g.Viewer != Registered && g.Viewer != Waitlisted {
			return nil
		}
		if !s.now().Before(g.StartsAt) {
			return s.cfg.Errors.Started
		}
		if _, err := tx.Exec(ctx, `update gathering_registrations set status = 'cancelled', updated_at = clock_timestamp()
			where gathering_id = $1 and account_id = $2`, g.ID, authz.SubjectFrom(ctx).AccountID); err != nil {
			return fmt.Errorf("unregister: %w", err)
		}
		if g.Viewer == Registered {
			g.Registered--
			return s.promote(ctx, tx, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.RegistrationOf(ctx, id, authz.SubjectFrom(ctx).AccountID)
}

// promote fills g's free seats from the waiting list, first come first
// served, and tells each promoted person. g.Registered must be current.
func (s *Service) promote(ctx context.Context, tx pgx.Tx, g *Gathering) error {
	var limit *int
	if g.Capacity != nil {
		n := g.SeatsLeft()
		if n == 0 {
			return nil
		}
		limit = &n
	}
	rows, err := tx.Query(ctx, `update gathering_registrations r set status = 'registered', updated_at = clock_timestamp()
		from (select account_id from gathering_registrations where gathering_id = $1 and status = 'waitlisted'
			order by position limit $2) w
		where r.gathering_id = $1 and r.account_id = w.account_id
		returning r.account_id, r.position`, g.ID, limit)
	if err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	type promoted struct {
		account  uuid.UUID
		position int64
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (promoted, error) {
		var p promoted
		return p, r.Scan(&p.account, &p.position)
	})
	if err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	for _, p := range list {
		// The position is new at every registration, so a person promoted,
		// withdrawn and promoted again is told again.
		if err := s.tell(ctx, tx, g, p.account, s.cfg.Notices.Promoted, s.data(g), strconv.FormatInt(p.position, 10)); err != nil {
			return err
		}
	}
	g.Registered += len(list)
	g.Waitlisted -= len(list)
	return nil
}

const registrationColumns = `r.gathering_id, r.account_id,
	case when a.deleted_at is null then a.display_name else '' end, r.status,
	case when r.status = 'waitlisted' then (select count(*) from gathering_registrations w
		where w.gathering_id = r.gathering_id and w.status = 'waitlisted' and w.position <= r.position) else 0 end,
	r.attended, r.created_at, r.updated_at`

func scanRegistration(row pgx.Row) (*Registration, error) {
	var r Registration
	if err := row.Scan(&r.GatheringID, &r.AccountID, &r.DisplayName, &r.Status, &r.QueuePosition, &r.Attended,
		&r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	return &r, nil
}

// RegistrationOf reads account's registration for gathering id; nil when
// there is none. It does not check visibility.
func (s *Service) RegistrationOf(ctx context.Context, id, account uuid.UUID) (*Registration, error) {
	r, err := scanRegistration(s.pool.QueryRow(ctx, `select `+registrationColumns+` from gathering_registrations r
		join accounts a on a.id = r.account_id where r.gathering_id = $1 and r.account_id = $2`, id, account))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read registration: %w", err)
	}
	return r, nil
}

// Registrations lists who registered for a gathering, for staff
// (ActManage): seats first, then the waiting list, each in arrival order,
// then withdrawn registrations.
func (s *Service) Registrations(ctx context.Context, id uuid.UUID) ([]*Registration, error) {
	if err := s.manages(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+registrationColumns+` from gathering_registrations r
		join accounts a on a.id = r.account_id where r.gathering_id = $1
		order by case r.status when 'registered' then 0 when 'waitlisted' then 1 else 2 end, r.position`, id)
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Registration, error) { return scanRegistration(r) })
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	return list, nil
}

// AccountRegistrations are account's registrations for gatherings of kind,
// oldest first (for the GDPR export).
func AccountRegistrations(ctx context.Context, q Querier, kind string, account uuid.UUID) ([]Registration, error) {
	rows, err := q.Query(ctx, `select r.gathering_id, r.status, r.attended, r.created_at from gathering_registrations r
		join gatherings g on g.id = r.gathering_id where g.kind = $1 and r.account_id = $2
		order by r.created_at, r.gathering_id`, kind, account)
	if err != nil {
		return nil, fmt.Errorf("account registrations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Registration, error) {
		g := Registration{AccountID: account}
		return g, r.Scan(&g.GatheringID, &g.Status, &g.Attended, &g.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("account registrations: %w", err)
	}
	if out == nil {
		out = []Registration{}
	}
	return out, nil
}

// Forget deletes account's registrations, invitations and presence for
// this kind of gathering in tx (GDPR erasure); the seats it held in
// gatherings still to come go to the waiting list.
func (s *Service) Forget(ctx context.Context, tx pgx.Tx, account uuid.UUID) error {
	rows, err := tx.Query(ctx, `select r.gathering_id from gathering_registrations r join gatherings g on g.id = r.gathering_id
		where g.kind = $1 and r.account_id = $2 and r.status = 'registered' and g.cancelled_at is null and g.starts_at > $3
		order by r.gathering_id`, s.cfg.Kind, account, s.now())
	if err != nil {
		return fmt.Errorf("forget registrations: %w", err)
	}
	seats, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("forget registrations: %w", err)
	}
	if _, err := tx.Exec(ctx, `delete from gathering_registrations r using gatherings g
		where g.id = r.gathering_id and g.kind = $1 and r.account_id = $2`, s.cfg.Kind, account); err != nil {
		return fmt.Errorf("forget registrations: %w", err)
	}
	for _, table := range []string{"gathering_invitations", "gathering_presence", "gathering_checkin_failures"} {
		if _, err := tx.Exec(ctx, `delete from `+table+` x using gatherings g
			where g.id = x.gathering_id and g.kind = $1 and x.account_id = $2`, s.cfg.Kind, account); err != nil {
			return fmt.Errorf("forget %s: %w", table, err)
		}
	}
	for _, id := range seats {
		if _, err := tx.Exec(ctx, `select 1 from gatherings where id = $1 for update`, id); err != nil {
			return fmt.Errorf("lock gathering: %w", err)
		}
		g, err := s.load(ctx, tx, id, uuid.Nil)
		if err != nil {
			return err
		}
		if err := s.promote(ctx, tx, g); err != nil {
			return err
		}
		if err := s.changed(ctx, tx, g); err != nil {
			return err
		}
	}
	return nil
}
