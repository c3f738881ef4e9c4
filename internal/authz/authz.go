// Package authz decides every permission with Casbin: one model (RBAC with
// domains and conditions, model.conf), a small static policy matrix embedded
// in the binary (policy.csv), and role grants (g rules) read from the
// application's own tables through the authz_grants view.
//
// Callers ask one question, authz.Require(ctx, action, object) (or Can for
// viewerCan booleans); the caller and the Authorizer travel in ctx. Grants are
// written in the caller's transaction, applied to this instance at commit and
// announced to the others with pg_notify (see Listen).
package authz

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
)

//go:embed model.conf
var modelConf string

//go:embed policy.csv
var policyCSV string

// GlobalDomain is the domain of global grants; they apply in every domain.
const GlobalDomain = "*"

// Roles. The first four are implicit (no rows); ngo_member and org_manager
// derive from organisation membership; the rest are granted.
const (
	RoleAnyone    = "anyone"
	RoleResident  = "resident"
	RoleConfirmed = "confirmed"
	RoleVerified  = "verified"

	RoleNGOMember  = "ngo_member"
	RoleOrgManager = "org_manager"

	RoleOfficial      = "official"
	RoleCoordinator   = "coordinator"
	RoleAdmin         = "admin"
	RoleModerator     = "moderator"
	RoleBodyMember    = "body_member"
	RoleBodyChair     = "body_chair"
	RoleBodySecretary = "body_secretary"
	RoleJuror         = "juror"
	RoleBallotOfficer = "ballot_officer"
	// RoleTranslator translates information pages (internal/infopages):
	// held globally or for one kind of page.
	RoleTranslator = "translator"
)

// Subject is the caller. The zero value is anonymous.
type Subject struct {
	AccountID uuid.UUID
	SessionID uuid.UUID
	Confirmed bool // e-mail confirmed
	Verified  bool // verified resident (may vote)
}

// Anonymous reports whether the subject is not signed in.
func (s Subject) Anonymous() bool { return s.AccountID == uuid.Nil }

// Object is what an action is done to: its type (as in the policy matrix),
// its id, its owner (author) if any, and the domains whose roles apply to it
// ("org:<uuid>" for its city unit, "consultation:<uuid>", ...). Global roles
// (domain "*") always apply.
type Object struct {
	Type    string
	ID      string
	OwnerID uuid.UUID
	Domains []string
	// Attrs carry object state used by policy conditions (e.g. "published").
	Attrs map[string]string
}

// Domain names the domain of one object: Domain("org", id) is "org:<id>".
func Domain(kind string, id uuid.UUID) string { return kind + ":" + id.String() }

// UserSubject is the g-rule subject of an account: "user:<uuid>".
func UserSubject(accountID uuid.UUID) string { return "user:" + accountID.String() }

// OrgModerators is the group of an organisation's members with the
// organisation role moderator; granting it a role in a domain (GrantGroup)
// gives that role to each of them there.
func OrgModerators(orgID uuid.UUID) string { return "group:org:" + orgID.String() + ":moderators" }

type ctxKey int

const (
	subjectKey ctxKey = iota
	authorizerKey
)

// WithSubject returns ctx carrying the caller.
func WithSubject(ctx context.Context, s Subject) context.Context {
	return context.WithValue(ctx, subjectKey, s)
}

// SubjectFrom returns the caller in ctx (anonymous when none).
func SubjectFrom(ctx context.Context) Subject {
	s, _ := ctx.Value(subjectKey).(Subject)
	return s
}

// Authorizer wraps the Casbin enforcer. It is safe for concurrent use: checks
// share a read lock; a full reload builds a new enforcer aside and swaps it
// in, so checks never wait for the database.
type Authorizer struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu  sync.RWMutex // guards enf and changes to it; Enforce runs under RLock
	enf *casbin.Enforcer

	// applyMu serialises everything that reads grants from the database and
	// applies them (reloads, reconciliations), so an older read never
	// overwrites a newer one.
	applyMu sync.Mutex

	known map[[2]string]bool // (object type, action) pairs in the matrix

	readyOnce sync.Once
	ready     chan struct{}

	hookMu sync.Mutex
	hooks  []func()
}

// OnChange registers f to run after every change of grants applied on this
// instance (a grant or revocation here at commit, an announcement from
// another instance, a reload). f runs on the goroutine that applied the
// change, after the new rules are in force, and must not block: it is for
// re-deciding cached permissions (live subscriptions).
func (a *Authorizer) OnChange(f func()) {
	a.hookMu.Lock()
	defer a.hookMu.Unlock()
	a.hooks = append(a.hooks, f)
}

func (a *Authorizer) changed() {
	a.hookMu.Lock()
	hooks := append([]func(){}, a.hooks...)
	a.hookMu.Unlock()
	for _, f := range hooks {
		f()
	}
}

// New builds an Authorizer and loads every grant. Call Listen to follow
// changes made by other instances.
func New(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (*Authorizer, error) {
	if logger == nil {
		logger = slog.Default()
	}
	a := &Authorizer{pool: pool, log: logger, ready: make(chan struct{})}
	e, err := a.build(ctx)
	if err != nil {
		return nil, err
	}
	a.enf = e
	a.known = map[[2]string]bool{}
	rules, err := e.GetPolicy()
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		a.known[[2]string{r[1], r[2]}] = true
	}
	return a, nil
}

// Ready is closed once Listen has subscribed to change announcements and
// loaded all grants after subscribing: from then on this instance misses no
// change made elsewhere.
func (a *Authorizer) Ready() <-chan struct{} { return a.ready }

// Reload reads all grants again and swaps them in.
func (a *Authorizer) Reload(ctx context.Context) error {
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
	e, err := a.build(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.enf = e
	a.mu.Unlock()
	a.changed()
	return nil
}

// build makes an enforcer from the embedded model and policy and the grants
// in the database.
func (a *Authorizer) build(ctx context.Context) (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(modelConf)
	if err != nil {
		return nil, fmt.Errorf("authz model: %w", err)
	}
	ad := &adapter{q: a.pool}
	if err := ad.LoadPolicyCtx(ctx, m); err != nil {
		return nil, err
	}
	conds, err := compileConditions(m)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("authz enforcer: %w", err)
	}
	e.EnableLog(false)
	e.SetAdapter(ad)
	e.EnableAutoSave(false)
	// Two hops cover user → group → role; a little headroom for later.
	rm := newRoleManager(4)
	e.SetRoleManager(rm)
	e.AddNamedDomainMatchingFunc("g", "domainMatch", domainMatch)
	e.AddFunction("hasRole", func(args ...any) (any, error) {
		return hasRole(rm, args[0].(*request), args[1].(string)), nil
	})
	e.AddFunction("cond", func(args ...any) (any, error) {
		c, ok := conds[args[1].(string)]
		return ok && c(args[0].(*request)), nil
	})
	if err := e.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("authz role links: %w", err)
	}
	return e, nil
}

// request is what the matcher sees of one check.
type request struct {
	sub  Subject
	name string // g subject; "" for anonymous
	obj  Object
}

func hasRole(rm *roleManager, r *request, role string) bool {
	anon := r.sub.Anonymous()
	switch role {
	case RoleAnyone:
		return true
	case RoleResident:
		return !anon
	case RoleConfirmed:
		return !anon && r.sub.Confirmed
	case RoleVerified:
		return !anon && r.sub.Verified
	}
	if anon {
		return false
	}
	domains := r.obj.Domains
	if len(domains) == 0 {
		domains = []string{GlobalDomain}
	}
	// Links in '*' apply in every domain, so each lookup covers global roles.
	for _, d := range domains {
		if ok, _ := rm.HasLink(r.name, role, d); ok {
			return true
		}
	}
	return false
}

// check decides one request; any error denies.
func (a *Authorizer) check(s Subject, act string, obj Object) bool {
	req := &request{sub: s, obj: obj}
	if !s.Anonymous() {
		req.name = UserSubject(s.AccountID)
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.enf == nil { // a zero Authorizer denies, like a missing one
		return false
	}
	if !a.known[[2]string{obj.Type, act}] {
		// A typo in a caller would otherwise deny silently.
		a.log.Error("authz: no policy for this object type and action", "type", obj.Type, "action", act)
		return false
	}
	ok, err := a.enf.Enforce(req, obj.Type, act)
	if err != nil {
		a.log.Error("authz: enforce", "type", obj.Type, "action", act, "err", err)
		return false
	}
	return ok
}

// WithAuthorizer returns ctx carrying a.
func WithAuthorizer(ctx context.Context, a *Authorizer) context.Context {
	return context.WithValue(ctx, authorizerKey, a)
}

func authorizerFrom(ctx context.Context) *Authorizer {
	a, _ := ctx.Value(authorizerKey).(*Authorizer)
	return a
}

// Can reports whether the caller in ctx may do act on obj. Without an
// Authorizer in ctx nothing is allowed.
func Can(ctx context.Context, act string, obj Object) bool {
	a := authorizerFrom(ctx)
	if a == nil {
		return false
	}
	return a.check(SubjectFrom(ctx), act, obj)
}

// Require returns nil when the caller in ctx may do act on obj; otherwise
// apperr.ErrUnauthenticated for an anonymous caller and apperr.ErrForbidden
// for a signed-in one.
func Require(ctx context.Context, act string, obj Object) error {
	if Can(ctx, act, obj) {
		return nil
	}
	if SubjectFrom(ctx).Anonymous() {
		return apperr.ErrUnauthenticated
	}
	return apperr.ErrForbidden
}

// Read is the action of seeing an object.
const Read = "read"

// For is the one order of checks every domain makes before an action on an
// object, so that no caller learns more than they may:
//   - an anonymous caller is refused (UNAUTHENTICATED) before anything is
//     read, unless the action is Read;
//   - load reads the object and says whether the caller may see it (the
//     domain's read rule, usually Can(ctx, Read, obj)); an object that does
//     not exist (load's apperr.ErrNotFound) and one the caller may not see
//     are both NOT_FOUND;
//   - a caller who may see it but not act gets FORBIDDEN.
func For[T any](ctx context.Context, act string, load func() (v T, obj Object, visible bool, err error)) (T, error) {
	var zero T
	if act != Read && SubjectFrom(ctx).Anonymous() {
		return zero, apperr.ErrUnauthenticated
	}
	v, obj, visible, err := load()
	if err != nil {
		return zero, err
	}
	if !visible {
		return zero, apperr.ErrNotFound
	}
	if act != Read {
		if err := Require(ctx, act, obj); err != nil {
			return zero, err
		}
	}
	return v, nil
}

// RequireSelf checks act on an object of type typ that belongs to account
// (self-service: one's account, sessions, notifications, settings), so that
// it goes through the policy's owner rules like every other action: an
// anonymous caller is UNAUTHENTICATED, another account's object is NOT_FOUND
// (it is not there for this caller), and the policy decides the rest.
func RequireSelf(ctx context.Context, act, typ string, account uuid.UUID) error {
	s := SubjectFrom(ctx)
	if s.Anonymous() {
		return apperr.ErrUnauthenticated
	}
	if s.AccountID != account {
		return apperr.ErrNotFound
	}
	return Require(ctx, act, Object{Type: typ, ID: account.String(), OwnerID: account})
}

// condition decides a policy rule's condition for one request.
type condition func(*request) bool

// compileConditions checks every p rule of m (known role, known condition)
// and returns the conditions by their text.
func compileConditions(m model.Model) (map[string]condition, error) {
	rules, err := m.GetPolicy("p", "p")
	if err != nil {
		return nil, err
	}
	conds := map[string]condition{}
	var errs []error
	for _, r := range rules {
		if !knownRoles[r[0]] {
			errs = append(errs, fmt.Errorf("authz policy %v: unknown role %q", r, r[0]))
		}
		if _, ok := conds[r[3]]; ok {
			continue
		}
		c, err := parseCondition(r[3])
		if err != nil {
			errs = append(errs, fmt.Errorf("authz policy %v: %w", r, err))
			continue
		}
		conds[r[3]] = c
	}
	return conds, errors.Join(errs...)
}

func parseCondition(text string) (condition, error) {
	switch text {
	case "true":
		return func(*request) bool { return true }, nil
	case "owner":
		return func(r *request) bool {
			return !r.sub.Anonymous() && r.obj.OwnerID == r.sub.AccountID
		}, nil
	}
	if rest, ok := strings.CutPrefix(text, "attr:"); ok {
		key, values, negate := "", "", false
		if k, v, ok := strings.Cut(rest, "!="); ok {
			key, values, negate = k, v, true
		} else if k, v, ok := strings.Cut(rest, "="); ok {
			key, values = k, v
		}
		if key != "" && values != "" {
			set := map[string]bool{}
			for _, v := range strings.Split(values, "|") {
				set[v] = true
			}
			return func(r *request) bool {
				v, ok := r.obj.Attrs[key]
				return ok && set[v] != negate
			}, nil
		}
	}
	return nil, fmt.Errorf("unknown condition %q", text)
}

var knownRoles = map[string]bool{
	RoleAnyone: true, RoleResident: true, RoleConfirmed: true, RoleVerified: true,
	RoleNGOMember: true, RoleOrgManager: true,
	RoleOfficial: true, RoleCoordinator: true, RoleAdmin: true, RoleModerator: true,
	RoleBodyMember: true, RoleBodyChair: true, RoleBodySecretary: true, RoleJuror: true,
	RoleBallotOfficer: true, RoleTranslator: true,
}
