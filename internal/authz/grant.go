package authz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/db"
)

// Channel is the NOTIFY channel on which grant changes are announced.
const Channel = "otwarty_authz"

// reloadPayload asks every instance to reload all grants.
const reloadPayload = "reload"

// maxPayload keeps announcements under PostgreSQL's 8000-byte NOTIFY limit.
const maxPayload = 7999

// applyTimeout bounds the database read that applies a change at commit.
const applyTimeout = 10 * time.Second

var (
	scopedDomainRe = regexp.MustCompile(`^[a-z_]+:[0-9a-f-]{36}$`)
	groupRe        = regexp.MustCompile(`^group:org:[0-9a-f-]{36}:moderators$`)
)

// Roles held only globally (domain '*'), and roles held only in a domain.
var (
	globalRoles = map[string]bool{RoleCoordinator: true, RoleAdmin: true}
	scopedRoles = map[string]bool{
		RoleOfficial: true, RoleModerator: true, RoleBodyMember: true, RoleBodyChair: true,
		RoleBodySecretary: true, RoleJuror: true, RoleBallotOfficer: true,
	}
	groupRoles = map[string]bool{RoleModerator: true, RoleBallotOfficer: true}
)

var (
	errRoleInvalid   = apperr.Invalid("role", "authz.role_invalid")
	errDomainInvalid = apperr.Invalid("domain", "authz.domain_invalid")
	errGroupInvalid  = apperr.Invalid("group", "authz.group_invalid")
)

// validateGrant checks a role against the domain it is held in: coordinator
// and admin are global; a translator global or for a kind of information
// page; every other grantable role is scoped to a domain, and
// an official to a city unit ('org:<uuid>').
func validateGrant(role, domain string) error {
	switch {
	case role == RoleTranslator:
		// Global, or for one kind of information page.
		if domain != GlobalDomain && !(scopedDomainRe.MatchString(domain) && strings.HasPrefix(domain, "infopage_kind:")) {
			return errDomainInvalid
		}
	case globalRoles[role]:
		if domain != GlobalDomain {
			return errDomainInvalid
		}
	case scopedRoles[role]:
		if !scopedDomainRe.MatchString(domain) || (role == RoleOfficial && !strings.HasPrefix(domain, "org:")) {
			return errDomainInvalid
		}
	default:
		return errRoleInvalid
	}
	return nil
}

// change is one g rule that a transaction added or removed.
type change struct {
	Op   string    `json:"op"` // "add" or "remove"
	Rule [3]string `json:"g"`  // subject, role, domain
}

type announcement struct {
	Changes []change `json:"changes"`
}

func nullable(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// Grant gives accountID role in domain within tx (audited); applied to this
// instance at commit and announced to the others. Granting a role the account
// already holds does nothing. Grant does not check the caller's permission:
// the service asks Require(ctx, "grant", Object{Type: "role_grant", ...})
// first (a CLI command or an accepted invitation may grant without a caller).
func (a *Authorizer) Grant(ctx context.Context, tx *db.Tx, accountID uuid.UUID, role, domain string, by uuid.UUID) error {
	if err := validateGrant(role, domain); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `insert into role_grants (account_id, role, domain, granted_by)
		values ($1, $2, $3, $4) on conflict (account_id, role, domain) do nothing`,
		accountID, role, domain, nullable(by))
	if err != nil {
		return grantError(err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return a.record(ctx, tx, "role.grant", "account", accountID.String(), by,
		change{Op: "add", Rule: [3]string{UserSubject(accountID), role, domain}})
}

// Revoke removes the grant within tx (audited), applied like Grant. Revoking
// a role the account does not hold does nothing.
func (a *Authorizer) Revoke(ctx context.Context, tx *db.Tx, accountID uuid.UUID, role, domain string, by uuid.UUID) error {
	if err := validateGrant(role, domain); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `delete from role_grants where account_id = $1 and role = $2 and domain = $3`,
		accountID, role, domain)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", role, err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return a.record(ctx, tx, "role.revoke", "account", accountID.String(), by,
		change{Op: "remove", Rule: [3]string{UserSubject(accountID), role, domain}})
}

// GrantGroup gives a group (OrgModerators(org)) role in a domain within tx,
// so that every member of the group holds it there; audited and applied like
// Grant. Groups hold moderator or ballot_officer, never a global role.
func (a *Authorizer) GrantGroup(ctx context.Context, tx *db.Tx, group, role, domain string, by uuid.UUID) error {
	if err := validateGroupGrant(group, role, domain); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `insert into group_grants (subject, role, domain, granted_by)
		values ($1, $2, $3, $4) on conflict (subject, role, domain) do nothing`,
		group, role, domain, nullable(by))
	if err != nil {
		return grantError(err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return a.record(ctx, tx, "role.grant", "group", group, by,
		change{Op: "add", Rule: [3]string{group, role, domain}})
}

// RevokeGroup removes a group grant within tx, applied like Revoke.
func (a *Authorizer) RevokeGroup(ctx context.Context, tx *db.Tx, group, role, domain string, by uuid.UUID) error {
	if err := validateGroupGrant(group, role, domain); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `delete from group_grants where subject = $1 and role = $2 and domain = $3`,
		group, role, domain)
	if err != nil {
		return fmt.Errorf("revoke group %s: %w", role, err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return a.record(ctx, tx, "role.revoke", "group", group, by,
		change{Op: "remove", Rule: [3]string{group, role, domain}})
}

func validateGroupGrant(group, role, domain string) error {
	switch {
	case !groupRe.MatchString(group):
		return errGroupInvalid
	case !groupRoles[role]:
		return errRoleInvalid
	case !scopedDomainRe.MatchString(domain):
		return errDomainInvalid
	}
	return nil
}

func grantError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation: no such account
		return apperr.ErrNotFound
	}
	return fmt.Errorf("grant: %w", err)
}

// record audits a change, announces it in tx and applies it here at commit.
func (a *Authorizer) record(ctx context.Context, tx *db.Tx, action, objType, objID string, by uuid.UUID, c change) error {
	err := audit.Write(ctx, tx.Tx, audit.Entry{
		ActorID: by, Action: action, ObjectType: objType, ObjectID: objID,
		Data: map[string]any{"role": c.Rule[1], "domain": c.Rule[2]},
	})
	if err != nil {
		return err
	}
	changes := []change{c}
	payload, err := json.Marshal(announcement{Changes: changes})
	if err != nil {
		return err
	}
	if len(payload) > maxPayload {
		payload = []byte(reloadPayload)
	}
	if err := notify(ctx, tx, string(payload)); err != nil {
		return err
	}
	tx.OnCommit(func() { a.applyCommitted(changes) })
	return nil
}

// Changed tells every instance, at commit, that g rules derived from other
// tables (e.g. organisation membership) changed: each reloads all grants.
func (a *Authorizer) Changed(ctx context.Context, tx *db.Tx) error {
	if err := notify(ctx, tx, reloadPayload); err != nil {
		return err
	}
	tx.OnCommit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
		defer cancel()
		if err := a.Reload(ctx); err != nil {
			a.log.Error("authz: reload at commit", "err", err)
		}
	})
	return nil
}

func notify(ctx context.Context, tx *db.Tx, payload string) error {
	if _, err := tx.Exec(ctx, "select pg_notify($1, $2)", Channel, payload); err != nil {
		return fmt.Errorf("announce grant change: %w", err)
	}
	return nil
}

// applyCommitted brings this instance's rules for changes up to date after
// their transaction committed.
func (a *Authorizer) applyCommitted(changes []change) {
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	err := a.reconcile(ctx, changes)
	if err == nil {
		return
	}
	a.log.Error("authz: apply change at commit; applying it as announced", "err", err)
	// The database did not answer: the transaction did commit, so its own
	// change is the best knowledge; a listener reconciles again on delivery.
	a.applyMu.Lock()
	a.mu.Lock()
	for _, c := range changes {
		a.setRule(c.Rule, c.Op == "add")
	}
	a.mu.Unlock()
	a.applyMu.Unlock()
	a.changed()
}

// reconcile reads from the database whether each changed rule holds now and
// adds or removes it here accordingly. Reading the current state, not
// replaying the operation, keeps the result right whatever order concurrent
// changes and their announcements arrive in.
func (a *Authorizer) reconcile(ctx context.Context, changes []change) error {
	subs := make([]string, len(changes))
	roles := make([]string, len(changes))
	domains := make([]string, len(changes))
	for i, c := range changes {
		subs[i], roles[i], domains[i] = c.Rule[0], c.Rule[1], c.Rule[2]
	}
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
	rows, err := a.pool.Query(ctx, `select exists (select 1 from authz_grants g
			where g.subject = r.s and g.role = r.ro and g.domain = r.d)
		from unnest($1::text[], $2::text[], $3::text[]) with ordinality as r(s, ro, d, n)
		order by r.n`, subs, roles, domains)
	if err != nil {
		return fmt.Errorf("authz reconcile: %w", err)
	}
	present := make([]bool, 0, len(changes))
	for rows.Next() {
		var ok bool
		if err := rows.Scan(&ok); err != nil {
			rows.Close()
			return fmt.Errorf("authz reconcile: %w", err)
		}
		present = append(present, ok)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("authz reconcile: %w", err)
	}
	if len(present) != len(changes) {
		return fmt.Errorf("authz reconcile: %d answers for %d rules", len(present), len(changes))
	}
	a.mu.Lock()
	for i, c := range changes {
		a.setRule(c.Rule, present[i])
	}
	a.mu.Unlock()
	a.changed()
	return nil
}

// setRule adds or removes one g rule in the current enforcer. The caller
// holds a.mu.
func (a *Authorizer) setRule(r [3]string, want bool) {
	has, err := a.enf.HasGroupingPolicy(r[0], r[1], r[2])
	if err != nil {
		a.log.Error("authz: read rule", "rule", r, "err", err)
		return
	}
	switch {
	case want && !has:
		_, err = a.enf.AddGroupingPolicy(r[0], r[1], r[2])
	case !want && has:
		_, err = a.enf.RemoveGroupingPolicy(r[0], r[1], r[2])
	}
	if err != nil {
		a.log.Error("authz: apply rule", "rule", r, "err", err)
	}
}

// DomainsWithRole returns the domains in which accountID holds role, read
// from the same grant tables that Casbin loads (one level of group
// indirection, as in user → group:org:<id>:moderators → moderator). "*" in
// the result means everywhere. SQL list filters use it:
// "… where c.domain = any($1) or '*' = any($1)".
func DomainsWithRole(ctx context.Context, q db.Querier, accountID uuid.UUID, role string) ([]string, error) {
	switch role {
	case RoleAnyone, RoleResident, RoleConfirmed, RoleVerified:
		return nil, fmt.Errorf("authz: %s is an implicit role, held everywhere or nowhere", role)
	}
	rows, err := q.Query(ctx, `select d from (
			select domain as d from authz_grants where subject = $1 and role = $2
			union
			-- a link in '*' applies in every domain, so a group held in '*'
			-- passes on its role wherever the group holds it, and vice versa
			select case when m.domain = '*' then r.domain else m.domain end
			  from authz_grants m join authz_grants r on r.subject = m.role
			 where m.subject = $1 and r.role = $2
			   and (m.domain = '*' or r.domain = '*' or m.domain = r.domain)
		) x order by d`, UserSubject(accountID), role)
	if err != nil {
		return nil, fmt.Errorf("authz domains with role: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DomainsWithRoles is DomainsWithRole for several roles: the domains in
// which accountID holds any of them (a list filter's "staff of this unit,
// or global staff").
func DomainsWithRoles(ctx context.Context, q db.Querier, accountID uuid.UUID, roles ...string) ([]string, error) {
	out := []string{}
	for _, role := range roles {
		ds, err := DomainsWithRole(ctx, q, accountID, role)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
