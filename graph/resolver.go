// Package graph is the GraphQL transport: thin resolvers that decode, call a
// service (which authorizes) and map errors; the error presenter, limits,
// dataloaders and WebSocket authentication.
package graph

//go:generate go tool gqlgen generate

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/programme"
)

// Resolver holds the services the resolvers call.
type Resolver struct {
	Identity       *identity.Service
	Orgs           *org.Service
	Consultations  *consultation.Service
	Budget         *budget.Service
	Dialogue       *dialogue.Service
	Notify         *notify.Service
	Authz          *authz.Authorizer
	Live           *live.Broker
	Pool           *pgxpool.Pool
	Log            *slog.Logger
	TrustedProxies []netip.Prefix
	Limits         Limits
	RateLimits     *RateLimits
	// BatchWait is how long a dataloader of one response waits for more
	// keys before it queries (zero: the library's 16 ms). Tests that count
	// statements lengthen it: under the race detector resolvers of one
	// page can be further apart than 16 ms, splitting a batch in two.
	BatchWait time.Duration

	// Motions, votes and elections of dialogue bodies.
	DialogueMotions   *dialogue.Motions
	DialogueElections *dialogue.Elections
	// Minutes of body meetings.
	DialogueMinutes *dialogue.Minutes
	// The Ambassador of Multiculturalism.
	Ambassador *ambassador.Service
	// Attachments (internal/attach), and the nominations' files on them.
	Attachments     *attach.Service
	AmbassadorFiles *ambassador.Files
	// The programme's results declaration.
	Programmes *programme.Service
	// The documents behind entered values, on Attachments.
	ProgrammeFiles *programme.Files
	// Information pages.
	InfoService *infopages.Service
	// The events calendar.
	Calendar *events.Service

	live *liveLayer // made by NewHandler
}
