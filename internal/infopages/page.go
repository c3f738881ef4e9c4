package infopages

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/org"
)

// Page is an information page with its current original and the current
// version of each translation (without bodies).
type Page struct {
	ID          uuid.UUID
	Slug        string
	Kind        Kind
	Status      Status
	UnitID      *uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	// Original is the current version of the Polish original (its body too).
	Original Version
	// Translations are the current version of each translation, by
	// language; Body is empty here (Content reads it).
	Translations []Translation
}

// Version is one version of the original.
type Version struct {
	Version    int
	Title      string
	Body       string
	AuthorID   *uuid.UUID
	AuthorName string // "" for a deleted account
	CreatedAt  time.Time
}

// Translation is one version of a translation.
type Translation struct {
	Language       string
	Version        int
	Title          string
	Body           string
	BasedOn        int // the original version translated
	TranslatorID   *uuid.UUID
	TranslatorName string // "" for a deleted account
	Credit         string // the public credit given ("" : the account's name)
	CreatedAt      time.Time
	// Outdated: the original has a newer version than BasedOn.
	Outdated bool
}

// Dir is the translation's text direction.
func (t Translation) Dir() string { return Dir(t.Language) }

// Languages are the languages a page is available in: Polish first, then
// its translations.
func (p *Page) Languages() []string {
	out := []string{Original}
	for _, t := range p.Translations {
		out = append(out, t.Language)
	}
	return out
}

// Translation returns the current translation into lang, if any.
func (p *Page) Translation(lang string) (Translation, bool) {
	for _, t := range p.Translations {
		if t.Language == lang {
			return t, true
		}
	}
	return Translation{}, false
}

func (p *Page) object() authz.Object {
	domains := []string{KindDomain(p.Kind)}
	if p.UnitID != nil {
		domains = append(domains, org.Domain(*p.UnitID))
	}
	return authz.Object{Type: ObjectType, ID: p.ID.String(), Domains: domains,
		Attrs: map[string]string{"status": string(p.Status)}}
}

// Can reports whether the caller may do act on p (viewerCan).
func (s *Service) Can(ctx context.Context, act string, p *Page) bool {
	return authz.Can(ctx, act, p.object())
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ReservedSlugs are the web's own addresses under /info (the coverage
// table, the new-page form): a page there could never be opened.
var ReservedSlugs = []string{"coverage", "new"}

// CreateInput is a new page with the first version of its original.
type CreateInput struct {
	Slug   string
	Kind   Kind
	UnitID *uuid.UUID
	Title  string
	Body   string
}

// Text is a title and a body (Markdown).
type text struct{ title, body string }

func checkText(title, body string) (text, error) {
	t := text{strings.TrimSpace(title), strings.TrimSpace(body)}
	switch {
	case t.title == "":
		return t, errTitle
	case utf8.RuneCountInString(t.title) > maxTitle:
		return t, apperr.Invalid("title", "infopages.title_too_long")
	case t.body == "":
		return t, errBody
	case len(t.body) > maxBody:
		return t, errTooLong
	}
	return t, nil
}

// CreatePage creates a draft page with version 1 of its original ("create":
// coordinators, admins). The unit, when given, is a city unit. Audited.
func (s *Service) CreatePage(ctx context.Context, in CreateInput) (*Page, error) {
	if err := authz.Require(ctx, ActCreate, authz.Object{Type: ObjectType}); err != nil {
		return nil, err
	}
	in.Slug = strings.TrimSpace(in.Slug)
	if len(in.Slug) > maxSlug || !slugRe.MatchString(in.Slug) {
		return nil, errSlug
	}
	if slices.Contains(ReservedSlugs, in.Slug) {
		return nil, apperr.Invalid("slug", "infopages.slug_reserved").With(map[string]any{"slug": in.Slug})
	}
	if !in.Kind.valid() {
		return nil, errKind
	}
	t, err := checkText(in.Title, in.Body)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id, now := uuid.New(), s.now()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if in.UnitID != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `select exists (select 1 from organisations where id = $1 and kind = $2)`,
				*in.UnitID, org.KindCityUnit).Scan(&ok); err != nil {
				return fmt.Errorf("check unit: %w", err)
			}
			if !ok {
				return errUnit
			}
		}
		_, err := tx.Exec(ctx, `insert into infopages (id, slug, kind, unit_id, created_by, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $6, $6)`, id, in.Slug, in.Kind, in.UnitID, actor, now)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return errSlugTaken
		}
		if err != nil {
			return fmt.Errorf("insert page: %w", err)
		}
		if _, err := tx.Exec(ctx, `insert into infopage_originals (page_id, version, title, body, author_id, created_at)
			values ($1, 1, $2, $3, $4, $5)`, id, t.title, t.body, actor, now); err != nil {
			return fmt.Errorf("insert original: %w", err)
		}
		if err := statusEvent(ctx, tx, id, StatusDraft, actor, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "infopage.create", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"slug": in.Slug, "kind": in.Kind}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.pool, "p.id = $1", id)
}

func statusEvent(ctx context.Context, tx *db.Tx, id uuid.UUID, st Status, actor uuid.UUID, at time.Time) error {
	if _, err := tx.Exec(ctx, `insert into infopage_status_events (page_id, status, at, by_id) values ($1, $2, $3, $4)`,
		id, st, at, nullable(actor)); err != nil {
		return fmt.Errorf("status event: %w", err)
	}
	return nil
}

func nullable(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// UpdateOriginalInput is an edit of the original: the version the editor
// started from, and the new title and body.
type UpdateOriginalInput struct {
	BaseVersion int
	Title       string
	Body        string
}

// UpdateOriginal adds a version of the original ("edit": coordinators,
// admins, the unit's officials). BaseVersion must be the current version
// (else CONFLICT: someone else edited it meanwhile); a text identical to the
// current one adds nothing. Every translation based on an older version is
// outdated from then on. Audited.
func (s *Service) UpdateOriginal(ctx context.Context, id uuid.UUID, in UpdateOriginalInput) (*Page, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	t, err := checkText(in.Title, in.Body)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := s.pageFor(ctx, tx, id, ActEdit)
		if err != nil {
			return err
		}
		if in.BaseVersion != p.Original.Version {
			return errChanged.With(map[string]any{"version": p.Original.Version})
		}
		if t.title == p.Original.Title && t.body == p.Original.Body {
			return nil
		}
		now := s.now()
		next := p.Original.Version + 1
		if _, err := tx.Exec(ctx, `insert into infopage_originals (page_id, version, title, body, author_id, created_at)
			values ($1, $2, $3, $4, $5, $6)`, id, next, t.title, t.body, actor, now); err != nil {
			return fmt.Errorf("insert original: %w", err)
		}
		if _, err := tx.Exec(ctx, `update infopages set updated_at = $2 where id = $1`, id, now); err != nil {
			return fmt.Errorf("touch page: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "infopage.edit_original", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"version": next}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.pool, "p.id = $1", id)
}

// Publish makes a draft or archived page public ("publish"); publishing a
// published page does nothing. Audited.
func (s *Service) Publish(ctx context.Context, id uuid.UUID) (*Page, error) {
	return s.setStatus(ctx, id, ActPublish, StatusPublished)
}

// Archive withdraws a page from the public ("archive"); its text and
// history stay for staff. Archiving an archived page does nothing. Audited.
func (s *Service) Archive(ctx context.Context, id uuid.UUID) (*Page, error) {
	return s.setStatus(ctx, id, ActArchive, StatusArchived)
}

func (s *Service) setStatus(ctx context.Context, id uuid.UUID, act string, st Status) (*Page, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := s.pageFor(ctx, tx, id, act)
		if err != nil {
			return err
		}
		if p.Status == st {
			return nil
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `update infopages set status = $2, updated_at = $3,
				published_at = case when $2 = 'published' then coalesce(published_at, $3) else published_at end
			where id = $1`, id, st, now); err != nil {
			return fmt.Errorf("set status: %w", err)
		}
		if err := statusEvent(ctx, tx, id, st, actor, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "infopage." + act, ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"from": p.Status}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.pool, "p.id = $1", id)
}

// pageFor locks and loads a page for act in tx: NOT_FOUND when the caller
// may not see it, FORBIDDEN when they see it but may not act.
func (s *Service) pageFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Page, error) {
	return authz.For(ctx, act, func() (*Page, authz.Object, bool, error) {
		if _, err := tx.Exec(ctx, `select 1 from infopages where id = $1 for update`, id); err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("lock page: %w", err)
		}
		p, err := s.load(ctx, tx, "p.id = $1", id)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return p, p.object(), authz.Can(ctx, authz.Read, p.object()), nil
	})
}

// Page returns a page by id; NOT_FOUND when the caller may not see it.
func (s *Service) Page(ctx context.Context, id uuid.UUID) (*Page, error) {
	return s.visible(ctx, "p.id = $1", id)
}

// PageBySlug returns a page by slug; NOT_FOUND when the caller may not see
// it.
func (s *Service) PageBySlug(ctx context.Context, slug string) (*Page, error) {
	return s.visible(ctx, "p.slug = $1", slug)
}

func (s *Service) visible(ctx context.Context, where string, arg any) (*Page, error) {
	p, err := s.load(ctx, s.pool, where, arg)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, authz.Read, p.object()) {
		return nil, apperr.ErrNotFound
	}
	return p, nil
}

const pageColumns = `p.id, p.slug, p.kind, p.status, p.unit_id, p.created_at, p.updated_at, p.published_at,
	o.version, o.title, o.body, o.author_id, coalesce(a.display_name, ''), o.created_at`

const pageFrom = `from infopages p
	join lateral (select * from infopage_originals x where x.page_id = p.id order by x.version desc limit 1) o on true
	left join accounts a on a.id = o.author_id and a.deleted_at is null`

func scanPage(row pgx.Row) (*Page, error) {
	var p Page
	err := row.Scan(&p.ID, &p.Slug, &p.Kind, &p.Status, &p.UnitID, &p.CreatedAt, &p.UpdatedAt, &p.PublishedAt,
		&p.Original.Version, &p.Original.Title, &p.Original.Body, &p.Original.AuthorID, &p.Original.AuthorName, &p.Original.CreatedAt)
	return &p, err
}

// load reads one page (with its current translations) by a condition on p.
func (s *Service) load(ctx context.Context, q db.Querier, where string, arg any) (*Page, error) {
	p, err := scanPage(q.QueryRow(ctx, `select `+pageColumns+` `+pageFrom+` where `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load page: %w", err)
	}
	if err := currentTranslations(ctx, q, []*Page{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// currentTranslations fills the current translation of each language of
// pages, in one query.
func currentTranslations(ctx context.Context, q db.Querier, pages []*Page) error {
	if len(pages) == 0 {
		return nil
	}
	byID := make(map[uuid.UUID]*Page, len(pages))
	ids := make([]uuid.UUID, len(pages))
	for i, p := range pages {
		byID[p.ID], ids[i] = p, p.ID
	}
	rows, err := q.Query(ctx, `select distinct on (t.page_id, t.language) t.page_id, t.language, t.version, t.title,
			t.based_on, t.translator_id, coalesce(a.display_name, ''), t.credit, t.created_at
		from infopage_translations t left join accounts a on a.id = t.translator_id and a.deleted_at is null
		where t.page_id = any($1)
		order by t.page_id, t.language, t.version desc`, ids)
	if err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var t Translation
		if err := rows.Scan(&id, &t.Language, &t.Version, &t.Title, &t.BasedOn, &t.TranslatorID, &t.TranslatorName,
			&t.Credit, &t.CreatedAt); err != nil {
			return fmt.Errorf("scan translation: %w", err)
		}
		p := byID[id]
		t.Outdated = t.BasedOn < p.Original.Version
		p.Translations = append(p.Translations, t)
	}
	return rows.Err()
}
