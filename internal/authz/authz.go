// Package authz decides every permission with Casbin. STUB: signatures are the
// contract; the implementation replaces the bodies.
package authz

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
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

// Authorizer wraps the Casbin enforcer.
type Authorizer struct{}

// WithAuthorizer returns ctx carrying a.
func WithAuthorizer(ctx context.Context, a *Authorizer) context.Context {
	return context.WithValue(ctx, authorizerKey, a)
}

// Can reports whether the caller in ctx may do act on obj.
func Can(ctx context.Context, act string, obj Object) bool { panic("todo") }

// Require returns nil when the caller in ctx may do act on obj; otherwise
// apperr.ErrUnauthenticated for an anonymous caller and apperr.ErrForbidden
// for a signed-in one.
func Require(ctx context.Context, act string, obj Object) error { panic("todo") }

// Grant gives accountID role in domain within tx (audited); applied to this
// instance at commit and announced to the others.
func (a *Authorizer) Grant(ctx context.Context, tx *db.Tx, accountID uuid.UUID, role, domain string, by uuid.UUID) error {
	panic("todo")
}

// Revoke removes the grant within tx (audited), applied like Grant.
func (a *Authorizer) Revoke(ctx context.Context, tx *db.Tx, accountID uuid.UUID, role, domain string, by uuid.UUID) error {
	panic("todo")
}

// Changed tells every instance, at commit, that g rules derived from other
// tables (e.g. organisation membership) changed for these subjects.
func (a *Authorizer) Changed(ctx context.Context, tx *db.Tx) error { panic("todo") }
