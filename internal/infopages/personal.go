package infopages

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is the information pages' share of a person's data, for the
// GDPR export and erasure (identity.PersonalData): the pages they created,
// the versions of originals and translations they wrote, and the status
// changes they made.
//
// Erasure keeps the texts: they are the city's public pages, which
// residents rely on, and a version is never taken out of a page's history.
// They show as by a deleted account (no name). What the person chose to
// publish about themselves goes: the public credit of their translations
// (e.g. "tłum. Anna K.") is emptied.
type PersonalData struct{}

// PersonalData returns the information pages' identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{} }

// Name is the export section.
func (PersonalData) Name() string { return "infoPages" }

// PersonalExport is what PersonalData.Export returns.
type PersonalExport struct {
	Created       []PersonalPage        `json:"created"`
	Originals     []PersonalOriginal    `json:"originals"`
	Translations  []PersonalTranslation `json:"translations"`
	StatusChanges []PersonalStatus      `json:"statusChanges"`
}

// PersonalPage is a page the person created.
type PersonalPage struct {
	PageID    uuid.UUID `json:"pageId"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"createdAt"`
}

// PersonalOriginal is a version of a Polish original the person wrote.
type PersonalOriginal struct {
	PageID    uuid.UUID `json:"pageId"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
}

// PersonalTranslation is a version of a translation the person wrote.
type PersonalTranslation struct {
	PageID    uuid.UUID `json:"pageId"`
	Language  string    `json:"language"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Credit    string    `json:"credit"`
	CreatedAt time.Time `json:"createdAt"`
}

// PersonalStatus is a status the person gave a page.
type PersonalStatus struct {
	PageID uuid.UUID `json:"pageId"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Export reads the person's share, oldest first.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var out PersonalExport
	var err error
	args := []any{accountID}
	out.Created, err = db.CollectAll(ctx, tx, `select id, slug, created_at from infopages where created_by = $1
		order by created_at, id`, args, func(r pgx.CollectableRow) (PersonalPage, error) {
		var p PersonalPage
		return p, r.Scan(&p.PageID, &p.Slug, &p.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export pages: %w", err)
	}
	out.Originals, err = db.CollectAll(ctx, tx, `select page_id, version, title, body, created_at from infopage_originals
		where author_id = $1 order by created_at, page_id, version`, args, func(r pgx.CollectableRow) (PersonalOriginal, error) {
		var o PersonalOriginal
		return o, r.Scan(&o.PageID, &o.Version, &o.Title, &o.Body, &o.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export originals: %w", err)
	}
	out.Translations, err = db.CollectAll(ctx, tx, `select page_id, language, version, title, body, credit, created_at
		from infopage_translations where translator_id = $1 order by created_at, page_id, language, version`, args,
		func(r pgx.CollectableRow) (PersonalTranslation, error) {
			var t PersonalTranslation
			return t, r.Scan(&t.PageID, &t.Language, &t.Version, &t.Title, &t.Body, &t.Credit, &t.CreatedAt)
		})
	if err != nil {
		return nil, fmt.Errorf("export translations: %w", err)
	}
	out.StatusChanges, err = db.CollectAll(ctx, tx, `select page_id, status, at from infopage_status_events
		where by_id = $1 order by at, seq`, args, func(r pgx.CollectableRow) (PersonalStatus, error) {
		var s PersonalStatus
		return s, r.Scan(&s.PageID, &s.Status, &s.At)
	})
	if err != nil {
		return nil, fmt.Errorf("export status changes: %w", err)
	}
	return out, nil
}

// Erase empties the public credits of the person's translations (see
// PersonalData).
func (PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `update infopage_translations set credit = '' where translator_id = $1 and credit <> ''`, accountID); err != nil {
		return fmt.Errorf("erase translation credits: %w", err)
	}
	return nil
}
