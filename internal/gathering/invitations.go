package gathering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Invitations (Config.Invitations): a domain puts accounts on a gathering's
// roll, e.g. a body's members and guests. Invitees take no seat (capacity
// counts registrations of the public only), are told of the invitation,
// the reminder, a new time or place and a cancellation, and may check in.
// An invitation supersedes a registration of the same person: the seat goes
// to the waiting list, and an invitee cannot register.

// Invitation is one account invited to a gathering.
type Invitation struct {
	GatheringID uuid.UUID
	AccountID   uuid.UUID
	DisplayName string    // "" for a deleted account
	InvitedBy   uuid.UUID // zero when the account is gone or none was signed in
	CreatedAt   time.Time
}

var (
	errNoInvitations = errors.New("gathering: invitations are not enabled for this kind")
	errTooMany       = apperr.Invalid("accounts", "gathering.invitees_too_many").With(map[string]any{"max": MaxInvitees})
)

// Invite invites accounts to gathering id (ActManage, while the owner is not
// Closed), before the gathering ends, and tells each new invitee. It is
// idempotent: who is invited already is left alone and not told again. It
// returns the accounts newly invited, in the order given.
func (s *Service) Invite(ctx context.Context, id uuid.UUID, accounts []uuid.UUID) ([]uuid.UUID, error) {
	var added []uuid.UUID
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, o *Owner) error {
		if o.Closed != nil {
			return o.Closed
		}
		var err error
		added, err = s.invite(ctx, tx, g, accounts)
		return err
	})
	return added, err
}

// InviteTx is Invite in the domain's transaction tx, without asking the
// owner hook: the domain has decided (e.g. it appoints a member and invites
// them to the body's meetings to come). Lock the owner first, as the owner
// hook does; the gathering row is locked here.
func (s *Service) InviteTx(ctx context.Context, tx pgx.Tx, id uuid.UUID, accounts []uuid.UUID) ([]uuid.UUID, error) {
	return s.inTx(ctx, tx, id, accounts, s.invite)
}

// InviteTxUntold is InviteTx that tells nobody: the domain tells the new
// invitees itself, in its own words (a guest invited by hand for one
// gathering is not told they belong to the owner's roll). The reminder, a
// new time or place and a cancellation still reach them.
func (s *Service) InviteTxUntold(ctx context.Context, tx pgx.Tx, id uuid.UUID, accounts []uuid.UUID) ([]uuid.UUID, error) {
	return s.inTx(ctx, tx, id, accounts, func(ctx context.Context, tx pgx.Tx, g *Gathering, accounts []uuid.UUID) ([]uuid.UUID, error) {
		return s.inviteTelling(ctx, tx, g, accounts, "")
	})
}

// NoticeData are the data of the mechanism's notices about g (the owner's
// and g's ids under the domain's keys, starts_at, {when} and {where}), for a
// domain's own notices about it.
func (s *Service) NoticeData(g *Gathering) map[string]string { return s.data(g) }

// Uninvite takes accounts off gathering id's roll (ActManage) before it
// ends (the roll of a gathering held stays as it was); whoever of them is
// present is marked as having left. Accounts not invited are ignored. It
// is allowed while the owner is Closed: taking people off a roll is never a
// new plan. It returns the accounts uninvited.
func (s *Service) Uninvite(ctx context.Context, id uuid.UUID, accounts []uuid.UUID) ([]uuid.UUID, error) {
	var removed []uuid.UUID
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		var err error
		removed, err = s.uninvite(ctx, tx, g, accounts)
		return err
	})
	return removed, err
}

// UninviteTx is Uninvite in the domain's transaction tx, without asking the
// owner hook (e.g. a member's term ended); lock the owner first.
func (s *Service) UninviteTx(ctx context.Context, tx pgx.Tx, id uuid.UUID, accounts []uuid.UUID) ([]uuid.UUID, error) {
	return s.inTx(ctx, tx, id, accounts, s.uninvite)
}

// inTx locks gathering id of the service's kind in the domain's tx, changes
// its roll with f and calls the Changed hook.
func (s *Service) inTx(ctx context.Context, tx pgx.Tx, id uuid.UUID, accounts []uuid.UUID,
	f func(context.Context, pgx.Tx, *Gathering, []uuid.UUID) ([]uuid.UUID, error)) ([]uuid.UUID, error) {
	tag, err := tx.Exec(ctx, `select 1 from gatherings where id = $1 and kind = $2 for update`, id, s.cfg.Kind)
	if err != nil {
		return nil, fmt.Errorf("lock gathering: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil, apperr.ErrNotFound
	}
	g, err := s.load(ctx, tx, id, authz.SubjectFrom(ctx).AccountID)
	if err != nil {
		return nil, err
	}
	changed, err := f(ctx, tx, g, accounts)
	if err != nil {
		return nil, err
	}
	return changed, s.changed(ctx, tx, g)
}

// invitable refuses changes of g's roll once it is cancelled or over.
func (s *Service) invitable(g *Gathering) error {
	if !s.cfg.Invitations {
		return errNoInvitations
	}
	if g.CancelledAt != nil {
		return s.cfg.Errors.Cancelled
	}
	if !s.now().Before(g.EndsAt) {
		return s.cfg.Errors.Ended
	}
	return nil
}

func distinct(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// invite does Invite on g, locked in tx.
func (s *Service) invite(ctx context.Context, tx pgx.Tx, g *Gathering, accounts []uuid.UUID) ([]uuid.UUID, error) {
	return s.inviteTelling(ctx, tx, g, accounts, s.cfg.Notices.Invited)
}

// inviteTelling invites accounts to g, locked in tx, telling each new
// invitee notice ("" tells nobody).
func (s *Service) inviteTelling(ctx context.Context, tx pgx.Tx, g *Gathering, accounts []uuid.UUID, notice string) ([]uuid.UUID, error) {
	if err := s.invitable(g); err != nil {
		return nil, err
	}
	accounts = distinct(accounts)
	if len(accounts) > MaxInvitees {
		return nil, errTooMany
	}
	var known int
	if err := tx.QueryRow(ctx, `select count(*) from accounts where id = any($1) and deleted_at is null`, accounts).
		Scan(&known); err != nil {
		return nil, fmt.Errorf("invite: %w", err)
	}
	if known != len(accounts) {
		return nil, s.cfg.Errors.InviteeUnknown
	}
	var by *uuid.UUID
	if a := authz.SubjectFrom(ctx).AccountID; a != uuid.Nil {
		by = &a
	}
	rows, err := tx.Query(ctx, `insert into gathering_invitations (gathering_id, account_id, invited_by)
		select $1, a, $3 from unnest($2::uuid[]) with ordinality as u(a, n) order by n
		on conflict (gathering_id, account_id) do nothing returning account_id, created_at`, g.ID, accounts, by)
	if err != nil {
		return nil, fmt.Errorf("invite: %w", err)
	}
	type invited struct {
		account uuid.UUID
		at      time.Time
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (invited, error) {
		var i invited
		return i, r.Scan(&i.account, &i.at)
	})
	if err != nil {
		return nil, fmt.Errorf("invite: %w", err)
	}
	added := make([]uuid.UUID, 0, len(list))
	for _, a := range accounts {
		if slices.ContainsFunc(list, func(i invited) bool { return i.account == a }) {
			added = append(added, a)
		}
	}
	if len(added) == 0 {
		return added, nil
	}
	g.Invited += len(added)
	// The invitation supersedes a registration: its seat goes to the
	// waiting list while the gathering is still to come.
	var seats, waiting int
	if err := tx.QueryRow(ctx, `with prev as (select account_id, status from gathering_registrations
			where gathering_id = $1 and account_id = any($2) and status in ('registered', 'waitlisted') for update),
		upd as (update gathering_registrations r set status = 'cancelled', updated_at = clock_timestamp()
			from prev where r.gathering_id = $1 and r.account_id = prev.account_id)
		select count(*) filter (where status = 'registered'), count(*) filter (where status = 'waitlisted') from prev`,
		g.ID, added).Scan(&seats, &waiting); err != nil {
		return nil, fmt.Errorf("invite: %w", err)
	}
	g.Registered -= seats
	g.Waitlisted -= waiting
	if seats > 0 && s.now().Before(g.StartsAt) {
		if err := s.promote(ctx, tx, g); err != nil {
			return nil, err
		}
	}
	data := s.data(g)
	for _, i := range list {
		// The invitation's time tells a new invitation from a repeat, so
		// someone uninvited and invited again is told again.
		if err := s.tell(ctx, tx, g, i.account, notice, data, strconv.FormatInt(i.at.UnixMicro(), 10)); err != nil {
			return nil, err
		}
	}
	return added, s.audit(ctx, tx, g, "invite", "", map[string]any{"accounts": idStrings(added), "registrations_cancelled": seats + waiting})
}

// uninvite does Uninvite on g, locked in tx.
func (s *Service) uninvite(ctx context.Context, tx pgx.Tx, g *Gathering, accounts []uuid.UUID) ([]uuid.UUID, error) {
	if err := s.invitable(g); err != nil {
		return nil, err
	}
	accounts = distinct(accounts)
	if len(accounts) > MaxInvitees {
		return nil, errTooMany
	}
	rows, err := tx.Query(ctx, `delete from gathering_invitations where gathering_id = $1 and account_id = any($2)
		returning account_id`, g.ID, accounts)
	if err != nil {
		return nil, fmt.Errorf("uninvite: %w", err)
	}
	gone, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("uninvite: %w", err)
	}
	removed := make([]uuid.UUID, 0, len(gone))
	for _, a := range accounts {
		if slices.Contains(gone, a) {
			removed = append(removed, a)
		}
	}
	if len(removed) == 0 {
		return removed, nil
	}
	g.Invited -= len(removed)
	for _, a := range removed {
		if _, err := s.leave(ctx, tx, g, a); err != nil {
			return nil, err
		}
	}
	return removed, s.audit(ctx, tx, g, "uninvite", "", map[string]any{"accounts": idStrings(removed)})
}

func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// Invitations lists who is invited to a gathering, for staff (ActManage),
// in the order they were invited.
func (s *Service) Invitations(ctx context.Context, id uuid.UUID) ([]*Invitation, error) {
	if err := s.manages(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select i.gathering_id, i.account_id,
			case when a.deleted_at is null then a.display_name else '' end,
			coalesce(i.invited_by, '00000000-0000-0000-0000-000000000000'), i.created_at
		from gathering_invitations i join accounts a on a.id = i.account_id
		where i.gathering_id = $1 order by i.created_at, i.account_id`, id)
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Invitation, error) {
		var i Invitation
		return &i, r.Scan(&i.GatheringID, &i.AccountID, &i.DisplayName, &i.InvitedBy, &i.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	return list, nil
}

// manages checks that the caller may manage gathering id (staff lists).
func (s *Service) manages(ctx context.Context, id uuid.UUID) error {
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		_, err := s.owner(ctx, tx, ActManage, id, func() (uuid.UUID, error) {
			g, err := s.load(ctx, tx, id, uuid.Nil)
			if err != nil {
				return uuid.Nil, err
			}
			return g.OwnerID, nil
		})
		return err
	})
}

// AccountInvitations are account's invitations to gatherings of kind,
// oldest first (for the GDPR export).
func AccountInvitations(ctx context.Context, q Querier, kind string, account uuid.UUID) ([]Invitation, error) {
	rows, err := q.Query(ctx, `select i.gathering_id, i.created_at from gathering_invitations i
		join gatherings g on g.id = i.gathering_id where g.kind = $1 and i.account_id = $2
		order by i.created_at, i.gathering_id`, kind, account)
	if err != nil {
		return nil, fmt.Errorf("account invitations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Invitation, error) {
		i := Invitation{AccountID: account}
		return i, r.Scan(&i.GatheringID, &i.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("account invitations: %w", err)
	}
	if out == nil {
		out = []Invitation{}
	}
	return out, nil
}
