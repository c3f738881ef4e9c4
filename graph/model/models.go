// Package model holds the GraphQL object types. Types with fields that need
// loading are written here (fields not in the struct get resolvers); the rest
// are generated into models_gen.go.
package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
)

// Account is the signed-in person's own account.
type Account struct {
	ID             string
	Key            uuid.UUID
	Email          string
	EmailConfirmed bool
	DisplayName    string
	Locale         i18n.Locale
	CreatedAt      time.Time
	Verified       bool
}

func (Account) IsNode()         {}
func (a Account) GetID() string { return a.ID }

// AccountFrom maps the domain account.
func AccountFrom(a identity.Account) *Account {
	return &Account{ID: gid.Encode("Account", a.ID), Key: a.ID, Email: a.Email, EmailConfirmed: a.EmailConfirmed,
		DisplayName: a.DisplayName, Locale: a.Locale, CreatedAt: a.CreatedAt, Verified: a.Verified}
}

// Session is one of the caller's sessions.
type Session struct {
	ID         string
	Key        uuid.UUID
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	Current    bool
}

func (Session) IsNode()         {}
func (s Session) GetID() string { return s.ID }

// SessionFrom maps a domain session; current marks the requesting one.
func SessionFrom(s identity.Session, current uuid.UUID) *Session {
	return &Session{ID: gid.Encode("Session", s.ID), Key: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt,
		ExpiresAt: s.ExpiresAt, UserAgent: s.UserAgent, Current: s.ID == current}
}

// Organisation is an NGO, minority organisation, city unit, ...
type Organisation struct {
	ID        string
	Key       uuid.UUID
	Kind      OrganisationKind
	Name      string
	Slug      string
	CreatedAt time.Time
	// DescriptionTextID is the LocalizedText of the description, if any.
	DescriptionTextID *uuid.UUID
}

func (Organisation) IsNode()         {}
func (o Organisation) GetID() string { return o.ID }

// Invitation is an invitation to a role.
type Invitation struct {
	ID             string
	Key            uuid.UUID
	Email          string
	Role           InvitableRole
	OrganisationID *uuid.UUID
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
}

func (Invitation) IsNode()         {}
func (i Invitation) GetID() string { return i.ID }

// Notification is an in-app notification.
type Notification struct {
	ID        string
	Key       uuid.UUID
	Kind      string
	Params    []NotificationParam
	CreatedAt time.Time
	ReadAt    *time.Time
}

func (Notification) IsNode()         {}
func (n Notification) GetID() string { return n.ID }

// RoleGrant is a role held in a scope.
type RoleGrant struct {
	Role           Role
	Scope          string
	OrganisationID *uuid.UUID
}
