package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// The Ambassador of Multiculturalism title: the call and its editions, a
// nomination, the nominee's consent by the e-mailed link, the laureates.

// PathAmbassador is the title's page.
const PathAmbassador = "/ambassador"

func ambassadorEditionPath(id uuid.UUID) string { return PathAmbassador + "/" + id.String() }

func (h *Handler) ambassadorRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathAmbassador, h.ambassadorHome)
	m.HandleFunc("GET "+ambassador.PathConsent, h.consentForm)
	m.HandleFunc("POST "+ambassador.PathConsent, h.consent)
	m.HandleFunc("GET "+PathAmbassador+"/{edition}", h.ambassadorEdition)
	m.HandleFunc("POST "+PathAmbassador+"/{edition}", h.nominate)
}

// ambassadorHomeView lists the editions and the past laureates.
type ambassadorHomeView struct {
	Editions  []*ambassador.Edition
	Laureates []*ambassador.Laureate
	More      bool
}

func (h *Handler) ambassadorHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	eds, err := h.svc.Ambassador.Editions(ctx, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	ls, err := h.svc.Ambassador.PastLaureates(ctx, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, ambassadorHomePage(ambassadorHomeView{Editions: eds.Items, Laureates: ls.Items, More: ls.HasNext}))
}

// editionView is one edition: its call, categories and criteria, its
// laureates once announced, and the nomination form while nominations run.
type editionView struct {
	E          *ambassador.Edition
	Call       *i18n.Text
	Categories []ambassador.Category
	Criteria   []criterionView
	Laureates  []*ambassador.Laureate
	MayNom     bool
	// Staff and Juror: the service lets the caller use the coordinator's
	// screen and the jury's (the links to them).
	Staff, Juror bool
	Form         *form
	Sent         bool
}

type criterionView struct {
	C    ambassador.Criterion
	Name *i18n.Text
}

// nominationFields are the nomination form's fields; justifications are
// "why-<criterion>".
var nominationFields = []string{"category", "name", "email", "minor", "guardianName", "guardianEmail", "locale", "links"}

func (h *Handler) ambassadorEdition(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	f := newForm(nominationFields...)
	h.renderEdition(w, r, id, f, http.StatusOK, r.URL.Query().Get("sent") == "1")
}

func (h *Handler) renderEdition(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, status int, sent bool) {
	v, err := h.editionView(r.Context(), id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.Sent = f, sent
	h.render(w, r, status, editionPage(v))
}

func (h *Handler) editionView(ctx context.Context, id uuid.UUID) (editionView, error) {
	s := h.svc.Ambassador
	e, err := s.Edition(ctx, id)
	if err != nil {
		return editionView{}, err
	}
	v := editionView{E: e, MayNom: s.MayNominate(ctx, e), Staff: s.Staff(ctx, e), Juror: s.IsJuror(ctx, e.ID)}
	if v.Categories, err = s.Categories(ctx, id); err != nil {
		return v, err
	}
	criteria, err := s.Criteria(ctx, id)
	if err != nil {
		return v, err
	}
	if e.AnnouncedAt != nil {
		if v.Laureates, err = s.Laureates(ctx, id); err != nil {
			return v, err
		}
	}
	var ids []uuid.UUID
	if e.CallTextID != nil {
		ids = append(ids, *e.CallTextID)
	}
	for _, c := range criteria {
		ids = append(ids, c.NameTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		return v, err
	}
	if e.CallTextID != nil {
		v.Call = texts[*e.CallTextID]
	}
	for _, c := range criteria {
		v.Criteria = append(v.Criteria, criterionView{C: c, Name: texts[c.NameTextID]})
	}
	return v, nil
}

// nominate sends a nomination; the nominee is then asked for consent by
// e-mail (the service does it).
func (h *Handler) nominate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm(nominationFields...).read(r)
	v, err := h.editionView(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	in := ambassador.NominationInput{EditionID: id, Nominee: ambassador.NomineeInput{
		Name: strings.TrimSpace(f.Values["name"]), Email: strings.TrimSpace(f.Values["email"]), Minor: f.Values["minor"] != "",
		GuardianName: strings.TrimSpace(f.Values["guardianName"]), GuardianEmail: strings.TrimSpace(f.Values["guardianEmail"])}}
	if cat, err := uuid.Parse(f.Values["category"]); err == nil {
		in.CategoryID = cat
	} else {
		f.Errors["category"] = tr(ctx, "web.nominate.category_required")
	}
	l := selectedLocale(ctx, f)
	for _, c := range v.Criteria {
		key := "why-" + c.C.ID.String()
		f.Values[key] = r.PostFormValue(key)
		if text := strings.TrimSpace(f.Values[key]); text != "" {
			in.Justifications = append(in.Justifications, ambassador.JustificationInput{CriterionID: c.C.ID, Text: i18n.Input{Locale: l, Text: text}})
		}
	}
	for _, link := range strings.Split(f.Values["links"], "\n") {
		if link = strings.TrimSpace(link); link != "" {
			in.Links = append(in.Links, link)
		}
	}
	if f.hasErrors() {
		v.Form = f
		h.render(w, r, http.StatusUnprocessableEntity, editionPage(v))
		return
	}
	_, err = h.svc.Ambassador.Nominate(ctx, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(ambassadorEditionPath(id)+"#nominate"))
		return
	}
	if err != nil {
		status := f.fail(ctx, err)
		v.Form = f
		h.render(w, r, status, editionPage(v))
		return
	}
	seeOther(w, r, ambassadorEditionPath(id)+"?sent=1")
}

// consentForm is the page of the e-mailed consent link: the nominee (or a
// minor's guardian) gives or declines consent with a button. The token
// stays in the form; GET changes nothing.
func (h *Handler) consentForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, consentPage(r.URL.Query().Get("token"), newForm()))
}

func (h *Handler) consent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in := ambassador.ConsentInput{Token: r.PostFormValue("token")}
	var err error
	give := r.PostFormValue("answer") == "give"
	if give {
		_, err = h.svc.Ambassador.GiveConsent(ctx, in)
	} else {
		_, err = h.svc.Ambassador.DeclineNomination(ctx, in)
	}
	if err != nil {
		f := newForm()
		h.render(w, r, f.fail(ctx, err), consentPage(in.Token, f))
		return
	}
	if give {
		h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.consent.given_title"), tr(ctx, "web.consent.given"), PathAmbassador, tr(ctx, "web.nav.ambassador")))
		return
	}
	h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.consent.declined_title"), tr(ctx, "web.consent.declined"), PathAmbassador, tr(ctx, "web.nav.ambassador")))
}
