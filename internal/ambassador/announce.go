package ambassador

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// The announcement: the move into ANNOUNCEMENT publishes the laureates and
// distinctions of the Mayor's award. It needs the award in every category
// with eligible nominations, each justification in the four languages.
// A hand move without them is refused (CONFLICT); the scheduled move holds
// the edition in its phase instead, and tells the coordinators (once per
// scheduled time), who move it by hand when the award is complete. At the
// move every eligible nomination's nominator and nominee is told the
// outcome (laureate, distinction, not awarded) in their language, once.

// Outcomes told at the announcement.
const (
	OutcomeLaureate    = "laureate"
	OutcomeDistinction = "distinction"
	OutcomeNotAwarded  = "not_awarded"
)

var (
	errAwardMissing          = apperr.New(apperr.Conflict, "ambassador.award_missing")
	errJustificationLanguage = apperr.New(apperr.Conflict, "ambassador.justification_languages")
)

// announceReady checks what the announcement needs of e, in tx.
func announceReady(ctx context.Context, tx *db.Tx, e *Edition) error {
	var missing bool
	if err := tx.QueryRow(ctx, `select exists (select 1 from ambassador_categories c where c.edition_id = $1
			and exists (select 1 from ambassador_nominations n where n.category_id = c.id and n.status = 'eligible')
			and not exists (select 1 from ambassador_awards a where a.category_id = c.id))`, e.ID).Scan(&missing); err != nil {
		return fmt.Errorf("check award: %w", err)
	}
	if missing {
		return errAwardMissing
	}
	locales := make([]string, len(i18n.All))
	for i, l := range i18n.All {
		locales[i] = string(l)
	}
	if err := tx.QueryRow(ctx, `select exists (select 1 from ambassador_award_entries x
			join ambassador_awards a on a.category_id = x.category_id cross join unnest($2::text[]) l(loc)
			where a.edition_id = $1 and not exists (select 1 from text_versions v where v.text_id = x.justification_id
				and v.locale = l.loc))`, e.ID, locales).Scan(&missing); err != nil {
		return fmt.Errorf("check justifications: %w", err)
	}
	if missing {
		return errJustificationLanguage
	}
	return nil
}

// holdAnnouncement records that the scheduled announcement of e at `at`
// was held for why, and tells the coordinators (once for that time).
func (s *Service) holdAnnouncement(ctx context.Context, tx *db.Tx, e *Edition, at time.Time, why error) error {
	var key string
	var ae *apperr.Error
	if errors.As(why, &ae) {
		key = ae.Key
	}
	reason := strings.TrimPrefix(key, "ambassador.")
	if err := audit.Write(ctx, tx.Tx, audit.Entry{Action: "ambassador.announcement_held", ObjectType: EditionType,
		ObjectID: e.ID.String(), Reason: reason, Data: map[string]any{"phase": string(e.Phase), "scheduled_at": at}}); err != nil {
		return err
	}
	if s.notify == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `select g.account_id from role_grants g join accounts a on a.id = g.account_id
		where g.role = 'coordinator' and g.domain = '*' and a.deleted_at is null order by g.account_id`)
	if err != nil {
		return fmt.Errorf("read coordinators: %w", err)
	}
	coords, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("read coordinators: %w", err)
	}
	for _, c := range coords {
		if err := s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: c, Kind: NoticeAnnouncementHeld,
			Data:      map[string]string{"year": fmt.Sprint(e.Year), "reason": reason},
			DedupeKey: fmt.Sprintf("ambassador_held:%s:%d:%s", e.ID, at.UnixMicro(), c), InApp: true, Email: true}); err != nil {
			return err
		}
	}
	return nil
}

// announce publishes e's laureates (e has just moved into the
// announcement, in tx) and tells every eligible nomination's nominator and
// nominee its outcome.
func (s *Service) announce(ctx context.Context, tx *db.Tx, e *Edition, actor uuid.UUID) error {
	now := s.now()
	tag, err := tx.Exec(ctx, `update ambassador_editions set announced_at = $2 where id = $1 and announced_at is null`, e.ID, now)
	if err != nil {
		return fmt.Errorf("announce: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil // announced already: nobody is told twice
	}
	rows, err := tx.Query(ctx, `select `+nominationCols+`, coalesce(x.rank, '')`+nominationFrom+`
		left join ambassador_award_entries x on x.nomination_id = n.id
		where n.edition_id = $1 and n.status = 'eligible' order by n.created_at, n.id`, e.ID)
	if err != nil {
		return fmt.Errorf("read nominations: %w", err)
	}
	type told struct {
		n       *Nomination
		outcome string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (told, error) {
		var t told
		var n Nomination
		nm := &n.Nominee
		err := r.Scan(&n.ID, &n.EditionID, &n.CategoryID, &n.CategoryKind, &nm.Name, &nm.Email, &nm.OrganisationID, &nm.Minor,
			&nm.GuardianName, &nm.GuardianEmail, &n.NominatorID, &n.NominatorName, &n.NominatorContact, &n.NominatorLocale, &n.Channel,
			&n.ReceivedAt, &n.EnteredBy, &n.ScanRef, &n.Links, &n.Status, &n.ConsentAt, &n.ConsentBy, &n.ConsentChannel,
			&n.ConsentScanRef, &n.CheckReason, &n.CheckNote, &n.CheckedAt, &n.CreatedAt, &n.UpdatedAt, &n.WithdrawnAt, &t.outcome)
		t.n = &n
		if t.outcome == "" {
			t.outcome = OutcomeNotAwarded
		}
		return t, err
	})
	if err != nil {
		return fmt.Errorf("read nominations: %w", err)
	}
	counts := map[string]int{}
	for _, t := range list {
		counts[t.outcome]++
		if err := s.notifyOutcome(ctx, tx, e, t.n, t.outcome); err != nil {
			return err
		}
	}
	return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.announced", ObjectType: EditionType,
		ObjectID: e.ID.String(), Data: map[string]any{"outcomes": counts}})
}

// notifyOutcome tells n's nominator (an account in-app and by e-mail in
// their language; a nominator on paper with an e-mail contact by e-mail in
// the nomination's nominator_locale) and its nominee (by e-mail, a minor's
// guardian; in the language of the address's account, else the
// nominator's) the outcome.
func (s *Service) notifyOutcome(ctx context.Context, tx *db.Tx, e *Edition, n *Nomination, outcome string) error {
	if s.notify == nil {
		return nil
	}
	data := func() map[string]string {
		return map[string]string{"nominee": n.Nominee.Name, "year": fmt.Sprint(e.Year), "category": n.CategoryKind, "outcome": outcome}
	}
	switch {
	case n.NominatorID != nil:
		if err := s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: *n.NominatorID, Kind: NoticeAwardNominator, Data: data(),
			DedupeKey: "ambassador_announced:nominator:" + n.ID.String(), InApp: true, Email: true}); err != nil {
			return err
		}
	case emailAddress(n.NominatorContact) != "":
		d := data()
		d[notify.DataLocale] = string(n.NominatorLocale)
		if err := s.notify.Notify(ctx, tx.Tx, notify.Notice{ToAddress: emailAddress(n.NominatorContact), Kind: NoticeAwardNominator,
			Data: d, DedupeKey: "ambassador_announced:nominator:" + n.ID.String(), Email: true}); err != nil {
			return err
		}
	}
	to := n.Nominee.Email
	if n.Nominee.Minor {
		to = n.Nominee.GuardianEmail
	}
	if to == "" {
		return nil
	}
	var locale string
	_ = tx.QueryRow(ctx, `select locale from accounts where lower(email) = lower($1) and deleted_at is null`, to).Scan(&locale)
	if locale == "" {
		locale = string(n.NominatorLocale)
	}
	d := data()
	d[notify.DataLocale] = locale
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{ToAddress: to, Kind: NoticeAwardNominee, Data: d,
		DedupeKey: "ambassador_announced:nominee:" + n.ID.String(), Email: true})
}

// emailAddress is contact when it is a bare e-mail address, else "".
func emailAddress(contact string) string {
	contact = strings.TrimSpace(contact)
	a, err := mail.ParseAddress(contact)
	if err != nil || a.Address != contact {
		return ""
	}
	return contact
}
