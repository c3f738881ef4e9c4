// Package dialogue is the dialogue bodies of the programme (ciała dialogu):
// advisory councils, dialogue commissions, teams and working groups of a city
// unit, their rules, and their members appointed for terms.
//
// Members are persons (an account) or organisations, represented by named
// delegates (at least one main delegate, at most one substitute). A
// membership is active while its term runs and it has not ended early
// (resignation, removal, dissolution of the body); every check compares with
// the clock, and a job also ends each term when it is over. History stays.
//
// Meetings, motions and votes build on VotingMembers and MayVote: who votes
// for which member at a time. The body roles of authz (body_member,
// body_chair, body_secretary) say what a member may see and do; they never
// decide a vote (guests and observers hold body_member and never vote).
package dialogue

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/tally"
)

// Kind is what sort of body it is.
type Kind string

const (
	KindAdvisoryCouncil       Kind = "advisory_council"
	KindDialogueCommission    Kind = "dialogue_commission"
	KindInterdisciplinaryTeam Kind = "interdisciplinary_team"
	KindWorkingGroup          Kind = "working_group"
	KindMigrantsCouncil       Kind = "migrants_council"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindAdvisoryCouncil, KindDialogueCommission, KindInterdisciplinaryTeam, KindWorkingGroup, KindMigrantsCouncil:
		return true
	}
	return false
}

// Status is a body's state: active until dissolved, for good.
type Status string

const (
	StatusActive    Status = "active"
	StatusDissolved Status = "dissolved"
)

// Majority is the default majority a body's motions pass by.
type Majority string

const (
	// MajoritySimple: more votes for than against (abstentions do not
	// count), the Polish default "zwykła większość głosów".
	MajoritySimple Majority = "simple"
	// MajorityAbsolute: more than half of all voting members.
	MajorityAbsolute Majority = "absolute"
	// MajorityTwoThirds: at least two thirds of the votes cast
	// (abstentions count as cast).
	MajorityTwoThirds Majority = "two_thirds"
)

// Valid reports whether m is one of the majorities.
func (m Majority) Valid() bool {
	return m == MajoritySimple || m == MajorityAbsolute || m == MajorityTwoThirds
}

// Rules are how a body decides. The zero value is not valid; DefaultRules
// are the Polish defaults.
type Rules struct {
	// Quorum is the share of the voting members who must be present (at
	// least that share).
	Quorum   tally.Fraction
	Majority Majority
	// ChairBreaksTies: on a tie the chair's vote decides.
	ChairBreaksTies bool
	// RemoteAttendanceCounts: members attending remotely count towards the
	// quorum and vote.
	RemoteAttendanceCounts bool
	// VotesChangeableBeforeClose: a member may change a vote until the vote
	// closes.
	VotesChangeableBeforeClose bool
	// DocumentsPublic: the body's documents (and minutes) are public when
	// the body is.
	DocumentsPublic bool
}

// DefaultRules are the Polish defaults: quorum of half the voting members,
// a simple majority of votes cast, the chair's vote breaks a tie; remote
// attendance counts, votes are final once cast, documents are public.
func DefaultRules() Rules {
	return Rules{Quorum: tally.Half, Majority: MajoritySimple, ChairBreaksTies: true,
		RemoteAttendanceCounts: true, DocumentsPublic: true}
}

// Tally is the rule a motion of the body is decided by under majority m
// (the body's default majority when m is ""), in internal/tally's terms.
func (r Rules) Tally(m Majority) tally.Rule {
	if m == "" {
		m = r.Majority
	}
	rule := tally.Rule{Quorum: r.Quorum, CastingVote: r.ChairBreaksTies}
	switch m {
	case MajorityAbsolute:
		rule.Base, rule.Share = tally.BaseMembers, tally.Half
	case MajorityTwoThirds:
		rule.Base, rule.Share, rule.AtLeast = tally.BaseCast, tally.TwoThirds, true
	default:
		rule.Base, rule.Share = tally.BaseVotesFor, tally.Half
	}
	return rule
}

// Body is a dialogue body.
type Body struct {
	ID            uuid.UUID
	UnitID        uuid.UUID
	Kind          Kind
	NameTextID    uuid.UUID
	MandateTextID *uuid.UUID
	Public        bool
	Status        Status
	Rules         Rules
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DissolvedAt   *time.Time

	// viewerMember says, when the read already knew it, whether the caller
	// who read the body holds a membership of it active then (Bodies reads
	// it with each row, so a page's viewerCan costs no statement per body).
	viewerMember *bool
}

// Domain is the authorization domain of a body: its members' roles are held
// in it.
func Domain(id uuid.UUID) string { return authz.Domain("body", id) }

// ObjectType is the body as an authorization object (policy.csv).
const ObjectType = "dialogue_body"

// membershipType is a membership as the object of a resignation.
const membershipType = "body_membership"

// Actions of the policy matrix (internal/authz/policy.csv).
const (
	ActRead          = authz.Read
	ActCreate        = "create"
	ActUpdate        = "update"
	ActDissolve      = "dissolve"
	ActManageMembers = "manage_members"
	ActResign        = "resign"
)

// object is the body as an authorization object for a caller: its unit's
// domain, and its own domain only when the caller is a member now (the g
// rules of a membership whose term is over may not have been reloaded yet).
func (b *Body) object(memberNow bool) authz.Object {
	domains := []string{authz.Domain("org", b.UnitID)}
	if memberNow {
		domains = append(domains, Domain(b.ID))
	}
	public := "false"
	if b.Public {
		public = "true"
	}
	return authz.Object{Type: ObjectType, ID: b.ID.String(), Domains: domains,
		Attrs: map[string]string{"public": public, "status": string(b.Status)}}
}

// Service implements dialogue bodies and their membership.
type Service struct {
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	notify *notify.Service
	// river inserts jobs in the caller's transaction (db.Jobs).
	river *river.Client[pgx.Tx]
	log   *slog.Logger
	// now is the clock; tests move it.
	now func() time.Time
	// meetings is the gathering mechanism for the bodies' meetings
	// (meeting.go).
	meetings *gathering.Service
	// dissolving runs in a body's dissolution's transaction, after its
	// memberships ended (Motions: its open votes are closed undecided).
	dissolving []func(ctx context.Context, tx *db.Tx, bodyID uuid.UUID) error
}

// New returns the service; jobs inserts its River jobs (db.Jobs).
func New(pool *pgxpool.Pool, jobs *river.Client[pgx.Tx], az *authz.Authorizer, ns *notify.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{pool: pool, az: az, notify: ns, river: jobs, log: log, now: time.Now}
	s.meetings = s.newMeetings()
	return s
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// textDomains are the domains of a body's texts: its own and its unit's.
func textDomains(b uuid.UUID, unit uuid.UUID) []string {
	return []string{Domain(b), authz.Domain("org", unit)}
}

// localeOf is the account's locale, Polish when unknown.
func localeOf(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, account uuid.UUID) i18n.Locale {
	var l string
	if err := q.QueryRow(ctx, `select locale from accounts where id = $1`, account).Scan(&l); err != nil {
		return i18n.Default
	}
	if loc, ok := i18n.ParseLocale(l); ok {
		return loc
	}
	return i18n.Default
}
