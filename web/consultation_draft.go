package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
)

// An official drafts a consultation, sees the city's publication rules
// checked against it, and publishes it with a public justification for each
// rule that fails and may be overridden. The service checks and decides.

// PathNewConsultation is the form of a new draft.
const PathNewConsultation = PathConsultations + "/new"

func (h *Handler) consultationDraftRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathNewConsultation, h.newConsultationForm)
	m.HandleFunc("POST "+PathNewConsultation, h.createConsultation)
	m.HandleFunc("GET "+PathConsultations+"/{id}/edit", h.editDraftForm)
	m.HandleFunc("POST "+PathConsultations+"/{id}/edit", h.updateDraft)
	m.HandleFunc("POST "+PathConsultations+"/{id}/publish", h.publishDraft)
}

func editPath(id uuid.UUID) string { return consultationPath(id) + "/edit" }

// draftFields are the draft form's fields; sections are heading-N and body-N.
var draftFields = []string{"unit", "title", "summary", "body", "locale", "tags", "announceAt", "opensAt", "closesAt", "reportDueAt"}

// extraSections is how many empty sections the form offers beyond the
// draft's own (saving offers more).
const extraSections = 2

// draftView is the draft form (new or existing) with its rules check.
type draftView struct {
	C         *consultation.Consultation // nil for a new draft
	Units     []org.Organisation         // where the caller may create (new only)
	Form      *form
	Districts map[string]bool
	Forms     map[string]bool
	Sections  int // rows of sections in the form
	Rules     []consultation.RuleResult
	Publish   *form // the publication form (justifications by rule)
}

func (h *Handler) newConsultationForm(w http.ResponseWriter, r *http.Request) {
	f := newForm(draftFields...)
	f.Values["locale"] = string(i18n.PL)
	h.renderNewDraft(w, r, f, http.StatusOK)
}

// creatableUnits are the city units where the caller may create
// consultations (the service's check, one list read).
func (h *Handler) creatableUnits(ctx context.Context) ([]org.Organisation, error) {
	units, err := h.cityUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []org.Organisation
	for _, u := range units {
		if h.svc.Consultations.MayCreateIn(ctx, u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// cityUnits are the city's units (the organisations of kind city unit).
func (h *Handler) cityUnits(ctx context.Context) ([]org.Organisation, error) {
	kind := org.KindCityUnit
	units, err := h.svc.Orgs.List(ctx, org.Filter{Kind: &kind}, page.MaxSize, "")
	if err != nil {
		return nil, err
	}
	return units.Items, nil
}

func (h *Handler) mayCreateSomewhere(ctx context.Context) (bool, error) {
	units, err := h.creatableUnits(ctx)
	return len(units) > 0, err
}

func (h *Handler) renderNewDraft(w http.ResponseWriter, r *http.Request, f *form, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(PathNewConsultation))
		return
	}
	units, err := h.creatableUnits(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := draftView{Units: units, Form: f, Districts: checked(f, "districts"), Forms: checked(f, "forms"), Sections: sectionRows(f)}
	if len(v.Units) == 0 {
		h.fail(w, r, http.StatusForbidden, "web.draft.no_unit")
		return
	}
	h.render(w, r, status, draftPage(v))
}

func (h *Handler) createConsultation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := readDraftForm(r)
	unit, err := uuid.Parse(f.Values["unit"])
	if err != nil {
		f.Errors["unit"] = tr(ctx, "web.draft.unit_required")
	}
	in, ok := draftInput(ctx, f)
	if !ok || f.hasErrors() {
		h.renderNewDraft(w, r, f, http.StatusUnprocessableEntity)
		return
	}
	c, err := h.svc.Consultations.Create(ctx, consultation.CreateInput{UnitID: unit, Title: *in.Title, Summary: *in.Summary, Body: *in.Body,
		Tags: *in.Tags, Districts: *in.Districts, Forms: *in.Forms, AnnounceAt: in.AnnounceAt, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt,
		ReportDueAt: in.ReportDueAt, Sections: *in.Sections})
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(PathNewConsultation))
		return
	}
	if err != nil {
		h.renderNewDraft(w, r, f, f.fail(ctx, err))
		return
	}
	seeOther(w, r, editPath(c.ID)+"#rules")
}

func (h *Handler) editDraftForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderDraft(w, r, id, nil, nil, http.StatusOK)
}

// renderDraft shows a draft with the failed form f (nil: the draft's own
// values) or the failed publication form pub.
func (h *Handler) renderDraft(w http.ResponseWriter, r *http.Request, id uuid.UUID, f, pub *form, status int) {
	ctx := r.Context()
	s := h.svc.Consultations
	c, err := s.Get(ctx, id)
	if err == nil && c.Status != consultation.StatusDraft {
		seeOther(w, r, consultationPath(id)) // published: its page
		return
	}
	var rules []consultation.RuleResult
	if err == nil {
		rules, err = s.Check(ctx, id) // those who may not manage it are refused here
	}
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(editPath(id)))
		return
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if f == nil {
		if f, err = h.draftForm(ctx, c); err != nil {
			h.failErr(w, r, err)
			return
		}
	}
	if pub == nil {
		pub = newForm()
		pub.Prefix = "publish-"
	}
	v := draftView{C: c, Form: f, Districts: checked(f, "districts"), Forms: checked(f, "forms"), Sections: sectionRows(f), Rules: rules, Publish: pub}
	h.render(w, r, status, draftPage(v))
}

// draftForm fills the form with a draft's values (texts in their original).
func (h *Handler) draftForm(ctx context.Context, c *consultation.Consultation) (*form, error) {
	sections, err := h.svc.Consultations.Sections(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ids := []uuid.UUID{c.TitleTextID}
	if c.SummaryTextID != nil {
		ids = append(ids, *c.SummaryTextID)
	}
	if c.BodyTextID != nil {
		ids = append(ids, *c.BodyTextID)
	}
	for _, sec := range sections {
		ids = append(ids, sec.HeadingTextID, sec.BodyTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		return nil, err
	}
	orig := func(id uuid.UUID) string {
		if t := texts[id]; t != nil {
			return t.Resolve(t.OriginalLocale).Text
		}
		return ""
	}
	f := newForm(draftFields...)
	title := texts[c.TitleTextID]
	f.Values["title"], f.Values["locale"] = orig(c.TitleTextID), string(title.OriginalLocale)
	if c.SummaryTextID != nil {
		f.Values["summary"] = orig(*c.SummaryTextID)
	}
	if c.BodyTextID != nil {
		f.Values["body"] = orig(*c.BodyTextID)
	}
	f.Values["tags"] = strings.Join(c.Tags, ", ")
	for _, d := range c.Districts {
		f.Values["districts:"+d] = "on"
	}
	for _, fm := range c.Forms {
		f.Values["forms:"+fm] = "on"
	}
	for name, t := range map[string]*time.Time{"announceAt": c.AnnounceAt, "opensAt": c.OpensAt, "closesAt": c.ClosesAt, "reportDueAt": c.ReportDueAt} {
		if t != nil {
			f.Values[name] = t.In(i18n.Warsaw).Format(dateTimeLocal)
		}
	}
	for i, sec := range sections {
		f.Values["heading-"+strconv.Itoa(i)] = orig(sec.HeadingTextID)
		f.Values["body-"+strconv.Itoa(i)] = orig(sec.BodyTextID)
	}
	f.Values["sections"] = strconv.Itoa(len(sections))
	return f, nil
}

func (h *Handler) updateDraft(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := readDraftForm(r)
	in, ok := draftInput(ctx, f)
	if !ok {
		h.renderDraft(w, r, id, f, nil, http.StatusUnprocessableEntity)
		return
	}
	_, err := h.svc.Consultations.UpdateDraft(ctx, id, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(editPath(id)))
		return
	}
	if err != nil {
		h.renderDraft(w, r, id, f, nil, f.fail(ctx, err))
		return
	}
	seeOther(w, r, editPath(id)+"#rules")
}

// publishDraft publishes with the justifications given for failing rules.
func (h *Handler) publishDraft(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	pub := newForm(consultation.Rules...)
	pub.Prefix = "publish-"
	pub.read(r)
	overrides := map[string]string{}
	for _, rule := range consultation.Rules {
		if v := strings.TrimSpace(pub.Values[rule]); v != "" {
			overrides[rule] = v
		}
	}
	_, err := h.svc.Consultations.Publish(ctx, id, overrides)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(editPath(id)))
		return
	}
	if err != nil {
		h.renderDraft(w, r, id, nil, pub, pub.fail(ctx, err))
		return
	}
	seeOther(w, r, consultationPath(id))
}

// dateTimeLocal is the value format of <input type="datetime-local">,
// read as Warsaw's time.
const dateTimeLocal = "2006-01-02T15:04"

// readDraftForm reads the draft form, with its checkboxes and sections.
func readDraftForm(r *http.Request) *form {
	f := newForm(draftFields...).read(r)
	for _, d := range r.PostForm["districts"] {
		f.Values["districts:"+d] = "on"
	}
	for _, fm := range r.PostForm["forms"] {
		f.Values["forms:"+fm] = "on"
	}
	n, _ := strconv.Atoi(r.PostFormValue("sections"))
	n = min(max(n, 0), consultation.MaxSections)
	for i := range n {
		k := strconv.Itoa(i)
		f.Values["heading-"+k], f.Values["body-"+k] = r.PostFormValue("heading-"+k), r.PostFormValue("body-"+k)
	}
	f.Values["sections"] = strconv.Itoa(n)
	return f
}

// draftInput turns the form into the service's input; a date that is not
// one is put on its field (ok false). Sections whose heading and body are
// both empty are left out; half-filled ones go to the service, which says
// what is missing.
func draftInput(ctx context.Context, f *form) (consultation.UpdateInput, bool) {
	l := selectedLocale(ctx, f)
	text := func(name string) *i18n.Input {
		return &i18n.Input{Locale: l, Text: strings.TrimSpace(f.Values[name])}
	}
	var tags, districts, forms []string
	for _, t := range strings.Split(f.Values["tags"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	for _, d := range consultation.Districts {
		if f.Values["districts:"+d] != "" {
			districts = append(districts, d)
		}
	}
	for _, fm := range consultation.Forms {
		if f.Values["forms:"+fm] != "" {
			forms = append(forms, fm)
		}
	}
	in := consultation.UpdateInput{Title: text("title"), Summary: text("summary"), Body: text("body"),
		Tags: &tags, Districts: &districts, Forms: &forms}
	ok := true
	for name, dst := range map[string]**time.Time{"announceAt": &in.AnnounceAt, "opensAt": &in.OpensAt, "closesAt": &in.ClosesAt, "reportDueAt": &in.ReportDueAt} {
		v := strings.TrimSpace(f.Values[name])
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(dateTimeLocal, v, i18n.Warsaw)
		if err != nil {
			f.Errors[name] = tr(ctx, "web.draft.date_invalid")
			ok = false
			continue
		}
		*dst = &t
	}
	n, _ := strconv.Atoi(f.Values["sections"])
	sections := []consultation.SectionInput{}
	for i := range n {
		k := strconv.Itoa(i)
		hd, bd := strings.TrimSpace(f.Values["heading-"+k]), strings.TrimSpace(f.Values["body-"+k])
		if hd == "" && bd == "" {
			continue
		}
		sections = append(sections, consultation.SectionInput{Heading: i18n.Input{Locale: l, Text: hd}, Body: i18n.Input{Locale: l, Text: bd}})
	}
	in.Sections = &sections
	return in, ok
}

// checked reads a checkbox group's values from the form.
func checked(f *form, group string) map[string]bool {
	out := map[string]bool{}
	for k, v := range f.Values {
		if name, ok := strings.CutPrefix(k, group+":"); ok && v != "" {
			out[name] = true
		}
	}
	return out
}

// sectionRows is how many section rows the form shows: the filled ones and
// extraSections more.
func sectionRows(f *form) int {
	n, _ := strconv.Atoi(f.Values["sections"])
	filled := 0
	for i := range n {
		k := strconv.Itoa(i)
		if strings.TrimSpace(f.Values["heading-"+k]) != "" || strings.TrimSpace(f.Values["body-"+k]) != "" {
			filled = i + 1
		}
	}
	return filled + extraSections
}

// rowKeys are the keys of n rows: "0", "1", ….
func rowKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

func draftTitle(ctx context.Context, v draftView) string {
	if v.C == nil {
		return tr(ctx, "web.draft.new")
	}
	return tr(ctx, "web.draft.edit")
}

func draftAction(v draftView) string {
	if v.C == nil {
		return PathNewConsultation
	}
	return editPath(v.C.ID)
}
