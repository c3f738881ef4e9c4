// Package infopages holds the programme's information pages: the procedures
// explained for foreign residents, the welcome pack, and guides, in Polish
// and in as many other languages as translators provide (not only the
// platform's four: Belarusian, Georgian, Vietnamese, Arabic, ...).
//
// The rules this package keeps:
//
//   - A page has a slug (lower-case letters, digits and single hyphens, at
//     most 80 characters, fixed once created so links never break), a kind
//     (procedure, welcome, guide), a status (draft, published, archived) and
//     optionally the city unit responsible for it.
//   - The Polish original is binding and versioned: every edit adds a version
//     credited to its author and dated; nobody overwrites another's text. An
//     edit names the version it started from (baseVersion); if another edit
//     came in between it is a CONFLICT, never a silent overwrite. An edit
//     that changes nothing adds no version.
//   - A translation is a version per language (a canonical BCP 47 tag:
//     "uk", "be", "ka", "vi", "zh-Hant"; Polish in any form is refused since
//     it is the original), credited to the translator's account and, when
//     given, to a public credit such as "Fundacja X, tłum. Anna K.", dated,
//     and naming the original version it translates. It is outdated when the
//     original has a newer version; the API says from which version, and a
//     new translation version based on the current original makes it
//     current again. Older versions stay readable (history).
//   - Reading a page in a language gives that translation (flagged when
//     outdated) or else the original, with the list of available languages;
//     text direction comes from the language's script (Dir).
//   - Who may (internal/authz/policy.csv, object "infopage"; a page's
//     domains are its kind's, KindDomain, and its unit's, "org:<unit>"):
//     coordinators and admins create, edit, publish, archive and translate;
//     officials of the page's unit edit its original (not an archived
//     page's) and read its drafts; translators — the role "translator",
//     granted by a coordinator through grantRole's machinery globally or for
//     one kind of page (domain KindDomain(kind)) — add translations to pages
//     that are not archived and read their drafts, so a translation can be
//     ready at publication. Anyone reads published pages; drafts and
//     archived pages are for staff only (NOT_FOUND to others). Every change
//     is audited.
//   - Status changes are kept as events, so whether a page was published at
//     a past moment is known (TranslatedProcedures).
package infopages

import (
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
)

// Authorization object type and actions (internal/authz/policy.csv).
const (
	ObjectType = "infopage"

	ActCreate    = "create"
	ActEdit      = "edit"
	ActPublish   = "publish"
	ActArchive   = "archive"
	ActTranslate = "translate"
)

// Kind is what a page is.
type Kind string

const (
	KindProcedure Kind = "procedure"
	KindWelcome   Kind = "welcome"
	KindGuide     Kind = "guide"
)

// Kinds are all kinds, in display order.
var Kinds = []Kind{KindProcedure, KindWelcome, KindGuide}

func (k Kind) valid() bool { return k == KindProcedure || k == KindWelcome || k == KindGuide }

// KindDomain is the authorization domain of every page of a kind: a
// translator granted in it translates pages of that kind only. The id is a
// fixed name-based UUID, so it is the same in every installation.
func KindDomain(k Kind) string {
	return authz.Domain("infopage_kind", uuid.NewSHA1(kindNamespace, []byte(k)))
}

var kindNamespace = uuid.MustParse("4f0d7c1e-2b1a-5c55-9b7e-0a1f6e3d8c21")

// Status is where a page stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Errors a caller can hit.
var (
	errSlug       = apperr.Invalid("slug", "infopages.slug_invalid")
	errSlugTaken  = apperr.New(apperr.Conflict, "infopages.slug_taken")
	errKind       = apperr.Invalid("kind", "infopages.kind_invalid")
	errUnit       = apperr.Invalid("unitId", "infopages.unit_invalid")
	errTitle      = apperr.Invalid("title", "infopages.title_required")
	errBody       = apperr.Invalid("body", "infopages.body_required")
	errTooLong    = apperr.Invalid("body", "infopages.body_too_long")
	errLanguage   = apperr.Invalid("language", "infopages.language_invalid")
	errLanguagePL = apperr.Invalid("language", "infopages.language_original")
	errBasedOn    = apperr.Invalid("basedOnVersion", "infopages.based_on_invalid")
	errCredit     = apperr.Invalid("credit", "infopages.credit_too_long")
	errChanged    = apperr.New(apperr.Conflict, "infopages.original_changed")
	errArchived   = apperr.New(apperr.PhaseClosed, "infopages.archived")
	maxTitle      = 300
	maxBody       = 200_000
	maxCredit     = 300
	maxSlug       = 80
)

// Service implements information pages.
type Service struct {
	pool *pgxpool.Pool
	az   *authz.Authorizer
	log  *slog.Logger
	now  func() time.Time
}

// New returns the service.
func New(pool *pgxpool.Pool, az *authz.Authorizer, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{pool: pool, az: az, log: log, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
