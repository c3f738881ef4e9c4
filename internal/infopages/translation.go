package infopages

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/text/language"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// TranslationInput is a new version of a translation.
type TranslationInput struct {
	Language string // a BCP 47 tag, stored in canonical form
	Title    string
	Body     string
	// Credit is the public credit ("Fundacja X, tłum. Anna K."); "" credits
	// the translator's account by its name.
	Credit string
	// BasedOn is the original version translated; 0 means the current one.
	BasedOn int
}

// AddTranslation adds a version of the translation into in.Language
// ("translate": translators of the page's kind or global, coordinators,
// admins; not on an archived page). BasedOn may name an older original
// version (the translator worked from it): the translation is then outdated
// at once, and says so. Audited.
func (s *Service) AddTranslation(ctx context.Context, id uuid.UUID, in TranslationInput) (*Page, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	lang, err := CanonicalLanguage(in.Language)
	if err != nil {
		return nil, err
	}
	t, err := checkText(in.Title, in.Body)
	if err != nil {
		return nil, err
	}
	credit := strings.TrimSpace(in.Credit)
	if utf8.RuneCountInString(credit) > maxCredit {
		return nil, errCredit
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := s.pageFor(ctx, tx, id, ActTranslate)
		if err != nil {
			return err
		}
		if p.Status == StatusArchived {
			return errArchived
		}
		based := in.BasedOn
		if based == 0 {
			based = p.Original.Version
		}
		if based < 1 || based > p.Original.Version {
			return errBasedOn
		}
		next := 1
		if cur, ok := p.Translation(lang); ok {
			next = cur.Version + 1
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `insert into infopage_translations (page_id, language, version, title, body, based_on,
				translator_id, credit, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, lang, next, t.title, t.body, based, actor, credit, now); err != nil {
			return fmt.Errorf("insert translation: %w", err)
		}
		if _, err := tx.Exec(ctx, `update infopages set updated_at = $2 where id = $1`, id, now); err != nil {
			return fmt.Errorf("touch page: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "infopage.translate", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"language": lang, "version": next, "based_on": based}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.pool, "p.id = $1", id)
}

// Content is a page read in one language.
type Content struct {
	// Language is the language returned: the one asked for when the page
	// has it, else Polish.
	Language   string
	IsOriginal bool
	Title      string
	Body       string // Markdown
	Version    int    // of the original or of the translation
	// BasedOn is the original version a translation translates (0 for the
	// original).
	BasedOn int
	// OriginalVersion is the original's current version.
	OriginalVersion int
	Outdated        bool
	// By is the author's (original) or translator's account name; "" for a
	// deleted account. Credit is a translation's public credit.
	By        string
	Credit    string
	CreatedAt time.Time
	// Available are the page's languages, Polish first.
	Available []string
}

// Dir is the content's text direction.
func (c Content) Dir() string { return Dir(c.Language) }

// Content reads p in lang: its current translation into lang, or into
// lang's base language ("uk" for "uk-UA"), flagged when outdated; or else
// the original. lang is parsed as a BCP 47 tag; one that
// does not parse, or "pl", gives the original.
func (s *Service) Content(ctx context.Context, p *Page, lang string) (Content, error) {
	c := Content{Language: Original, IsOriginal: true, Title: p.Original.Title, Body: p.Original.Body,
		Version: p.Original.Version, OriginalVersion: p.Original.Version, By: p.Original.AuthorName,
		CreatedAt: p.Original.CreatedAt, Available: p.Languages()}
	canon, err := CanonicalLanguage(lang)
	if err != nil {
		return c, nil
	}
	t, ok := p.Translation(canon)
	if !ok {
		// "uk-UA" reads the "uk" translation when there is no closer one.
		base, _ := language.MustParse(canon).Base()
		if t, ok = p.Translation(base.String()); !ok {
			return c, nil
		}
	}
	err = s.pool.QueryRow(ctx, `select body from infopage_translations where page_id = $1 and language = $2 and version = $3`,
		p.ID, t.Language, t.Version).Scan(&t.Body)
	if err != nil {
		return c, fmt.Errorf("load translation body: %w", err)
	}
	return Content{Language: t.Language, Title: t.Title, Body: t.Body, Version: t.Version, BasedOn: t.BasedOn,
		OriginalVersion: p.Original.Version, Outdated: t.Outdated, By: t.TranslatorName, Credit: t.Credit,
		CreatedAt: t.CreatedAt, Available: c.Available}, nil
}

// OriginalVersions lists every version of p's original, newest first.
func (s *Service) OriginalVersions(ctx context.Context, p *Page) ([]Version, error) {
	rows, err := s.pool.Query(ctx, `select o.version, o.title, o.body, o.author_id, coalesce(a.display_name, ''), o.created_at
		from infopage_originals o left join accounts a on a.id = o.author_id and a.deleted_at is null
		where o.page_id = $1 order by o.version desc`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("list original versions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Version, error) {
		var v Version
		err := r.Scan(&v.Version, &v.Title, &v.Body, &v.AuthorID, &v.AuthorName, &v.CreatedAt)
		return v, err
	})
}

// TranslationVersions lists every version of p's translation into lang,
// newest first (none for a language the page lacks).
func (s *Service) TranslationVersions(ctx context.Context, p *Page, lang string) ([]Translation, error) {
	canon, err := CanonicalLanguage(lang)
	if err != nil {
		if errors.Is(err, errLanguagePL) {
			return []Translation{}, nil
		}
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select t.language, t.version, t.title, t.body, t.based_on, t.translator_id,
			coalesce(a.display_name, ''), t.credit, t.created_at
		from infopage_translations t left join accounts a on a.id = t.translator_id and a.deleted_at is null
		where t.page_id = $1 and t.language = $2 order by t.version desc`, p.ID, canon)
	if err != nil {
		return nil, fmt.Errorf("list translation versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Translation, error) {
		var t Translation
		err := r.Scan(&t.Language, &t.Version, &t.Title, &t.Body, &t.BasedOn, &t.TranslatorID, &t.TranslatorName, &t.Credit, &t.CreatedAt)
		t.Outdated = t.BasedOn < p.Original.Version
		return t, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
