package ambassador

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// NominationStatus is where a nomination stands.
type NominationStatus string

const (
	NominationSubmitted   NominationStatus = "submitted"
	NominationWithdrawn   NominationStatus = "withdrawn"
	NominationEligible    NominationStatus = "eligible"
	NominationNotEligible NominationStatus = "not_eligible"
)

// Channel is how a nomination arrived.
type Channel string

const (
	ChannelOnline    Channel = "online"
	ChannelPaper     Channel = "paper"
	ChannelEmail     Channel = "email"
	ChannelEServices Channel = "eservices"
	ChannelPost      Channel = "post"
)

func (c Channel) staffEntered() bool {
	return c == ChannelPaper || c == ChannelEmail || c == ChannelEServices || c == ChannelPost
}

const (
	maxLinks   = 10
	maxLinkLen = 2000
	maxName    = 300
	maxRef     = 500
)

// Errors of nominations.
var (
	errSelfNomination   = apperr.Invalid("nominee", "ambassador.self_nomination")
	errNomineeName      = apperr.Invalid("nomineeName", "ambassador.nominee_name_required")
	errGuardian         = apperr.Invalid("guardian", "ambassador.guardian_required")
	errMinorOrg         = apperr.Invalid("nomineeMinor", "ambassador.minor_organisation")
	errCategory         = apperr.Invalid("categoryId", "ambassador.category_invalid")
	errOrganisation     = apperr.Invalid("nomineeOrganisationId", "ambassador.organisation_invalid")
	errJustification    = apperr.Invalid("justifications", "ambassador.justification_invalid")
	errLinks            = apperr.Invalid("links", "ambassador.links_invalid")
	errChannel          = apperr.Invalid("channel", "ambassador.channel_invalid")
	errReceivedFuture   = apperr.Invalid("receivedAt", "ambassador.received_future")
	errNominatorName    = apperr.Invalid("nominatorName", "ambassador.nominator_name_required")
	errScanRef          = apperr.Invalid("scanRef", "ambassador.scan_ref_invalid")
	errNominationsClose = apperr.New(apperr.PhaseClosed, "ambassador.nominations_closed")
	errReceivedLate     = apperr.New(apperr.PhaseClosed, "ambassador.received_outside_nominations")
	errEntryClosed      = apperr.New(apperr.PhaseClosed, "ambassador.entry_closed")
	errNotSubmitted     = apperr.New(apperr.Conflict, "ambassador.nomination_not_open")
)

// NomineeInput identifies the nominee: a person or an organisation by name
// and contact e-mail (the consent link goes there, or to a minor's
// guardian); an organisation may also name one of the platform's.
type NomineeInput struct {
	Name           string
	Email          string
	OrganisationID *uuid.UUID
	Minor          bool
	GuardianName   string
	GuardianEmail  string
}

// JustificationInput is the nominator's words on one criterion.
type JustificationInput struct {
	CriterionID uuid.UUID
	Text        i18n.Input
}

// NominationInput is a nomination made online.
type NominationInput struct {
	EditionID      uuid.UUID
	CategoryID     uuid.UUID
	Nominee        NomineeInput
	Justifications []JustificationInput
	Links          []string
}

// EntryInput is a nomination received otherwise and entered by staff: how
// it came, when (for post: the postmark), the scan of the form (a reference
// to where it is kept), and the nominator as written on it.
type EntryInput struct {
	NominationInput
	Channel          Channel
	ReceivedAt       time.Time
	ScanRef          string
	NominatorName    string
	NominatorContact string
}

// EditInput changes a nomination; nil fields stay. A changed nominee's
// consent (and its link) starts again.
type EditInput struct {
	CategoryID     *uuid.UUID
	Nominee        *NomineeInput
	Justifications []JustificationInput // nil: unchanged; else replaces those given
	Links          []string             // nil: unchanged
}

// Nomination is a nomination. Nominee fields are private: the nominator and
// staff see them; nobody else before the announcement.
type Nomination struct {
	ID               uuid.UUID
	EditionID        uuid.UUID
	CategoryID       uuid.UUID
	CategoryKind     string
	Nominee          NomineeInput
	NominatorID      *uuid.UUID
	NominatorName    string
	NominatorContact string
	NominatorLocale  i18n.Locale
	Channel          Channel
	ReceivedAt       time.Time
	EnteredBy        *uuid.UUID
	ScanRef          string
	Links            []string
	Status           NominationStatus
	ConsentAt        *time.Time
	ConsentBy        string // "nominee", "guardian"
	ConsentChannel   string // "link", "paper"
	ConsentScanRef   string
	CheckReason      string
	CheckNote        string
	CheckedAt        *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	WithdrawnAt      *time.Time
}

func (n *Nomination) object() authz.Object {
	o := authz.Object{Type: NominationType, ID: n.ID.String(), Domains: []string{Domain(n.EditionID)},
		Attrs: map[string]string{"status": string(n.Status)}}
	if n.NominatorID != nil {
		o.OwnerID = *n.NominatorID
	}
	return o
}

func normEmail(field, s string, required bool) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		if required {
			return "", apperr.Invalid(field, "ambassador.email_required")
		}
		return "", nil
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e || len(e) > 254 {
		return "", apperr.Invalid(field, "ambassador.email_invalid")
	}
	return e, nil
}

// check normalises the nominee for a category kind. An online nomination
// needs the contact e-mail (where the consent link goes); one on paper may
// come with a signed consent instead.
func (in *NomineeInput) check(kind string, emailRequired bool) error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > maxName {
		return errNomineeName
	}
	var err error
	if kind == CategoryIndividual {
		in.OrganisationID = nil
	} else if in.Minor {
		return errMinorOrg
	}
	if in.Minor {
		in.GuardianName = strings.TrimSpace(in.GuardianName)
		if in.GuardianName == "" || len(in.GuardianName) > maxName {
			return errGuardian
		}
		if in.GuardianEmail, err = normEmail("guardianEmail", in.GuardianEmail, emailRequired); err != nil {
			return err
		}
		if in.Email, err = normEmail("nomineeEmail", in.Email, false); err != nil {
			return err
		}
		return nil
	}
	in.GuardianName, in.GuardianEmail = "", ""
	in.Email, err = normEmail("nomineeEmail", in.Email, emailRequired)
	return err
}

func checkLinks(links []string) ([]string, error) {
	if len(links) > maxLinks {
		return nil, errLinks
	}
	out := make([]string, 0, len(links))
	for _, l := range links {
		l = strings.TrimSpace(l)
		u, err := url.Parse(l)
		if err != nil || len(l) > maxLinkLen || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errLinks
		}
		out = append(out, l)
	}
	return out, nil
}

// checkJustifications: each names a criterion of the edition once, with text.
func checkJustifications(js []JustificationInput, criteria map[uuid.UUID]bool) error {
	seen := map[uuid.UUID]bool{}
	for _, j := range js {
		if !criteria[j.CriterionID] || seen[j.CriterionID] {
			return errJustification
		}
		seen[j.CriterionID] = true
		if err := j.Text.Check("justifications", "ambassador.justification_required"); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) criteriaSet(ctx context.Context, tx *db.Tx, edition uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := tx.Query(ctx, `select id from ambassador_criteria where edition_id = $1`, edition)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	m := map[uuid.UUID]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}

func categoryKind(ctx context.Context, tx *db.Tx, edition, category uuid.UUID) (string, error) {
	var kind string
	err := tx.QueryRow(ctx, `select kind from ambassador_categories where id = $1 and edition_id = $2`, category, edition).Scan(&kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errCategory
	}
	return kind, err
}

// selfNomination refuses a nominee who is the nominator: the nominator's
// account e-mail as the nominee's (or guardian's) contact, or an
// organisation the nominator belongs to.
func selfNomination(ctx context.Context, tx *db.Tx, nominator uuid.UUID, contact string, nominee NomineeInput) error {
	var email string
	if nominator != uuid.Nil {
		if err := tx.QueryRow(ctx, `select email from accounts where id = $1`, nominator).Scan(&email); err != nil {
			return fmt.Errorf("load nominator: %w", err)
		}
	} else {
		email = strings.ToLower(strings.TrimSpace(contact))
	}
	if email != "" && nominee.Email == email {
		return errSelfNomination
	}
	if nominee.OrganisationID != nil {
		var exists, member bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from organisations where id = $1),
				exists (select 1 from organisation_members where organisation_id = $1 and account_id = $2)`,
			*nominee.OrganisationID, nominator).Scan(&exists, &member); err != nil {
			return fmt.Errorf("check organisation: %w", err)
		}
		if !exists {
			return errOrganisation
		}
		if member {
			return errSelfNomination
		}
	}
	return nil
}

// Nominate submits a nomination online: a confirmed account ("nominate"),
// while nominations are open, never of themselves. The nominee (or a
// minor's guardian) gets the one-time consent link. Audited.
func (s *Service) Nominate(ctx context.Context, in NominationInput) (*Nomination, error) {
	return s.create(ctx, EntryInput{NominationInput: in, Channel: ChannelOnline})
}

// EnterNomination enters a nomination received on paper, by e-mail,
// e-services or post ("manage": staff). It counts when it was received
// (for post: the postmark) within the nominations phase, even when entered
// later, up to the formal check's end. Marked with who entered it; audited.
func (s *Service) EnterNomination(ctx context.Context, in EntryInput) (*Nomination, error) {
	if !in.Channel.staffEntered() {
		return nil, errChannel
	}
	return s.create(ctx, in)
}

func (s *Service) create(ctx context.Context, in EntryInput) (*Nomination, error) {
	subj := authz.SubjectFrom(ctx)
	online := in.Channel == ChannelOnline
	act := ActManage
	if online {
		act = ActNominate
	}
	now := s.now()
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := authz.For(ctx, act, func() (*Edition, authz.Object, bool, error) {
			e, err := scanEdition(tx.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1 for share`, in.EditionID))
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, authz.Object{}, false, apperr.ErrNotFound
			}
			if err != nil {
				return nil, authz.Object{}, false, err
			}
			obj := authz.Object{Type: NominationType, Domains: []string{Domain(e.ID)}}
			if !online {
				obj = e.object()
			}
			return e, obj, authz.Can(ctx, authz.Read, e.object()), nil
		})
		if err != nil {
			return err
		}
		if e.Status != StatusPublished {
			return errNominationsClose
		}
		received := now
		if online {
			if !e.In(PhaseNominations, now) {
				return errNominationsClose
			}
		} else {
			if !e.takesEntries(now) {
				return errEntryClosed
			}
			if in.ReceivedAt.IsZero() || in.ReceivedAt.After(now) {
				return errReceivedFuture
			}
			if in.ReceivedAt.Before(e.Schedule.NominationsOpen) || !in.ReceivedAt.Before(e.Schedule.NominationsClose) {
				return errReceivedLate
			}
			received = in.ReceivedAt
			in.NominatorName = strings.TrimSpace(in.NominatorName)
			if in.NominatorName == "" || len(in.NominatorName) > maxName {
				return errNominatorName
			}
			in.NominatorContact = strings.TrimSpace(in.NominatorContact)
			if len(in.NominatorContact) > maxName {
				return apperr.Invalid("nominatorContact", "ambassador.contact_invalid")
			}
			if in.ScanRef = strings.TrimSpace(in.ScanRef); len(in.ScanRef) > maxRef {
				return errScanRef
			}
		}
		kind, err := categoryKind(ctx, tx, e.ID, in.CategoryID)
		if err != nil {
			return err
		}
		if err := in.Nominee.check(kind, online); err != nil {
			return err
		}
		criteria, err := s.criteriaSet(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if err := checkJustifications(in.Justifications, criteria); err != nil {
			return err
		}
		links, err := checkLinks(in.Links)
		if err != nil {
			return err
		}
		var nominator, enteredBy *uuid.UUID
		locale := i18n.Default
		if online {
			nominator = &subj.AccountID
			locale = localeOf(ctx, tx, subj.AccountID)
			if err := selfNomination(ctx, tx, subj.AccountID, "", in.Nominee); err != nil {
				return err
			}
		} else {
			enteredBy = &subj.AccountID
			if err := selfNomination(ctx, tx, uuid.Nil, in.NominatorContact, in.Nominee); err != nil {
				return err
			}
		}
		nm := in.Nominee
		if _, err := tx.Exec(ctx, `insert into ambassador_nominations (id, edition_id, category_id, nominee_name, nominee_email,
				nominee_org_id, nominee_minor, guardian_name, guardian_email, nominator_id, nominator_name, nominator_contact,
				nominator_locale, channel, received_at, entered_by, scan_ref, links, created_at, updated_at)
			values ($1, $2, $3, $4, nullif($5, ''), $6, $7, nullif($8, ''), nullif($9, ''), $10, nullif($11, ''), nullif($12, ''),
				$13, $14, $15, $16, nullif($17, ''), $18, $19, $19)`,
			id, e.ID, in.CategoryID, nm.Name, nm.Email, nm.OrganisationID, nm.Minor, nm.GuardianName, nm.GuardianEmail,
			nominator, in.NominatorName, in.NominatorContact, locale, in.Channel, received, enteredBy, in.ScanRef, links, now); err != nil {
			return fmt.Errorf("insert nomination: %w", err)
		}
		if err := writeJustifications(ctx, tx, id, e.ID, in.Justifications, subj.AccountID); err != nil {
			return err
		}
		data := map[string]any{"edition_id": e.ID, "channel": in.Channel}
		if !online {
			data["received_at"] = received
			data["scan_ref"] = in.ScanRef
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{ActorID: subj.AccountID, Action: "ambassador.nomination_create",
			ObjectType: NominationType, ObjectID: id.String(), Data: data}); err != nil {
			return err
		}
		return s.sendConsentLink(ctx, tx, e, id)
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

func writeJustifications(ctx context.Context, tx *db.Tx, nomination, edition uuid.UUID, js []JustificationInput, author uuid.UUID) error {
	for _, j := range js {
		textID, err := i18n.CreateText(ctx, tx, j.Text.Locale, strings.TrimSpace(j.Text.Text), author, []string{Domain(edition)})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_justifications (nomination_id, criterion_id, text_id) values ($1, $2, $3)
			on conflict (nomination_id, criterion_id) do update set text_id = excluded.text_id`, nomination, j.CriterionID, textID); err != nil {
			return fmt.Errorf("insert justification: %w", err)
		}
	}
	return nil
}

// EditNomination changes the caller's own online nomination ("edit":
// owner) while nominations are open and it is not withdrawn. A changed
// nominee loses any consent given, and a new link is sent. Audited.
func (s *Service) EditNomination(ctx context.Context, id uuid.UUID, in EditInput) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActEdit)
		if err != nil {
			return err
		}
		if !e.In(PhaseNominations, s.now()) {
			return errNominationsClose
		}
		if n.Status != NominationSubmitted {
			return errNotSubmitted
		}
		category := n.CategoryID
		if in.CategoryID != nil {
			category = *in.CategoryID
		}
		kind, err := categoryKind(ctx, tx, e.ID, category)
		if err != nil {
			return err
		}
		nominee := n.Nominee
		if in.Nominee != nil {
			nominee = *in.Nominee
		}
		if err := nominee.check(kind, true); err != nil {
			return err
		}
		if err := selfNomination(ctx, tx, actor, "", nominee); err != nil {
			return err
		}
		links := n.Links
		if in.Links != nil {
			if links, err = checkLinks(in.Links); err != nil {
				return err
			}
		}
		criteria, err := s.criteriaSet(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if err := checkJustifications(in.Justifications, criteria); err != nil {
			return err
		}
		changedNominee := !sameNominee(n.Nominee, nominee)
		if err := updateNominee(ctx, tx, id, category, nominee, links, changedNominee, s.now()); err != nil {
			return err
		}
		return s.edited(ctx, tx, e, id, in.Justifications, changedNominee, audit.Entry{ActorID: actor,
			Action: "ambassador.nomination_edit", Data: map[string]any{"nominee_changed": changedNominee}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

// updateNominee writes an edited nomination's category, nominee and links;
// a changed nominee's consent is void (they are asked anew).
func updateNominee(ctx context.Context, tx *db.Tx, id, category uuid.UUID, nominee NomineeInput, links []string, changedNominee bool,
	now time.Time) error {
	if _, err := tx.Exec(ctx, `update ambassador_nominations set category_id = $2, nominee_name = $3, nominee_email = nullif($4, ''),
			nominee_org_id = $5, nominee_minor = $6, guardian_name = nullif($7, ''), guardian_email = nullif($8, ''), links = $9,
			updated_at = $10,
			consent_at = case when $11 then null else consent_at end,
			consent_by = case when $11 then null else consent_by end,
			consent_channel = case when $11 then null else consent_channel end,
			consent_scan_ref = case when $11 then null else consent_scan_ref end,
			consent_recorded_by = case when $11 then null else consent_recorded_by end
		where id = $1`, id, category, nominee.Name, nominee.Email, nominee.OrganisationID, nominee.Minor, nominee.GuardianName,
		nominee.GuardianEmail, links, now, changedNominee); err != nil {
		return fmt.Errorf("update nomination: %w", err)
	}
	return nil
}

// edited finishes an edit of nomination id: its justifications replaced,
// the edit audited (entry, on the nomination), and a changed nominee sent
// a consent link.
func (s *Service) edited(ctx context.Context, tx *db.Tx, e *Edition, id uuid.UUID, js []JustificationInput, changedNominee bool,
	entry audit.Entry) error {
	if err := writeJustifications(ctx, tx, id, e.ID, js, entry.ActorID); err != nil {
		return err
	}
	entry.ObjectType, entry.ObjectID = NominationType, id.String()
	if err := audit.Write(ctx, tx.Tx, entry); err != nil {
		return err
	}
	if changedNominee {
		return s.sendConsentLink(ctx, tx, e, id)
	}
	return nil
}

func sameNominee(a, b NomineeInput) bool {
	sameOrg := (a.OrganisationID == nil) == (b.OrganisationID == nil) &&
		(a.OrganisationID == nil || *a.OrganisationID == *b.OrganisationID)
	return a.Name == b.Name && a.Email == b.Email && a.Minor == b.Minor && a.GuardianName == b.GuardianName &&
		a.GuardianEmail == b.GuardianEmail && sameOrg
}

// WithdrawNomination withdraws the caller's own nomination ("withdraw":
// owner) while nominations are open; its consent links stop working.
// Withdrawing twice is not an error. Audited.
func (s *Service) WithdrawNomination(ctx context.Context, id uuid.UUID) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActWithdraw)
		if err != nil {
			return err
		}
		if n.Status == NominationWithdrawn {
			return nil
		}
		if !e.In(PhaseNominations, s.now()) {
			return errNominationsClose
		}
		if _, err := tx.Exec(ctx, `update ambassador_nominations set status = 'withdrawn', withdrawn_at = $2, updated_at = $2
			where id = $1`, id, s.now()); err != nil {
			return fmt.Errorf("withdraw nomination: %w", err)
		}
		if _, err := tx.Exec(ctx, `update ambassador_consent_tokens set revoked_at = $2
			where nomination_id = $1 and used_at is null and revoked_at is null`, id, s.now()); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.nomination_withdraw",
			ObjectType: NominationType, ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

const nominationCols = `n.id, n.edition_id, n.category_id, c.kind, n.nominee_name, coalesce(n.nominee_email, ''), n.nominee_org_id,
	n.nominee_minor, coalesce(n.guardian_name, ''), coalesce(n.guardian_email, ''), n.nominator_id, coalesce(n.nominator_name, ''),
	coalesce(n.nominator_contact, ''), n.nominator_locale, n.channel, n.received_at, n.entered_by, coalesce(n.scan_ref, ''), n.links,
	n.status, n.consent_at, coalesce(n.consent_by, ''), coalesce(n.consent_channel, ''), coalesce(n.consent_scan_ref, ''),
	coalesce(n.check_reason, ''), coalesce(n.check_note, ''), n.checked_at, n.created_at, n.updated_at, n.withdrawn_at`

const nominationFrom = ` from ambassador_nominations n join ambassador_categories c on c.id = n.category_id`

func scanNomination(row pgx.Row) (*Nomination, error) {
	var n Nomination
	nm := &n.Nominee
	err := row.Scan(&n.ID, &n.EditionID, &n.CategoryID, &n.CategoryKind, &nm.Name, &nm.Email, &nm.OrganisationID, &nm.Minor,
		&nm.GuardianName, &nm.GuardianEmail, &n.NominatorID, &n.NominatorName, &n.NominatorContact, &n.NominatorLocale, &n.Channel,
		&n.ReceivedAt, &n.EnteredBy, &n.ScanRef, &n.Links, &n.Status, &n.ConsentAt, &n.ConsentBy, &n.ConsentChannel,
		&n.ConsentScanRef, &n.CheckReason, &n.CheckNote, &n.CheckedAt, &n.CreatedAt, &n.UpdatedAt, &n.WithdrawnAt)
	return &n, err
}

func (s *Service) loadNomination(ctx context.Context, q db.Querier, id uuid.UUID) (*Nomination, error) {
	n, err := scanNomination(q.QueryRow(ctx, `select `+nominationCols+nominationFrom+` where n.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load nomination: %w", err)
	}
	return n, nil
}

// nominationFor loads a nomination and its edition, locked, for act in
// authz.For's order.
func (s *Service) nominationFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Nomination, *Edition, error) {
	var e *Edition
	n, err := authz.For(ctx, act, func() (*Nomination, authz.Object, bool, error) {
		n, err := scanNomination(tx.QueryRow(ctx, `select `+nominationCols+nominationFrom+` where n.id = $1 for update of n`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load nomination: %w", err)
		}
		if e, err = s.loadEdition(ctx, tx, n.EditionID); err != nil {
			return nil, authz.Object{}, false, err
		}
		return n, n.object(), authz.Can(ctx, authz.Read, n.object()), nil
	})
	return n, e, err
}

// Nomination returns a nomination the caller may see (its nominator,
// staff); anyone else gets NOT_FOUND.
func (s *Service) Nomination(ctx context.Context, id uuid.UUID) (*Nomination, error) {
	n, err := s.loadNomination(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, authz.Read, n.object()) && !s.jurySees(ctx, s.pool, n) {
		return nil, apperr.ErrNotFound
	}
	return n, nil
}

// NominationKey orders nominations by creation.
type NominationKey struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

// Valid makes NominationKey a page key.
func (k NominationKey) Valid() bool { return k.ID != uuid.Nil }

const nominationsList = "ambassador_nominations"

// Cursor is n's cursor in Nominations.
func (n *Nomination) Cursor() string {
	return page.Cursor(nominationsList, NominationKey{At: n.CreatedAt, ID: n.ID})
}

// NominationFilter narrows Nominations.
type NominationFilter struct {
	Status *NominationStatus
}

// Nominations lists an edition's nominations the caller may see, oldest
// first: all of them for staff, the eligible ones for its jurors from
// SCORING on, the caller's own for everyone else (none for an anonymous
// caller). Nominees are never listed publicly in this part.
func (s *Service) Nominations(ctx context.Context, edition uuid.UUID, f NominationFilter, first int, after string) (page.Page[*Nomination], error) {
	if err := page.Check(first); err != nil {
		return page.Page[*Nomination]{}, err
	}
	var key NominationKey
	hasAfter, err := page.After(nominationsList, after, &key)
	if err != nil {
		return page.Page[*Nomination]{}, err
	}
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return page.Page[*Nomination]{}, err
	}
	staff := authz.Can(ctx, authz.Read, authz.Object{Type: NominationType, Domains: []string{Domain(e.ID)}})
	subj := authz.SubjectFrom(ctx)
	var status *string
	if f.Status != nil {
		v := string(*f.Status)
		status = &v
	}
	// The jury lists the eligible nominations (scoring.go).
	where := ` where n.edition_id = $1 and ($2 or n.nominator_id = $3 or ($5 and n.status = 'eligible'))
		and ($4::text is null or n.status = $4)`
	args := []any{e.ID, staff, subj.AccountID, status, juryLists(ctx, e)}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from ambassador_nominations n`+where, args...).Scan(&total); err != nil {
		return page.Page[*Nomination]{}, fmt.Errorf("count nominations: %w", err)
	}
	if first == 0 {
		return page.Of[*Nomination](nil, 0, total), nil
	}
	var afterAt *time.Time
	var afterID *uuid.UUID
	if hasAfter {
		afterAt, afterID = &key.At, &key.ID
	}
	rows, err := s.pool.Query(ctx, `select `+nominationCols+nominationFrom+where+
		` and ($6::timestamptz is null or (n.created_at, n.id) > ($6, $7::uuid)) order by n.created_at, n.id limit $8`,
		append(args, afterAt, afterID, first+1)...)
	if err != nil {
		return page.Page[*Nomination]{}, fmt.Errorf("list nominations: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Nomination, error) { return scanNomination(r) })
	if err != nil {
		return page.Page[*Nomination]{}, fmt.Errorf("list nominations: %w", err)
	}
	return page.Of(items, first, total), nil
}

// Justification is the nominator's text on one criterion.
type Justification struct {
	CriterionID uuid.UUID
	TextID      uuid.UUID
}

// localeOf is the account's locale, Polish when unknown.
func localeOf(ctx context.Context, q db.Querier, account uuid.UUID) i18n.Locale {
	var l string
	if err := q.QueryRow(ctx, `select locale from accounts where id = $1`, account).Scan(&l); err != nil {
		return i18n.Default
	}
	if loc, ok := i18n.ParseLocale(l); ok {
		return loc
	}
	return i18n.Default
}

// Manages reports whether the caller runs n's edition (staff): they see a
// nomination's scans and record its consent and check.
func (s *Service) Manages(ctx context.Context, n *Nomination) bool {
	return authz.Can(ctx, ActManage, n.object())
}

// MayNominate reports whether the caller may nominate in e now.
func (s *Service) MayNominate(ctx context.Context, e *Edition) bool {
	return e.In(PhaseNominations, s.now()) &&
		authz.Can(ctx, ActNominate, authz.Object{Type: NominationType, Domains: []string{Domain(e.ID)}})
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// EntryEditInput changes a staff-entered nomination; nil fields stay.
type EntryEditInput struct {
	EditInput
	Channel          *Channel
	ReceivedAt       *time.Time
	ScanRef          *string
	NominatorName    *string
	NominatorContact *string
}

var errOnlineByNominator = apperr.New(apperr.Forbidden, "ambassador.online_edited_by_nominator")

// EditEntry changes a nomination staff entered ("manage": staff), e.g. a
// name misread on a paper form, until the formal check's end, while it is
// still submitted (not withdrawn, declined or checked). A nomination made
// online is its nominator's to change (FORBIDDEN). The same rules as entry
// hold (the date received within the nominations phase, no
// self-nomination); a changed nominee loses any consent and a new link is
// sent. Audited with the fields changed.
func (s *Service) EditEntry(ctx context.Context, id uuid.UUID, in EntryEditInput) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if !n.Channel.staffEntered() {
			return errOnlineByNominator
		}
		now := s.now()
		if !e.takesEntries(now) {
			return errEntryClosed
		}
		if n.Status != NominationSubmitted {
			return errNotSubmitted
		}
		var changed []string
		channel := n.Channel
		if in.Channel != nil && *in.Channel != channel {
			if !in.Channel.staffEntered() {
				return errChannel
			}
			channel = *in.Channel
			changed = append(changed, "channel")
		}
		received := n.ReceivedAt
		if in.ReceivedAt != nil && !in.ReceivedAt.Equal(received) {
			if in.ReceivedAt.After(now) {
				return errReceivedFuture
			}
			if in.ReceivedAt.Before(e.Schedule.NominationsOpen) || !in.ReceivedAt.Before(e.Schedule.NominationsClose) {
				return errReceivedLate
			}
			received = *in.ReceivedAt
			changed = append(changed, "received_at")
		}
		nominatorName, contact, scanRef := n.NominatorName, n.NominatorContact, n.ScanRef
		if in.NominatorName != nil {
			if nominatorName = strings.TrimSpace(*in.NominatorName); nominatorName == "" || len(nominatorName) > maxName {
				return errNominatorName
			}
			changed = append(changed, "nominator_name")
		}
		if in.NominatorContact != nil {
			if contact = strings.TrimSpace(*in.NominatorContact); len(contact) > maxName {
				return apperr.Invalid("nominatorContact", "ambassador.contact_invalid")
			}
			changed = append(changed, "nominator_contact")
		}
		if in.ScanRef != nil {
			if scanRef = strings.TrimSpace(*in.ScanRef); len(scanRef) > maxRef {
				return errScanRef
			}
			changed = append(changed, "scan_ref")
		}
		category := n.CategoryID
		if in.CategoryID != nil {
			category = *in.CategoryID
			changed = append(changed, "category")
		}
		kind, err := categoryKind(ctx, tx, e.ID, category)
		if err != nil {
			return err
		}
		nominee := n.Nominee
		if in.Nominee != nil {
			nominee = *in.Nominee
		}
		if err := nominee.check(kind, false); err != nil {
			return err
		}
		if err := selfNomination(ctx, tx, uuid.Nil, contact, nominee); err != nil {
			return err
		}
		links := n.Links
		if in.Links != nil {
			if links, err = checkLinks(in.Links); err != nil {
				return err
			}
			changed = append(changed, "links")
		}
		criteria, err := s.criteriaSet(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if err := checkJustifications(in.Justifications, criteria); err != nil {
			return err
		}
		if len(in.Justifications) > 0 {
			changed = append(changed, "justifications")
		}
		changedNominee := !sameNominee(n.Nominee, nominee)
		if changedNominee {
			changed = append(changed, "nominee")
		}
		if err := updateNominee(ctx, tx, id, category, nominee, links, changedNominee, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update ambassador_nominations set channel = $2, received_at = $3,
				nominator_name = nullif($4, ''), nominator_contact = nullif($5, ''), scan_ref = nullif($6, '')
			where id = $1`, id, channel, received, nominatorName, contact, scanRef); err != nil {
			return fmt.Errorf("update nomination: %w", err)
		}
		return s.edited(ctx, tx, e, id, in.Justifications, changedNominee, audit.Entry{ActorID: actor,
			Action: "ambassador.nomination_entry_edit", Data: map[string]any{"changed": changed}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}
