package events

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
)

// writeText stores a text's versions (the first the original) by author
// in the organiser's domain; nil for none.
func writeText(ctx context.Context, tx *db.Tx, versions []i18n.Input, author, organiser uuid.UUID) (*uuid.UUID, error) {
	if len(versions) == 0 {
		return nil, nil
	}
	id, err := i18n.CreateText(ctx, tx, versions[0].Locale, versions[0].Text, author, []string{org.Domain(organiser)})
	if err != nil {
		return nil, err
	}
	for _, v := range versions[1:] {
		if _, err := i18n.AddVersion(ctx, tx, id, v.Locale, v.Text, author, i18n.SourceHuman); err != nil {
			return nil, err
		}
	}
	return &id, nil
}

// Submit adds an event for its organiser ("submit": the organiser's
// members, staff). A member's event is SUBMITTED for review; one entered by
// who reviews events (the coordinator, admins) is APPROVED at once.
// Audited (event.submit or event.enter).
func (s *Service) Submit(ctx context.Context, in Input) (*Event, error) {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `select exists (select 1 from organisations where id = $1)`, in.OrganisationID).Scan(&exists); err != nil {
		return nil, fmt.Errorf("check organiser: %w", err)
	}
	if !exists {
		return nil, errOrganisation
	}
	obj := object(in.OrganisationID, false)
	if err := authz.Require(ctx, ActSubmit, obj); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	now := s.now()
	direct := authz.Can(ctx, ActReview, obj)
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		title, err := writeText(ctx, tx, in.Title, subj.AccountID, in.OrganisationID)
		if err != nil {
			return err
		}
		desc, err := writeText(ctx, tx, in.Description, subj.AccountID, in.OrganisationID)
		if err != nil {
			return err
		}
		access, err := writeText(ctx, tx, in.Accessibility, subj.AccountID, in.OrganisationID)
		if err != nil {
			return err
		}
		status, action := StatusSubmitted, "event.submit"
		var approvedAt *time.Time
		var reviewer *uuid.UUID
		if direct {
			status, action, approvedAt, reviewer = StatusApproved, "event.enter", &now, &subj.AccountID
		}
		if _, err := tx.Exec(ctx, `insert into events (id, organisation_id, title_text_id, description_text_id, accessibility_text_id,
				category, starts_at, ends_at, all_day, place, online_url, url, languages, status, submitted_by, created_at, updated_at,
				approved_at, reviewed_by, reviewed_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''), nullif($11, ''), nullif($12, ''), $13, $14, $15, $16, $16,
				$17, $18, $17)`,
			id, in.OrganisationID, *title, desc, access, in.Category, in.StartsAt, in.EndsAt, in.AllDay, in.Place, in.OnlineURL, in.URL,
			in.Languages, status, subj.AccountID, now, approvedAt, reviewer); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: subj.AccountID, Action: action, ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"organisation_id": in.OrganisationID, "starts_at": in.StartsAt,
				"ends_at": in.EndsAt, "status": status}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// eventFor loads event id locked for an action: NOT_FOUND when the caller
// may not see it, FORBIDDEN when they may see it but not act.
func eventFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Event, error) {
	return authz.For(ctx, act, func() (*Event, authz.Object, bool, error) {
		e, err := load(ctx, tx, id, true)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		obj := e.Object()
		obj.ID = e.ID.String()
		return e, obj, authz.Can(ctx, authz.Read, obj), nil
	})
}

// currentText is a text's original version as an input (nil for none).
func currentText(ctx context.Context, tx *db.Tx, id *uuid.UUID) ([]i18n.Input, error) {
	if id == nil {
		return nil, nil
	}
	m, err := i18n.Load(ctx, tx, []uuid.UUID{*id})
	if err != nil {
		return nil, err
	}
	t := m[*id]
	if t == nil {
		return nil, nil
	}
	v := t.Current[t.OriginalLocale]
	return []i18n.Input{{Locale: v.Locale, Text: v.Body}}, nil
}

// replaceText applies an edit of a text: nil keeps it; the same original
// keeps it (adding any translations given); another original replaces it
// with a new text; none (empty, not nil) removes it. changed says whether the
// original changed.
func replaceText(ctx context.Context, tx *db.Tx, cur *uuid.UUID, curOriginal, versions []i18n.Input, author,
	organiser uuid.UUID) (id *uuid.UUID, changed bool, err error) {
	if versions == nil && cur != nil {
		return cur, false, nil
	}
	if len(versions) > 0 && len(curOriginal) == 1 && versions[0] == curOriginal[0] && cur != nil {
		for _, v := range versions[1:] {
			if _, err := i18n.AddVersion(ctx, tx, *cur, v.Locale, v.Text, author, i18n.SourceHuman); err != nil {
				return nil, false, err
			}
		}
		return cur, false, nil
	}
	if len(versions) == 0 { // removed (or still absent)
		return nil, cur != nil, nil
	}
	id, err = writeText(ctx, tx, versions, author, organiser)
	return id, true, err
}

// Update changes an event ("edit": the organiser's members, staff). A
// cancelled event is CONFLICT. A rejected event goes back to review
// (SUBMITTED); a submitted or an approved one keeps its status (see the
// package doc). Every change raises the iCalendar SEQUENCE and is audited
// with the fields that changed.
func (s *Service) Update(ctx context.Context, id uuid.UUID, u UpdateInput) (*Event, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := eventFor(ctx, tx, id, ActEdit)
		if err != nil {
			return err
		}
		if e.Status == StatusCancelled {
			return errCancelled
		}
		curTitle, err := currentText(ctx, tx, &e.TitleTextID)
		if err != nil {
			return err
		}
		curDesc, err := currentText(ctx, tx, e.DescriptionTextID)
		if err != nil {
			return err
		}
		curAccess, err := currentText(ctx, tx, e.AccessibilityTextID)
		if err != nil {
			return err
		}
		in := u.merge(e)
		// Texts left as they are are checked as they are.
		if in.Title == nil {
			in.Title = curTitle
		}
		if in.Description == nil {
			in.Description = curDesc
		}
		if in.Accessibility == nil {
			in.Accessibility = curAccess
		}
		if err := in.check(); err != nil {
			return err
		}
		// A text given empty is removed: check made it nil, which
		// replaceText would read as "unchanged".
		if u.Description != nil && in.Description == nil {
			in.Description = []i18n.Input{}
		}
		if u.Accessibility != nil && in.Accessibility == nil {
			in.Accessibility = []i18n.Input{}
		}
		title, titleChanged, err := replaceText(ctx, tx, &e.TitleTextID, curTitle, in.Title, actor, e.OrganisationID)
		if err != nil {
			return err
		}
		desc, descChanged, err := replaceText(ctx, tx, e.DescriptionTextID, curDesc, in.Description, actor, e.OrganisationID)
		if err != nil {
			return err
		}
		access, accessChanged, err := replaceText(ctx, tx, e.AccessibilityTextID, curAccess, in.Accessibility, actor, e.OrganisationID)
		if err != nil {
			return err
		}
		var changed []string
		mark := func(name string, c bool) {
			if c {
				changed = append(changed, name)
			}
		}
		mark("title", titleChanged)
		mark("description", descChanged)
		mark("accessibility", accessChanged)
		mark("category", in.Category != e.Category)
		mark("startsAt", !in.StartsAt.Equal(e.StartsAt))
		mark("endsAt", !in.EndsAt.Equal(e.EndsAt))
		mark("allDay", in.AllDay != e.AllDay)
		mark("place", in.Place != e.Place)
		mark("onlineUrl", in.OnlineURL != e.OnlineURL)
		mark("url", in.URL != e.URL)
		mark("languages", !slices.Equal(in.Languages, e.Languages))
		status := e.Status
		if status == StatusRejected {
			status = StatusSubmitted
		}
		if len(changed) == 0 && status == e.Status {
			return nil
		}
		if _, err := tx.Exec(ctx, `update events set title_text_id = $2, description_text_id = $3, accessibility_text_id = $4,
				category = $5, starts_at = $6, ends_at = $7, all_day = $8, place = nullif($9, ''), online_url = nullif($10, ''),
				url = nullif($11, ''), languages = $12, status = $13, sequence = sequence + 1, updated_at = $14,
				reject_reason = case when $13 = 'rejected' then reject_reason end
			where id = $1`, id, *title, desc, access, in.Category, in.StartsAt, in.EndsAt, in.AllDay, in.Place, in.OnlineURL, in.URL,
			in.Languages, status, s.now()); err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		data := map[string]any{"changed": changed, "status_before": e.Status, "status": status}
		if slices.Contains(changed, "startsAt") || slices.Contains(changed, "endsAt") {
			data["starts_at_before"], data["ends_at_before"] = e.StartsAt, e.EndsAt
			data["starts_at"], data["ends_at"] = in.StartsAt, in.EndsAt
		}
		if slices.Contains(changed, "place") {
			data["place_before"], data["place"] = e.Place, in.Place
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "event.update", ObjectType: ObjectType,
			ObjectID: id.String(), Data: data})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" && required {
		return "", errReason
	}
	if utf8.RuneCountInString(reason) > MaxReasonRunes {
		return "", errReasonLong
	}
	return reason, nil
}

// Approve makes a submitted event public ("review": the coordinator,
// admins); any other status is CONFLICT. The submitter is told. Audited.
func (s *Service) Approve(ctx context.Context, id uuid.UUID) (*Event, error) {
	return s.review(ctx, id, StatusApproved, "")
}

// Reject refuses a submitted event with a reason ("review"); the submitter
// is told, and may edit it, which submits it again. Audited.
func (s *Service) Reject(ctx context.Context, id uuid.UUID, reason string) (*Event, error) {
	return s.review(ctx, id, StatusRejected, reason)
}

func (s *Service) review(ctx context.Context, id uuid.UUID, to Status, reason string) (*Event, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := eventFor(ctx, tx, id, ActReview)
		if err != nil {
			return err
		}
		if to == StatusRejected {
			if reason, err = checkReason(reason, true); err != nil {
				return err
			}
		}
		if e.Status != StatusSubmitted {
			return errNotSubmitted
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `update events set status = $2, reviewed_by = $3, reviewed_at = $4, updated_at = $4,
				approved_at = case when $2 = 'approved' then $4 else approved_at end, reject_reason = nullif($5, ''),
				sequence = sequence + 1
			where id = $1`, id, to, actor, now, reason); err != nil {
			return fmt.Errorf("review event: %w", err)
		}
		action := "event.approve"
		if to == StatusRejected {
			action = "event.reject"
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: action, ObjectType: ObjectType, ObjectID: id.String(),
			Reason: reason}); err != nil {
			return err
		}
		e.Status, e.RejectReason = to, reason
		return s.notifyReviewed(ctx, tx, e, actor, now)
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// Cancel cancels a submitted or an approved event ("cancel": the
// organiser's members, staff) with an optional reason; cancelling twice is
// not an error, cancelling a rejected event is CONFLICT. An approved event
// stays public, marked cancelled. Audited.
func (s *Service) Cancel(ctx context.Context, id uuid.UUID, reason string) (*Event, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := eventFor(ctx, tx, id, ActCancel)
		if err != nil {
			return err
		}
		if e.Status == StatusCancelled {
			return nil
		}
		if e.Status == StatusRejected {
			return errNotCancel
		}
		if reason, err = checkReason(reason, false); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `update events set status = 'cancelled', cancelled_at = $2, cancelled_by = $3,
				cancel_reason = nullif($4, ''), updated_at = $2, sequence = sequence + 1
			where id = $1`, id, now, actor, reason); err != nil {
			return fmt.Errorf("cancel event: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "event.cancel", ObjectType: ObjectType, ObjectID: id.String(),
			Reason: reason, Data: map[string]any{"status_before": e.Status}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}
