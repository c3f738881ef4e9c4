package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/org"
)

// The editors' screens of the information pages: a new page, an edit of
// the Polish original (with the version it started from, so that two
// editors never overwrite each other), a translation into any language,
// publishing and archiving. Who may do what is the service's (coordinators,
// admins; the unit's officials edit the original; translators translate);
// the pages only offer what the caller may do.

// PathInfoNew is the form for a new information page.
const PathInfoNew = PathInfo + "/new"

func infoEditPath(slug string) string      { return PathInfo + "/" + slug + "/edit" }
func infoTranslatePath(slug string) string { return PathInfo + "/" + slug + "/translate" }
func infoStatusPath(slug, act string) string {
	return PathInfo + "/" + slug + "/" + act
}

func (h *Handler) infoStaffRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathInfoNew, h.infoNewForm)
	m.HandleFunc("POST "+PathInfoNew, h.infoCreate)
	m.HandleFunc("GET "+PathInfo+"/{slug}/edit", h.infoEditForm)
	m.HandleFunc("POST "+PathInfo+"/{slug}/edit", h.infoEdit)
	m.HandleFunc("GET "+PathInfo+"/{slug}/translate", h.infoTranslateForm)
	m.HandleFunc("POST "+PathInfo+"/{slug}/translate", h.infoTranslate)
	m.HandleFunc("POST "+PathInfo+"/{slug}/publish", h.infoSetStatus(infopages.ActPublish))
	m.HandleFunc("POST "+PathInfo+"/{slug}/archive", h.infoSetStatus(infopages.ActArchive))
}

// infoCan is what the caller may do with a page (the page's editor links).
type infoCan struct{ Edit, Translate, Publish, Archive bool }

func (h *Handler) infoCanOn(ctx context.Context, p *infopages.Page) infoCan {
	s := h.svc.InfoPages
	return infoCan{
		Edit:      p.Status != infopages.StatusArchived && s.Can(ctx, infopages.ActEdit, p),
		Translate: p.Status != infopages.StatusArchived && s.Can(ctx, infopages.ActTranslate, p),
		Publish:   p.Status != infopages.StatusPublished && s.Can(ctx, infopages.ActPublish, p),
		Archive:   p.Status == infopages.StatusPublished && s.Can(ctx, infopages.ActArchive, p),
	}
}

func (c infoCan) any() bool { return c.Edit || c.Translate || c.Publish || c.Archive }

// mayCreateInfo: the caller may create information pages.
func mayCreateInfo(ctx context.Context) bool {
	return authz.Can(ctx, infopages.ActCreate, authz.Object{Type: infopages.ObjectType})
}

// staffInfoPage loads the page of the path for an editor's screen: a
// signed-in caller (else sign in and come back) who may do what allowed
// says (else 403; a page it may not see is 404).
func (h *Handler) staffInfoPage(w http.ResponseWriter, r *http.Request, back string, allowed func(infoCan) bool) (*infopages.Page, bool) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(back))
		return nil, false
	}
	p, err := h.svc.InfoPages.PageBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return nil, false
	}
	if !allowed(h.infoCanOn(ctx, p)) {
		h.fail(w, r, http.StatusForbidden, "web.info.not_allowed")
		return nil, false
	}
	return p, true
}

// infoNewView is the new-page form with the city units to choose from.
type infoNewView struct {
	Form  *form
	Units []org.Organisation
}

var infoNewFields = []string{"slug", "kind", "unitId", "title", "body"}

func (h *Handler) infoNewForm(w http.ResponseWriter, r *http.Request) {
	h.renderInfoNew(w, r, newForm(infoNewFields...), http.StatusOK)
}

func (h *Handler) renderInfoNew(w http.ResponseWriter, r *http.Request, f *form, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(PathInfoNew))
		return
	}
	if !mayCreateInfo(ctx) {
		h.fail(w, r, http.StatusForbidden, "web.info.not_allowed")
		return
	}
	units, err := h.cityUnits(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, status, infoNewPage(infoNewView{Form: f, Units: units}))
}

func (h *Handler) infoCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := newForm(infoNewFields...).read(r)
	in := infopages.CreateInput{Slug: f.Values["slug"], Kind: infopages.Kind(f.Values["kind"]), Title: f.Values["title"],
		Body: f.Values["body"]}
	if s := f.Values["unitId"]; s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			f.Errors["unitId"] = tr(ctx, "infopages.unit_invalid")
			h.renderInfoNew(w, r, f, http.StatusUnprocessableEntity)
			return
		}
		in.UnitID = &id
	}
	p, err := h.svc.InfoPages.CreatePage(ctx, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(PathInfoNew))
		return
	}
	if err != nil {
		h.renderInfoNew(w, r, f, f.fail(ctx, err))
		return
	}
	seeOther(w, r, infoPagePath(p.Slug, infopages.Original)+"?done=created")
}

// infoEditView is the edit of the original. Current is set when someone
// else saved a version meanwhile: shown beside the editor's own text.
type infoEditView struct {
	P       *infopages.Page
	Form    *form
	Current *infopages.Version
}

var infoEditFields = []string{"baseVersion", "title", "body"}

func (h *Handler) infoEditForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.staffInfoPage(w, r, infoEditPath(r.PathValue("slug")), func(c infoCan) bool { return c.Edit })
	if !ok {
		return
	}
	f := newForm(infoEditFields...)
	f.Values["baseVersion"] = strconv.Itoa(p.Original.Version)
	f.Values["title"], f.Values["body"] = p.Original.Title, p.Original.Body
	h.render(w, r, http.StatusOK, infoEditPage(infoEditView{P: p, Form: f}))
}

func (h *Handler) infoEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := h.staffInfoPage(w, r, infoEditPath(r.PathValue("slug")), func(c infoCan) bool { return c.Edit })
	if !ok {
		return
	}
	f := newForm(infoEditFields...).read(r)
	base, err := strconv.Atoi(f.Values["baseVersion"])
	if err != nil {
		base = -1 // the service answers that the original changed
	}
	_, err = h.svc.InfoPages.UpdateOriginal(ctx, p.ID, infopages.UpdateOriginalInput{BaseVersion: base, Title: f.Values["title"],
		Body: f.Values["body"]})
	if err != nil {
		status := f.fail(ctx, err)
		v := infoEditView{P: p, Form: f}
		if apperr.CodeOf(err) == apperr.Conflict {
			// Someone saved meanwhile: keep this text, show theirs, and
			// let a second save (after comparing) go on from theirs.
			cur := p.Original
			v.Current = &cur
			f.Values["baseVersion"] = strconv.Itoa(cur.Version)
		}
		h.render(w, r, status, infoEditPage(v))
		return
	}
	seeOther(w, r, infoPagePath(p.Slug, infopages.Original)+"?done=saved")
}

// infoTranslateView is a translation's form beside the original it
// translates.
type infoTranslateView struct {
	P    *infopages.Page
	Form *form
}

var infoTranslateFields = []string{"language", "basedOn", "title", "body", "credit"}

func (h *Handler) infoTranslateForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug := r.PathValue("slug")
	p, ok := h.staffInfoPage(w, r, infoTranslatePath(slug), func(c infoCan) bool { return c.Translate })
	if !ok {
		return
	}
	f := newForm(infoTranslateFields...)
	f.Values["basedOn"] = strconv.Itoa(p.Original.Version)
	if lang, err := infopages.CanonicalLanguage(r.URL.Query().Get("language")); err == nil {
		f.Values["language"] = lang
		// A new version of an existing translation starts from it.
		if _, ok := p.Translation(lang); ok {
			c, err := h.svc.InfoPages.Content(ctx, p, lang)
			if err != nil {
				h.failErr(w, r, err)
				return
			}
			f.Values["title"], f.Values["body"], f.Values["credit"] = c.Title, c.Body, c.Credit
		}
	}
	h.render(w, r, http.StatusOK, infoTranslatePage(infoTranslateView{P: p, Form: f}))
}

func (h *Handler) infoTranslate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := h.staffInfoPage(w, r, infoTranslatePath(r.PathValue("slug")), func(c infoCan) bool { return c.Translate })
	if !ok {
		return
	}
	f := newForm(infoTranslateFields...).read(r)
	based, err := strconv.Atoi(f.Values["basedOn"])
	if err != nil {
		based = -1 // the service refuses it by name
	}
	lang, _ := infopages.CanonicalLanguage(f.Values["language"])
	_, err = h.svc.InfoPages.AddTranslation(ctx, p.ID, infopages.TranslationInput{Language: f.Values["language"], Title: f.Values["title"],
		Body: f.Values["body"], Credit: f.Values["credit"], BasedOn: based})
	if err != nil {
		h.render(w, r, f.fail(ctx, err), infoTranslatePage(infoTranslateView{P: p, Form: f}))
		return
	}
	seeOther(w, r, infoPagePath(p.Slug, lang)+"?done=translated")
}

// infoSetStatus publishes or archives the page and goes back to it.
func (h *Handler) infoSetStatus(act string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, ok := h.staffInfoPage(w, r, infoPagePath(r.PathValue("slug"), infopages.Original), func(c infoCan) bool {
			if act == infopages.ActPublish {
				return c.Publish
			}
			return c.Archive
		})
		if !ok {
			return
		}
		var err error
		if act == infopages.ActPublish {
			_, err = h.svc.InfoPages.Publish(ctx, p.ID)
		} else {
			_, err = h.svc.InfoPages.Archive(ctx, p.ID)
		}
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		seeOther(w, r, infoPagePath(p.Slug, infopages.Original)+"?done="+act)
	}
}

// textAttrs are a page text field's attributes: its language and direction
// (dir="auto" while the language is not known yet, as in a translation
// whose language is typed beside it), and for a body its rows.
func textAttrs(lang string, rows int) templ.Attributes {
	a := templ.Attributes{"dir": "auto"}
	if lang != "" {
		a["lang"], a["dir"] = lang, infopages.Dir(lang)
	}
	if rows > 0 {
		a["rows"], a["class"] = strconv.Itoa(rows), "minutes-source"
	}
	return a
}
