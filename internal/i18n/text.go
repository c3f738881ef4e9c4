package i18n

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
)

// MaxTextRunes bounds one version of a text (a long postulate or a report
// section fits; a pasted book does not).
const MaxTextRunes = 20000

// Version sources.
const (
	SourceHuman   = "human"
	SourceMachine = "machine"
)

// ErrOriginalLocale refuses a version in the original's locale from anyone
// but the original's author. It is a CONFLICT, not FORBIDDEN: the locale is
// occupied by the original whoever asks (even an admin may not put words in
// the author's mouth); whether the caller may translate the text at all is
// the caller's authz check.
var ErrOriginalLocale = apperr.New(apperr.Conflict, "text.original_locale")

// Version is one version of a text: the original, a new original version by
// its author, or a translation, each credited to its maker.
type Version struct {
	ID         uuid.UUID
	TextID     uuid.UUID
	Locale     Locale
	Body       string
	IsOriginal bool
	Source     string    // SourceHuman or SourceMachine
	AuthorID   uuid.UUID // uuid.Nil when made by a machine or the account was deleted
	CreatedAt  time.Time
}

// Input is a text someone wrote in one locale: what every domain takes for
// a localized field.
type Input struct {
	Locale Locale
	Text   string
}

// Text is a LocalizedText with its current (newest) version per locale.
type Text struct {
	ID             uuid.UUID
	OriginalLocale Locale
	AuthorID       uuid.UUID // uuid.Nil when the account was deleted
	// Domains are the authorization domains of the object the text belongs
	// to; callers check translation rights against them.
	Domains []string
	Current map[Locale]Version
}

// Resolved is a text in one locale, as a LocalizedString shows it.
type Resolved struct {
	Text           string
	Locale         Locale
	IsOriginal     bool
	Source         string
	MissingLocales []Locale // in All order; never nil
}

// Resolve returns the current version in want when there is one, else the
// original, and the locales that have no version yet.
func (t *Text) Resolve(want Locale) Resolved {
	if t == nil {
		return Resolved{MissingLocales: []Locale{}}
	}
	v, ok := t.Current[want]
	if !ok {
		v, ok = t.Current[t.OriginalLocale]
	}
	if !ok { // unreachable while CreateText writes the original; keep a text readable anyway
		for _, l := range All {
			if v, ok = t.Current[l]; ok {
				break
			}
		}
	}
	r := Resolved{Text: v.Body, Locale: v.Locale, IsOriginal: v.IsOriginal, Source: v.Source, MissingLocales: []Locale{}}
	for _, l := range All {
		if _, ok := t.Current[l]; !ok {
			r.MissingLocales = append(r.MissingLocales, l)
		}
	}
	return r
}

// CreateText stores a new text written by author in locale, with its
// original version. domains are those of the object the text belongs to.
// author may be uuid.Nil for texts entered by the system.
func CreateText(ctx context.Context, tx pgx.Tx, locale Locale, body string, author uuid.UUID, domains []string) (uuid.UUID, error) {
	if !locale.Valid() {
		return uuid.Nil, apperr.Invalid("locale", "text.locale_invalid")
	}
	if err := ValidateBody(body); err != nil {
		return uuid.Nil, err
	}
	if domains == nil {
		domains = []string{}
	}
	var id uuid.UUID
	err := tx.QueryRow(ctx, `
		with t as (
			insert into texts (original_locale, author_id, domains) values ($1, $2, $3) returning id
		)
		insert into text_versions (text_id, locale, body, is_original, source, author_id)
		select id, $1, $4, true, 'human', $2 from t
		returning text_id`,
		string(locale), nullUUID(author), domains, body).Scan(&id)
	if err != nil {
		return uuid.Nil, fmt.Errorf("create text: %w", err)
	}
	return id, nil
}

// AddVersion appends a version of textID in locale by author. In a locale
// other than the original's it is a translation (by anyone the caller has
// authorised); in the original's locale it is a new original version, and
// only the original's human author may add one (else ErrOriginalLocale).
// Versions are never updated: the newest per locale becomes current and the
// older ones stay credited to their makers. Repeating the current version of
// a locale (same body, author and source) returns it instead of a duplicate,
// so a retried request is harmless.
func AddVersion(ctx context.Context, tx pgx.Tx, textID uuid.UUID, locale Locale, body string, author uuid.UUID, source string) (Version, error) {
	if !locale.Valid() {
		return Version{}, apperr.Invalid("locale", "text.locale_invalid")
	}
	if source != SourceHuman && source != SourceMachine {
		return Version{}, apperr.Invalid("source", "error.invalid_input")
	}
	if err := ValidateBody(body); err != nil {
		return Version{}, err
	}
	var (
		original   string
		textAuthor *uuid.UUID
		cur        versionRow
	)
	// The row lock orders concurrent writers of one text, so the duplicate
	// check below sees the other's version.
	err := tx.QueryRow(ctx, `
		select t.original_locale, t.author_id,
		       v.id, v.locale, v.body, v.is_original, v.source, v.author_id, v.created_at
		from (select * from texts where id = $1 for update) t
		left join lateral (
			select * from text_versions
			where text_id = t.id and locale = $2
			order by created_at desc, id desc limit 1
		) v on true`, textID, string(locale)).Scan(append([]any{&original, &textAuthor}, cur.dest()...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return Version{}, apperr.ErrNotFound
	}
	if err != nil {
		return Version{}, fmt.Errorf("load text %s: %w", textID, err)
	}
	isOriginal := Locale(original) == locale
	if isOriginal && (source != SourceHuman || author == uuid.Nil || textAuthor == nil || *textAuthor != author) {
		return Version{}, ErrOriginalLocale
	}
	if v, ok := cur.version(textID); ok && v.Body == body && v.AuthorID == author && v.Source == source {
		return v, nil
	}
	v := Version{TextID: textID, Locale: locale, Body: body, IsOriginal: isOriginal, Source: source, AuthorID: author}
	err = tx.QueryRow(ctx, `
		insert into text_versions (text_id, locale, body, is_original, source, author_id)
		values ($1, $2, $3, $4, $5, $6)
		returning id, created_at`,
		textID, string(locale), body, isOriginal, source, nullUUID(author)).Scan(&v.ID, &v.CreatedAt)
	if err != nil {
		return Version{}, fmt.Errorf("add text version: %w", err)
	}
	return v, nil
}

// Load returns the texts with ids and their current versions, in one query
// whatever the number of ids (for dataloaders). Unknown ids are absent from
// the map.
func Load(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]*Text, error) {
	texts := make(map[uuid.UUID]*Text, len(ids))
	if len(ids) == 0 {
		return texts, nil
	}
	rows, err := q.Query(ctx, `
		select t.id, t.original_locale, t.author_id, t.domains,
		       v.id, v.locale, v.body, v.is_original, v.source, v.author_id, v.created_at
		from texts t
		left join lateral (
			select distinct on (locale) *
			from text_versions
			where text_id = t.id
			order by locale, created_at desc, id desc
		) v on true
		where t.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id       uuid.UUID
			original string
			author   *uuid.UUID
			domains  []string
			vr       versionRow
		)
		if err := rows.Scan(append([]any{&id, &original, &author, &domains}, vr.dest()...)...); err != nil {
			return nil, fmt.Errorf("scan text: %w", err)
		}
		t, ok := texts[id]
		if !ok {
			t = &Text{ID: id, OriginalLocale: Locale(original), AuthorID: deref(author), Domains: domains, Current: map[Locale]Version{}}
			texts[id] = t
		}
		if v, ok := vr.version(id); ok {
			t.Current[v.Locale] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load texts: %w", err)
	}
	return texts, nil
}

// Versions lists every version of textID, oldest first (the …Translations
// field). An unknown text has none.
func Versions(ctx context.Context, q db.Querier, textID uuid.UUID) ([]Version, error) {
	m, err := VersionsOf(ctx, q, []uuid.UUID{textID})
	if err != nil {
		return nil, err
	}
	return m[textID], nil
}

// VersionsOf lists every version of each text, oldest first, in one query
// (for dataloaders of …Translations fields).
func VersionsOf(ctx context.Context, q db.Querier, textIDs []uuid.UUID) (map[uuid.UUID][]Version, error) {
	out := make(map[uuid.UUID][]Version, len(textIDs))
	if len(textIDs) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `
		select id, locale, body, is_original, source, author_id, created_at, text_id
		from text_versions
		where text_id = any($1)
		order by created_at, id`, textIDs)
	if err != nil {
		return nil, fmt.Errorf("list text versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			vr     versionRow
			textID uuid.UUID
		)
		if err := rows.Scan(append(vr.dest(), &textID)...); err != nil {
			return nil, fmt.Errorf("scan text version: %w", err)
		}
		v, _ := vr.version(textID)
		out[textID] = append(out[textID], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list text versions: %w", err)
	}
	return out, nil
}

// versionRow scans a possibly absent (left-joined) version.
type versionRow struct {
	id         *uuid.UUID
	locale     *string
	body       *string
	isOriginal *bool
	source     *string
	author     *uuid.UUID
	createdAt  *time.Time
}

func (r *versionRow) dest() []any {
	return []any{&r.id, &r.locale, &r.body, &r.isOriginal, &r.source, &r.author, &r.createdAt}
}

func (r *versionRow) version(textID uuid.UUID) (Version, bool) {
	if r.id == nil {
		return Version{}, false
	}
	return Version{
		ID: *r.id, TextID: textID, Locale: Locale(*r.locale), Body: *r.body, IsOriginal: *r.isOriginal,
		Source: *r.source, AuthorID: deref(r.author), CreatedAt: *r.createdAt,
	}, true
}

// ValidateBody refuses, on field "text", a body that is not valid UTF-8,
// is blank or is longer than MaxTextRunes: what CreateText and AddVersion
// check, for a caller that checks several texts before writing any.
func ValidateBody(body string) error {
	if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
		return apperr.Invalid("text", "text.invalid")
	}
	if strings.TrimSpace(body) == "" {
		return apperr.Invalid("text", "text.empty")
	}
	if utf8.RuneCountInString(body) > MaxTextRunes {
		return apperr.Invalid("text", "text.too_long").With(map[string]any{"max": MaxTextRunes})
	}
	return nil
}

func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func deref(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// Check refuses, on field, an input whose locale is not one of the four, and
// one without text when requiredKey (the message of that refusal) is not
// ""; an empty optional input passes.
func (in Input) Check(field, requiredKey string) error {
	if strings.TrimSpace(in.Text) == "" {
		if requiredKey != "" {
			return apperr.Invalid(field, requiredKey)
		}
		return nil
	}
	if !in.Locale.Valid() {
		return apperr.Invalid(field, "text.locale_invalid")
	}
	return nil
}

// CreateOptional stores in (trimmed) as a new text by author, or nothing
// for an input without text (nil).
func CreateOptional(ctx context.Context, tx pgx.Tx, in Input, author uuid.UUID, domains []string) (*uuid.UUID, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, nil
	}
	id, err := CreateText(ctx, tx, in.Locale, text, author, domains)
	if err != nil {
		return nil, err
	}
	return &id, nil
}
