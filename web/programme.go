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
}

func (h *Handler) programmePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.svc.Programme.ProgrammeBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	year := min(max(time.Now().Year(), p.FirstYear), p.LastYear)
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		year = y
	}
	results, err := h.svc.Programme.Results(ctx, p.ID, year)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := programmeView{P: p, Year: year, Results: results}
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
	h.render(w, r, http.StatusOK, programmePage(v))
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
