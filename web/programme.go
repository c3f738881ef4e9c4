package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/programme"
)

// The programme's results: its indicator table for a year, as the service
// computes it (values, statuses, how each was found), and the yearly
// report's downloads. Public, as the results are.

// PathProgramme is the programmes' page.
const PathProgramme = "/programme"

func (h *Handler) programmeRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathProgramme, h.programmes)
	m.HandleFunc("GET "+PathProgramme+"/{slug}", h.programmePage)
	m.HandleFunc("GET "+PathProgramme+"/{slug}/report/{file}", h.programmeReport)
	m.HandleFunc("POST "+PathProgramme+"/{slug}/values/{indicator}", h.enterValue)
	// A failed entry is rendered at its POST address; the language switch
	// returns to the programme.
	m.HandleFunc("GET "+PathProgramme+"/{slug}/values/{indicator}", func(w http.ResponseWriter, r *http.Request) {
		seeOther(w, r, PathProgramme+"/"+r.PathValue("slug"))
	})
}

func (h *Handler) programmes(w http.ResponseWriter, r *http.Request) {
	ps, err := h.svc.Programme.Programmes(r.Context())
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if len(ps) == 1 { // the usual case: straight to it
		seeOther(w, r, PathProgramme+"/"+ps[0].Slug)
		return
	}
	names, err := h.texts(r, func(add func(uuid.UUID)) {
		for _, p := range ps {
			add(p.NameTextID)
		}
	})
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, programmesPage(ps, names))
}

// programmeView is a programme's indicator table in a year.
type programmeView struct {
	P       *programme.Programme
	Name    *i18n.Text
	Year    int
	Years   []int
	Results []*programme.Result
	Names   map[uuid.UUID]*i18n.Text
	// Enter are the entered indicators the caller may enter values of.
	Enter map[uuid.UUID]bool
	// Form is a failed entry, FormFor its indicator.
	Form    *form
	FormFor uuid.UUID
}

func (h *Handler) programmePage(w http.ResponseWriter, r *http.Request) {
	year := 0
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		year = y
	}
	h.renderProgramme(w, r, year, nil, uuid.Nil, http.StatusOK)
}

// renderProgramme renders the table of year (0: the current one, within
// the programme), with a failed entry form if any.
func (h *Handler) renderProgramme(w http.ResponseWriter, r *http.Request, year int, f *form, formFor uuid.UUID, status int) {
	ctx := r.Context()
	p, err := h.svc.Programme.ProgrammeBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if year == 0 {
		year = min(max(time.Now().Year(), p.FirstYear), p.LastYear)
	}
	results, err := h.svc.Programme.Results(ctx, p.ID, year)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := programmeView{P: p, Year: year, Results: results, Enter: map[uuid.UUID]bool{}, Form: f, FormFor: formFor}
	for _, res := range results {
		if h.svc.Programme.MayEnter(ctx, res.Indicator) && year <= time.Now().Year() {
			v.Enter[res.Indicator.ID] = true
		}
	}
	for y := p.FirstYear; y <= p.LastYear; y++ {
		v.Years = append(v.Years, y)
	}
	v.Names, err = h.texts(r, func(add func(uuid.UUID)) {
		add(p.NameTextID)
		for _, res := range results {
			add(res.Indicator.NameTextID)
		}
	})
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Name = v.Names[p.NameTextID]
	h.render(w, r, status, programmePage(v))
}

var valueFields = []string{"value", "note"}

// enterValue enters a year's value of an entered indicator with its source
// note, and returns to the year's table at the indicator.
func (h *Handler) enterValue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.pathID(w, r, "indicator")
	if !ok {
		return
	}
	f := newForm(valueFields...).read(r)
	f.Prefix = "v-" + id.String() + "-"
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	value, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(f.Values["value"]), ",", "."), 64)
	if err != nil {
		f.Errors["value"] = tr(ctx, "programme.value_invalid")
		h.renderProgramme(w, r, year, f, id, http.StatusUnprocessableEntity)
		return
	}
	if _, err := h.svc.Programme.EnterValue(ctx, id, year, value, f.Values["note"]); err != nil {
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(PathProgramme+"/"+r.PathValue("slug")))
			return
		}
		h.renderProgramme(w, r, year, f, id, f.fail(ctx, err))
		return
	}
	in, err := h.svc.Programme.Indicator(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	seeOther(w, r, PathProgramme+"/"+r.PathValue("slug")+"?year="+strconv.Itoa(year)+"#i-"+in.Code)
}

// valueForm is an indicator's entry form: the failed one, else the value
// entered for the year.
func valueForm(v programmeView, res *programme.Result) *form {
	if v.Form != nil && v.FormFor == res.Indicator.ID {
		return v.Form
	}
	f := newForm(valueFields...)
	f.Prefix = "v-" + res.Indicator.ID.String() + "-"
	if res.Entered != nil {
		f.Values["value"] = strconv.FormatFloat(res.Entered.Value, 'f', -1, 64)
		f.Values["note"] = res.Entered.Note
	}
	return f
}

// texts loads the texts whose ids collect adds.
func (h *Handler) texts(r *http.Request, collect func(add func(uuid.UUID))) (map[uuid.UUID]*i18n.Text, error) {
	var ids []uuid.UUID
	collect(func(id uuid.UUID) { ids = append(ids, id) })
	return i18n.Load(r.Context(), h.svc.Pool, ids)
}

// reportFormats are the report's downloads by file extension.
var reportFormats = map[string]string{"md": programme.FormatMarkdown, "csv": programme.FormatCSV, "html": programme.FormatHTML}

// programmeReport serves /programme/{slug}/report/{year}.{md|csv|html}
// in the page's language (Polish binding).
func (h *Handler) programmeReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	year, err := strconv.Atoi(name)
	format, ok := reportFormats[ext]
	if err != nil || !ok {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	p, err := h.svc.Programme.ProgrammeBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	rep, err := h.svc.Programme.Report(ctx, p.ID, year, reqFrom(ctx).Locale)
	if apperr.CodeOf(err) == apperr.InvalidInput {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	ex, err := rep.Render(format)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ex.ContentType)
	if format != programme.FormatHTML {
		w.Header().Set("Content-Disposition", `attachment; filename="`+ex.Filename+`"`)
	}
	_, _ = w.Write([]byte(ex.Content))
}

func reportPath(p *programme.Programme, year int, ext string) string {
	return PathProgramme + "/" + p.Slug + "/report/" + strconv.Itoa(year) + "." + ext
}

func programmeYearPath(p *programme.Programme, year int) string {
	return PathProgramme + "/" + p.Slug + "?year=" + strconv.Itoa(year)
}

// indicatorValue is a result's value as the table shows it.
func indicatorValue(res *programme.Result) string {
	if res.Value == nil {
		return "—"
	}
	return programme.FormatValue(*res.Value, res.Indicator.Unit)
}
