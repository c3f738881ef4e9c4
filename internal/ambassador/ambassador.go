// Package ambassador is the Ambassador of Multiculturalism (Krakowski
// Ambasador Wielokulturowości): the yearly title the Mayor gives on the
// proposal of a jury. This part holds editions (the year of activity, the
// schedule, categories, criteria, the call in four languages), the jury
// (jurors are invited through identity's invitations and hold the juror
// role in the edition's domain), nominations (online by a confirmed
// account, or entered by staff from paper, e-mail, e-services and post with
// the date received), the nominee's consent (a one-time link, or a signed
// paper recorded by staff; a minor's by a guardian) and the formal check.
//
// An edition's phase is stored and moves on internal/phase, the platform's
// one phase machine: at the schedule's times by River jobs, or earlier by a
// coordinator's hand; every move is in the history. A deadline still holds
// to the second before its job has run (Edition.In).
package ambassador

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/phase"
	"github.com/otwarty/otwarty/internal/poll"
)

// Authorization object types and actions (internal/authz/policy.csv).
const (
	EditionType    = "ambassador_edition"
	NominationType = "ambassador_nomination"

	ActCreate   = "create"
	ActManage   = "manage"
	ActNominate = "nominate"
	ActEdit     = "edit"
	ActWithdraw = "withdraw"
)

// Domain is the authorization domain of an edition: its jurors' grants.
func Domain(edition uuid.UUID) string { return authz.Domain("ambassador", edition) }

// Inviter sends role invitations (identity.Service).
type Inviter interface {
	Invite(ctx context.Context, in identity.InviteInput) (identity.Invitation, error)
}

// Config is what the service needs from the configuration.
type Config struct {
	// PublicURL is the base of the consent links (OTWARTY_PUBLIC_URL).
	PublicURL string
}

// PathConsent is the path of the consent link; the front end serves it and
// calls giveAmbassadorConsent with the token.
const PathConsent = "/ambassador/consent"

// Service implements the Ambassador's editions, jury, nominations, consent
// and formal check.
type Service struct {
	pool    *pgxpool.Pool
	az      *authz.Authorizer
	notify  *notify.Service
	inviter Inviter
	jobs    phase.Inserter
	box     *ballotbox.Box // the audience vote's ballots (UseBox)
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	// jury decides the jury's proposals (decision.go; UseBox).
	jury *poll.Service
	// nomineeErased run in the erasure of a nominee, on the nominations of
	// them, before those lose what names the nominee (NewFiles: their files).
	nomineeErased []func(ctx context.Context, tx *db.Tx, nominations []uuid.UUID) error
}

// New returns the service.
func New(pool *pgxpool.Pool, az *authz.Authorizer, ns *notify.Service, inviter Inviter, cfg Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{pool: pool, az: az, notify: ns, inviter: inviter, cfg: cfg, log: log, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
