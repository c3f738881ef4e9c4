package ambassador

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// ErrConsentLinkInvalid: the consent link is unknown, used, withdrawn or
// expired (one message for all, so a link reveals nothing).
var ErrConsentLinkInvalid = apperr.New(apperr.NotFound, "ambassador.consent_link_invalid")

var (
	errConsentClosed = apperr.New(apperr.PhaseClosed, "ambassador.consent_closed")
	errConsentGiven  = apperr.New(apperr.Conflict, "ambassador.consent_given")
)

func newToken() (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, tokenHash(secret)
}

func tokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// sendConsentLink replaces the nomination's consent links with a new one,
// valid until the formal check's end, and e-mails it to the nominee (to the
// guardian for a minor). Without an address nothing is sent: staff then
// record a signed consent.
func (s *Service) sendConsentLink(ctx context.Context, tx *db.Tx, e *Edition, nomination uuid.UUID) error {
	n, err := s.loadNomination(ctx, tx, nomination)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `update ambassador_consent_tokens set revoked_at = $2
		where nomination_id = $1 and used_at is null and revoked_at is null`, nomination, s.now()); err != nil {
		return fmt.Errorf("revoke consent links: %w", err)
	}
	to, name := n.Nominee.Email, n.Nominee.Name
	if n.Nominee.Minor {
		to = n.Nominee.GuardianEmail
	}
	if to == "" || n.ConsentAt != nil {
		return nil
	}
	secret, hash := newToken()
	var tokenID uuid.UUID
	if err := tx.QueryRow(ctx, `insert into ambassador_consent_tokens (nomination_id, token_hash, created_at, expires_at)
		values ($1, $2, $3, $4) returning id`, nomination, hash, s.now(), e.Schedule.CheckClose).Scan(&tokenID); err != nil {
		return fmt.Errorf("insert consent link: %w", err)
	}
	if s.notify == nil {
		return nil
	}
	data := map[string]string{
		notify.DataLink:      strings.TrimRight(s.cfg.PublicURL, "/") + PathConsent + "?token=" + url.QueryEscape(secret),
		notify.DataExpiresAt: e.Schedule.CheckClose.UTC().Format("2006-01-02T15:04:05Z07:00"),
		"nominee":            name,
		"year":               fmt.Sprint(e.Year),
		"category":           n.CategoryKind,
	}
	// The nominee is addressed by address, in the nominator's language when
	// the address has no account (its owner's language otherwise).
	var locale string
	_ = tx.QueryRow(ctx, `select locale from accounts where email = $1 and deleted_at is null`, to).Scan(&locale)
	if locale == "" {
		locale = string(n.NominatorLocale)
	}
	data[notify.DataLocale] = locale
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{ToAddress: to, Kind: NoticeConsentRequest, Data: data,
		DedupeKey: "ambassador_consent:" + tokenID.String(), Email: true, Transactional: true})
}

// ConsentInput is the consent by link: the token, and for a minor the
// guardian's confirmation of their name as recorded.
type ConsentInput struct {
	Token string
}

// GiveConsent records the nominee's (or a minor's guardian's) consent by
// the one-time link: anonymous, the token is the proof. It works once,
// until the formal check's end, and only for a nomination still in the
// running; any other token is ErrConsentLinkInvalid.
func (s *Service) GiveConsent(ctx context.Context, in ConsentInput) (*Nomination, error) {
	if in.Token == "" || len(in.Token) > 128 {
		return nil, ErrConsentLinkInvalid
	}
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, _, err := s.redeemConsentLink(ctx, tx, in.Token)
		if err != nil {
			return err
		}
		id = n.ID
		by := "nominee"
		if n.Nominee.Minor {
			by = "guardian"
		}
		if _, err := tx.Exec(ctx, `update ambassador_nominations set consent_at = $2, consent_by = $3, consent_channel = 'link',
			updated_at = $2 where id = $1`, id, s.now(), by); err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{Action: "ambassador.consent_link", ObjectType: NominationType,
			ObjectID: id.String(), Data: map[string]any{"by": by}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

// RecordConsent records a signed consent received on paper ("manage":
// staff), with a reference to its scan, until the formal check's end: the
// nominee's, or for a minor the guardian's (named on the nomination).
// Audited.
func (s *Service) RecordConsent(ctx context.Context, id uuid.UUID, scanRef string) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	scanRef = strings.TrimSpace(scanRef)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if scanRef == "" || len(scanRef) > maxRef {
			return errScanRef
		}
		if !e.takesEntries(s.now()) {
			return errConsentClosed
		}
		if n.Status == NominationWithdrawn {
			return errNotSubmitted
		}
		if n.CheckReason == ReasonDeclined {
			return errDeclined
		}
		if n.ConsentAt != nil {
			return errConsentGiven
		}
		by := "nominee"
		if n.Nominee.Minor {
			by = "guardian"
		}
		if _, err := tx.Exec(ctx, `update ambassador_nominations set consent_at = $2, consent_by = $3, consent_channel = 'paper',
			consent_scan_ref = $4, consent_recorded_by = $5, updated_at = $2 where id = $1`, id, s.now(), by, scanRef, actor); err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		if _, err := tx.Exec(ctx, `update ambassador_consent_tokens set revoked_at = $2
			where nomination_id = $1 and used_at is null and revoked_at is null`, id, s.now()); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.consent_paper", ObjectType: NominationType,
			ObjectID: id.String(), Data: map[string]any{"by": by, "scan_ref": scanRef}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

// errNoAddress: a consent link needs the nominee's (a minor's guardian's)
// e-mail; staff record a signed consent instead.
var errNoAddress = apperr.New(apperr.Conflict, "ambassador.consent_no_address")

// ResendConsentLink sends the nominee (a minor's guardian) a new consent
// link ("manage": staff), e.g. when the first e-mail was lost; the earlier
// links stop working. Only for a nomination in the running without
// consent, with an address, until the formal check's end. Audited.
func (s *Service) ResendConsentLink(ctx context.Context, id uuid.UUID) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if !e.takesEntries(s.now()) {
			return errConsentClosed
		}
		if n.Status != NominationSubmitted {
			return errNotSubmitted
		}
		if n.ConsentAt != nil {
			return errConsentGiven
		}
		if (n.Nominee.Minor && n.Nominee.GuardianEmail == "") || (!n.Nominee.Minor && n.Nominee.Email == "") {
			return errNoAddress
		}
		if err := s.sendConsentLink(ctx, tx, e, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.consent_resend", ObjectType: NominationType,
			ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

// ReasonDeclined: the nominee (a minor's guardian) declined through the
// consent link. Set only that way, never by staff's check, and final.
const ReasonDeclined = "declined"

// NoticeNominationDeclined: the nominator learns that the nominee declined.
const NoticeNominationDeclined = "ambassador_nomination_declined"

var errDeclined = apperr.New(apperr.Conflict, "ambassador.declined")

func init() {
	notify.Register(notify.Kind{Name: NoticeNominationDeclined, Data: []string{"nominee", "year"}})
}

// DeclineNomination records that the nominee (a minor's guardian) declines,
// by the consent link: anonymous, the token is the proof, once, on the same
// terms as GiveConsent (consenting and declining exclude each other: the
// link is used up either way). The nomination becomes not eligible with
// ReasonDeclined, which staff cannot change, and its online nominator is
// told in their language (a nominator on paper is told by staff). Audited.
func (s *Service) DeclineNomination(ctx context.Context, in ConsentInput) (*Nomination, error) {
	if in.Token == "" || len(in.Token) > 128 {
		return nil, ErrConsentLinkInvalid
	}
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.redeemConsentLink(ctx, tx, in.Token)
		if err != nil {
			return err
		}
		id = n.ID
		if _, err := tx.Exec(ctx, `update ambassador_nominations set status = 'not_eligible', check_reason = $3, checked_at = $2,
			checked_by = null, updated_at = $2 where id = $1`, id, s.now(), ReasonDeclined); err != nil {
			return fmt.Errorf("record decline: %w", err)
		}
		if _, err := tx.Exec(ctx, `update ambassador_consent_tokens set revoked_at = $2
			where nomination_id = $1 and used_at is null and revoked_at is null`, id, s.now()); err != nil {
			return err
		}
		by := "nominee"
		if n.Nominee.Minor {
			by = "guardian"
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{Action: "ambassador.nomination_declined", ObjectType: NominationType,
			ObjectID: id.String(), Data: map[string]any{"by": by}}); err != nil {
			return err
		}
		if s.notify == nil || n.NominatorID == nil {
			return nil
		}
		return s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: *n.NominatorID, Kind: NoticeNominationDeclined,
			Data:      map[string]string{"nominee": n.Nominee.Name, "year": fmt.Sprint(e.Year)},
			DedupeKey: "ambassador_declined:" + id.String(), InApp: true, Email: true})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}

// redeemConsentLink uses up the one-time link of token in tx and returns
// its nomination (locked) and edition: only a live link (unused, not
// revoked, not expired) of a nomination still in the running, with no
// consent yet, in an edition still taking entries; any other token is
// ErrConsentLinkInvalid, whatever the reason.
func (s *Service) redeemConsentLink(ctx context.Context, tx *db.Tx, token string) (*Nomination, *Edition, error) {
	var id uuid.UUID
	err := tx.QueryRow(ctx, `update ambassador_consent_tokens set used_at = $2
		where token_hash = $1 and used_at is null and revoked_at is null and expires_at > $2
		returning nomination_id`, tokenHash(token), s.now()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrConsentLinkInvalid
	}
	if err != nil {
		return nil, nil, fmt.Errorf("use consent link: %w", err)
	}
	n, err := scanNomination(tx.QueryRow(ctx, `select `+nominationCols+nominationFrom+` where n.id = $1 for update of n`, id))
	if err != nil {
		return nil, nil, fmt.Errorf("load nomination: %w", err)
	}
	if n.Status != NominationSubmitted || n.ConsentAt != nil {
		return nil, nil, ErrConsentLinkInvalid
	}
	e, err := s.loadEdition(ctx, tx, n.EditionID)
	if err != nil {
		return nil, nil, err
	}
	if !e.takesEntries(s.now()) {
		return nil, nil, ErrConsentLinkInvalid
	}
	return n, e, nil
}
