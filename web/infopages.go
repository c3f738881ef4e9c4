package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/page"
)

// Information pages: the public list (by kind and language), the coverage
// table of procedures, and a page in a chosen language. The page's language
// is in the path (/info/<slug>/<language>), apart from the interface's
// language (?lang=), so that a Ukrainian reader can read the Georgian text.

// PathInfo is the list of information pages.
const PathInfo = "/info"

// PathInfoCoverage is the table of procedures and their translations.
const PathInfoCoverage = PathInfo + "/coverage"

func infoPagePath(slug, lang string) string {
	if lang == "" || lang == infopages.Original {
		return PathInfo + "/" + slug
	}
	return PathInfo + "/" + slug + "/" + lang
}

func (h *Handler) infoRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathInfo, h.infoList)
	m.HandleFunc("GET "+PathInfoCoverage, h.infoCoverage)
	m.HandleFunc("GET "+PathInfo+"/{slug}", h.infoPage)
	m.HandleFunc("GET "+PathInfo+"/{slug}/{language}", h.infoPage)
	m.HandleFunc("GET "+PathInfo+"/{slug}/history", h.infoHistory)
}

// languageName is a language's name in that language ("Українська",
// "ქართული", "العربية"), capitalised where the script has cases.
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	n := display.Self.Name(t)
	if n == "" {
		return tag
	}
	r := []rune(n)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// infoListView is the list page.
type infoListView struct {
	Pages     []*infopages.Page
	Total     int
	Next      string // the next page's URL, "" when none
	Kind      string
	Language  string
	Locale    string // the interface's language: titles in it when translated
	MayCreate bool
}

// title is p's title in the interface's language when translated, else
// the original's.
func (v infoListView) title(p *infopages.Page) (string, string) {
	if t, ok := p.Translation(v.Locale); ok {
		return t.Title, t.Language
	}
	return p.Original.Title, infopages.Original
}

func (h *Handler) infoList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := infoListView{Kind: q.Get("kind"), Language: strings.TrimSpace(q.Get("language")), Locale: string(reqFrom(ctx).Locale),
		MayCreate: mayCreateInfo(ctx)}
	var f infopages.Filter
	if v.Kind != "" {
		k := infopages.Kind(v.Kind)
		f.Kind = &k
	}
	f.Language = v.Language
	p, err := h.svc.InfoPages.List(ctx, f, page.DefaultSize, q.Get("after"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.InvalidInput {
			h.fail(w, r, http.StatusBadRequest, "web.info.filter_invalid")
			return
		}
		h.failErr(w, r, err)
		return
	}
	v.Pages, v.Total = p.Items, p.Total
	if p.HasNext {
		nq := r.URL.Query()
		nq.Set("after", infopages.Cursor(p.Items[len(p.Items)-1]))
		nq.Del("lang")
		v.Next = PathInfo + "?" + nq.Encode()
	}
	h.render(w, r, http.StatusOK, infoListPage(v))
}

func (h *Handler) infoCoverage(w http.ResponseWriter, r *http.Request) {
	cov, err := h.svc.InfoPages.Coverage(r.Context())
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	n, err := h.svc.InfoPages.TranslatedNow(r.Context())
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, infoCoveragePage(cov, n))
}

// infoPageView is a page in one language.
type infoPageView struct {
	P       *infopages.Page
	C       infopages.Content
	HTML    templ.Component
	Asked   string // the language asked for in the path ("" for none)
	Missing bool   // the page has no translation into Asked
	Can     infoCan
	Done    string // an editor's change just made (created, saved, translated, publish, archive)
}

func (h *Handler) infoPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.svc.InfoPages.PageBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	asked := r.PathValue("language")
	lang := asked
	if asked == "" {
		// Without a language in the path: the interface's language when
		// the page is translated into it, else the original.
		lang = string(reqFrom(ctx).Locale)
	} else if canon, err := infopages.CanonicalLanguage(asked); err == nil && canon != asked {
		http.Redirect(w, r, infoPagePath(p.Slug, canon), http.StatusMovedPermanently)
		return
	}
	c, err := h.svc.InfoPages.Content(ctx, p, lang)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := infoPageView{P: p, C: c, HTML: templ.Raw(infopages.HTML(c.Body)), Asked: asked,
		Missing: asked != "" && asked != infopages.Original && c.IsOriginal, Can: h.infoCanOn(ctx, p), Done: r.URL.Query().Get("done")}
	switch v.Done {
	case "created", "saved", "translated", infopages.ActPublish, infopages.ActArchive:
	default:
		v.Done = ""
	}
	h.render(w, r, http.StatusOK, infoPageBody(v))
}

func infoHistoryPath(slug, lang string) string {
	if lang == "" || lang == infopages.Original {
		return PathInfo + "/" + slug + "/history"
	}
	return PathInfo + "/" + slug + "/history?language=" + lang
}

// infoHistoryView is every version of a page's original, or of one of its
// translations, newest first: nothing is overwritten, so nothing is lost.
type infoHistoryView struct {
	P        *infopages.Page
	Language string // infopages.Original or a translation's language
	Versions []infoVersion
}

// infoVersion is one version of the original or of a translation as the
// history shows it. By is "" for a deleted account; BasedOn is 0 for the
// original.
type infoVersion struct {
	Version, BasedOn int
	By               string
	At               time.Time
	Title, Body      string
	Outdated         bool
}

func (h *Handler) infoHistory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.svc.InfoPages.PageBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := infoHistoryView{P: p, Language: infopages.Original}
	if asked := r.URL.Query().Get("language"); asked != "" && asked != infopages.Original {
		canon, err := infopages.CanonicalLanguage(asked)
		if _, ok := p.Translation(canon); err != nil || !ok {
			h.fail(w, r, http.StatusNotFound, "web.info.no_such_translation")
			return
		}
		v.Language = canon
	}
	if v.Language == infopages.Original {
		vs, err := h.svc.InfoPages.OriginalVersions(ctx, p)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		for _, o := range vs {
			v.Versions = append(v.Versions, infoVersion{Version: o.Version, By: o.AuthorName, At: o.CreatedAt, Title: o.Title, Body: o.Body})
		}
	} else {
		ts, err := h.svc.InfoPages.TranslationVersions(ctx, p, v.Language)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		for _, t := range ts {
			by := t.Credit
			if by == "" {
				by = t.TranslatorName
			}
			v.Versions = append(v.Versions, infoVersion{Version: t.Version, BasedOn: t.BasedOn, By: by, At: t.CreatedAt, Title: t.Title,
				Body: t.Body, Outdated: t.Outdated})
		}
	}
	h.render(w, r, http.StatusOK, infoHistoryPage(v))
}
