package infopages

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/page"
)

// Filter narrows the list of pages.
type Filter struct {
	Kind *Kind
	// Language: only pages with a translation into it ("" or "pl": all, as
	// every page has its original).
	Language string
}

const listName = "infopages"

type listKey struct {
	Slug string `json:"s"`
}

func (k listKey) Valid() bool { return k.Slug != "" }

// Cursor is the position of p in the list.
func Cursor(p *Page) string { return page.Cursor(listName, listKey{Slug: p.Slug}) }

// visibility is the SQL condition (on p) of the pages the caller may see,
// built from the same grants as the policy's read rules, and its arguments
// from $n on.
func visibility(ctx context.Context, q db.Querier, n int) (string, []any, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return "p.status = 'published'", nil, nil
	}
	staff, err := authz.DomainsWithRoles(ctx, q, sub.AccountID, authz.RoleCoordinator, authz.RoleAdmin)
	if err != nil {
		return "", nil, err
	}
	if slices.Contains(staff, authz.GlobalDomain) {
		return "true", nil, nil
	}
	officials, err := authz.DomainsWithRole(ctx, q, sub.AccountID, authz.RoleOfficial)
	if err != nil {
		return "", nil, err
	}
	translators, err := authz.DomainsWithRole(ctx, q, sub.AccountID, authz.RoleTranslator)
	if err != nil {
		return "", nil, err
	}
	var kinds []string
	for _, k := range Kinds {
		if slices.Contains(translators, authz.GlobalDomain) || slices.Contains(translators, KindDomain(k)) {
			kinds = append(kinds, string(k))
		}
	}
	if slices.Contains(officials, authz.GlobalDomain) {
		return "true", nil, nil
	}
	if officials == nil {
		officials = []string{}
	}
	if kinds == nil {
		kinds = []string{}
	}
	return fmt.Sprintf(`(p.status = 'published' or 'org:' || p.unit_id::text = any($%d)
		or (p.status <> 'archived' and p.kind = any($%d)))`, n, n+1), []any{officials, kinds}, nil
}

// List lists the pages the caller may see, by slug: published ones for
// everyone, drafts and archived ones too for the staff who may read them.
func (s *Service) List(ctx context.Context, f Filter, first int, after string) (page.Page[*Page], error) {
	if err := page.Check(first); err != nil {
		return page.Page[*Page]{}, err
	}
	var key listKey
	hasAfter, err := page.After(listName, after, &key)
	if err != nil {
		return page.Page[*Page]{}, err
	}
	vis, args, err := visibility(ctx, s.pool, 1)
	if err != nil {
		return page.Page[*Page]{}, err
	}
	where := vis
	if f.Kind != nil {
		if !f.Kind.valid() {
			return page.Page[*Page]{}, errKind
		}
		args = append(args, string(*f.Kind))
		where += fmt.Sprintf(" and p.kind = $%d", len(args))
	}
	if f.Language != "" && f.Language != Original {
		lang, err := CanonicalLanguage(f.Language)
		if err != nil {
			return page.Page[*Page]{}, err
		}
		args = append(args, lang)
		where += fmt.Sprintf(" and exists (select 1 from infopage_translations t where t.page_id = p.id and t.language = $%d)", len(args))
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from infopages p where `+where, args...).Scan(&total); err != nil {
		return page.Page[*Page]{}, fmt.Errorf("count pages: %w", err)
	}
	if hasAfter {
		args = append(args, key.Slug)
		where += fmt.Sprintf(" and p.slug > $%d", len(args))
	}
	args = append(args, first+1)
	rows, err := s.pool.Query(ctx, `select `+pageColumns+` `+pageFrom+` where `+where+
		fmt.Sprintf(` order by p.slug limit $%d`, len(args)), args...)
	if err != nil {
		return page.Page[*Page]{}, fmt.Errorf("list pages: %w", err)
	}
	var items []*Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			rows.Close()
			return page.Page[*Page]{}, fmt.Errorf("scan page: %w", err)
		}
		items = append(items, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page.Page[*Page]{}, fmt.Errorf("list pages: %w", err)
	}
	if err := currentTranslations(ctx, s.pool, items); err != nil {
		return page.Page[*Page]{}, err
	}
	return page.Of(items, first, total), nil
}

// Coverage is the public table of procedures and their translations.
type Coverage struct {
	// Procedures are the published procedure pages, by slug.
	Procedures []*Page
	// Languages are the totals per language, most procedures current first.
	Languages []LanguageCoverage
}

// LanguageCoverage counts the published procedures translated into a
// language: Current those whose translation is current, Outdated those whose
// translation is outdated.
type LanguageCoverage struct {
	Language string
	Current  int
	Outdated int
}

// Dir is the language's text direction.
func (l LanguageCoverage) Dir() string { return Dir(l.Language) }

// Coverage returns the published procedures with, for each, the languages
// current and outdated, and the totals per language. Public.
func (s *Service) Coverage(ctx context.Context) (*Coverage, error) {
	rows, err := s.pool.Query(ctx, `select `+pageColumns+` `+pageFrom+`
		where p.kind = 'procedure' and p.status = 'published' order by p.slug`)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	var pages []*Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan page: %w", err)
		}
		pages = append(pages, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	if err := currentTranslations(ctx, s.pool, pages); err != nil {
		return nil, err
	}
	totals := map[string]*LanguageCoverage{}
	for _, p := range pages {
		for _, t := range p.Translations {
			lc := totals[t.Language]
			if lc == nil {
				lc = &LanguageCoverage{Language: t.Language}
				totals[t.Language] = lc
			}
			if t.Outdated {
				lc.Outdated++
			} else {
				lc.Current++
			}
		}
	}
	out := &Coverage{Procedures: pages, Languages: []LanguageCoverage{}}
	if out.Procedures == nil {
		out.Procedures = []*Page{}
	}
	for _, lc := range totals {
		out.Languages = append(out.Languages, *lc)
	}
	slices.SortFunc(out.Languages, func(a, b LanguageCoverage) int {
		if a.Current != b.Current {
			return b.Current - a.Current
		}
		if a.Outdated != b.Outdated {
			return b.Outdated - a.Outdated
		}
		if a.Language < b.Language {
			return -1
		}
		return 1
	})
	return out, nil
}

// Pages returns the pages of ids the caller may see, in no order (the
// graph's node loader).
func (s *Service) Pages(ctx context.Context, ids []uuid.UUID) ([]*Page, error) {
	vis, args, err := visibility(ctx, s.pool, 2)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+pageColumns+` `+pageFrom+` where p.id = any($1) and `+vis, append([]any{ids}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	var out []*Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, currentTranslations(ctx, s.pool, out)
}
