package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/infopages"
)

func infoPageOut(p *infopages.Page) *model.InfoPage {
	return &model.InfoPage{ID: gid.Encode("InfoPage", p.ID), P: p}
}

// infoPage is the page with key if the caller may see it, nil otherwise.
func (r *Resolver) infoPage(ctx context.Context, key uuid.UUID) (*model.InfoPage, error) {
	p, err := r.InfoService.Page(ctx, key)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return infoPageOut(p), nil
}

func infoPageKind(k model.InfoPageKind) infopages.Kind {
	return infopages.Kind(strings.ToLower(string(k)))
}

func textDir(lang string) model.TextDirection {
	if infopages.Dir(lang) == "rtl" {
		return model.TextDirectionRtl
	}
	return model.TextDirectionLtr
}

func optInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// infoPageLanguages: the original first, then each translation.
func infoPageLanguages(p *infopages.Page) []model.InfoPageLanguage {
	out := []model.InfoPageLanguage{{Language: infopages.Original, Dir: model.TextDirectionLtr, IsOriginal: true,
		Title: p.Original.Title, Version: p.Original.Version, UpdatedAt: p.Original.CreatedAt}}
	for _, t := range p.Translations {
		out = append(out, infoPageTranslationOut(t))
	}
	return out
}

func infoPageTranslationOut(t infopages.Translation) model.InfoPageLanguage {
	return model.InfoPageLanguage{Language: t.Language, Dir: textDir(t.Language), Title: t.Title, Version: t.Version,
		BasedOnVersion: &t.BasedOn, Outdated: t.Outdated, UpdatedAt: t.CreatedAt}
}

func infoPageContentOut(c infopages.Content) *model.InfoPageContent {
	return &model.InfoPageContent{Language: c.Language, Dir: textDir(c.Language), IsOriginal: c.IsOriginal, Title: c.Title,
		Body: c.Body, BodyHTML: infopages.HTML(c.Body), Version: c.Version, BasedOnVersion: optInt(c.BasedOn),
		OriginalVersion: c.OriginalVersion, Outdated: c.Outdated, By: optString(c.By), Credit: optString(c.Credit),
		CreatedAt: c.CreatedAt, AvailableLanguages: c.Available}
}

// translatorDomain is where grantTranslator holds the role.
func translatorDomain(kind *model.InfoPageKind) string {
	if kind == nil {
		return "*"
	}
	return infopages.KindDomain(infoPageKind(*kind))
}
