package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
)

// The events calendar: the public calendar (upcoming first, filtered by
// month, language, category, organiser), an event's page with its .ics,
// the feed per language, the form for members of an organisation to submit
// an event, and the coordinator's review queue.

// Paths of the calendar.
const (
	PathEvents      = events.PathEvents
	PathEventsFeed  = "/events.ics"
	PathNewEvent    = PathEvents + "/new"
	PathEventReview = PathEvents + "/review"
)

func eventPath(id uuid.UUID) string    { return PathEvents + "/" + id.String() }
func eventICSPath(id uuid.UUID) string { return PathEvents + "/" + id.String() + ".ics" }

func (h *Handler) eventsRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathEvents, h.eventsCalendar)
	m.HandleFunc("GET "+PathEventsFeed, h.eventsFeed)
	m.HandleFunc("GET "+PathNewEvent, h.newEventForm)
	m.HandleFunc("POST "+PathNewEvent, h.submitEvent)
	m.HandleFunc("GET "+PathEventReview, h.eventReview)
	m.HandleFunc("POST "+PathEventReview, h.reviewEvent)
	m.HandleFunc("GET "+PathEvents+"/{event}", h.eventPage)
}

// eventItem is an event with its texts for a page.
type eventItem struct {
	E             *events.Event
	Title         *i18n.Text
	Description   *i18n.Text
	Accessibility *i18n.Text
}

// eventItems loads the texts of evs in one statement.
func (h *Handler) eventItems(ctx context.Context, evs []*events.Event) ([]eventItem, error) {
	var ids []uuid.UUID
	for _, e := range evs {
		ids = append(ids, e.TitleTextID)
		if e.DescriptionTextID != nil {
			ids = append(ids, *e.DescriptionTextID)
		}
		if e.AccessibilityTextID != nil {
			ids = append(ids, *e.AccessibilityTextID)
		}
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		return nil, err
	}
	out := make([]eventItem, len(evs))
	for i, e := range evs {
		out[i] = eventItem{E: e, Title: texts[e.TitleTextID]}
		if e.DescriptionTextID != nil {
			out[i].Description = texts[*e.DescriptionTextID]
		}
		if e.AccessibilityTextID != nil {
			out[i].Accessibility = texts[*e.AccessibilityTextID]
		}
	}
	return out, nil
}

// calendarView is the calendar page: its filter, one page of events, the
// organisers to filter by, and what the caller may do.
type calendarView struct {
	Month, Language, Category, Organiser string
	Items                                []eventItem
	Organisers                           []org.Organisation
	Total                                int
	Next                                 string // the next page's URL, "" for none
	MaySubmit, Reviewer                  bool
	Error                                string
}

// eventsCalendar lists the events the caller may see: from now on (those
// still running included), or those of one month; filtered by language,
// category and organiser. It works without JavaScript (a GET form).
func (h *Handler) eventsCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := calendarView{Month: q.Get("month"), Language: strings.TrimSpace(q.Get("language")), Category: q.Get("category"),
		Organiser: q.Get("organiser")}
	f := events.Filter{Language: v.Language}
	now := h.cfg.Now()
	f.From = &now
	if v.Month != "" {
		if m, err := time.ParseInLocation("2006-01", v.Month, i18n.Warsaw); err == nil {
			to := m.AddDate(0, 1, 0)
			f.From, f.To = &m, &to
		} else {
			v.Error = tr(ctx, "web.events.month_invalid")
		}
	}
	if contains(events.Categories, v.Category) {
		f.Category = v.Category
	} else {
		v.Category = ""
	}
	if id, err := uuid.Parse(v.Organiser); err == nil {
		f.OrganisationID = &id
	} else {
		v.Organiser = ""
	}
	if v.Language != "" {
		if _, ok := events.CanonicalLanguage(v.Language); !ok {
			v.Error, f.Language = tr(ctx, "events.language_invalid", "tag", v.Language), ""
		}
	}
	p, err := h.svc.Events.Events(ctx, f, page.DefaultSize, q.Get("after"))
	if apperr.CodeOf(err) == apperr.InvalidInput { // a stale cursor: the first page
		p, err = h.svc.Events.Events(ctx, f, page.DefaultSize, "")
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if v.Items, err = h.eventItems(ctx, p.Items); err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Total = p.Total
	if p.HasNext {
		nq := url.Values{}
		for k, val := range map[string]string{"month": v.Month, "language": v.Language, "category": v.Category, "organiser": v.Organiser} {
			if val != "" {
				nq.Set(k, val)
			}
		}
		nq.Set("after", p.Items[len(p.Items)-1].Cursor())
		v.Next = PathEvents + "?" + nq.Encode()
	}
	orgs, err := h.svc.Orgs.List(ctx, org.Filter{}, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Organisers = orgs.Items
	for _, o := range orgs.Items {
		if events.CanSubmit(ctx, o.ID) {
			v.MaySubmit = true
			break
		}
	}
	v.Reviewer = events.Reviewer(ctx)
	h.render(w, r, http.StatusOK, eventsCalendarPage(v))
}

// eventView is an event's page.
type eventView struct {
	eventItem
	Can  events.Actions
	Sent bool // just submitted (the notice says what happens next)
	// Saved and Cancelled: the caller just edited or cancelled it.
	Saved, Cancelled bool
	// CancelForm is the cancel form with its error, nil for a fresh one.
	CancelForm *form
}

func (h *Handler) eventPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	raw := r.PathValue("event")
	if id, ok := strings.CutSuffix(raw, ".ics"); ok {
		h.eventICS(w, r, id)
		return
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	e, err := h.svc.Events.Event(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	items, err := h.eventItems(ctx, []*events.Event{e})
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, eventPage(eventView{eventItem: items[0], Can: h.svc.Events.Actions(ctx, e),
		Sent: r.URL.Query().Get("sent") == "1", Saved: r.URL.Query().Get("saved") == "1", Cancelled: r.URL.Query().Get("cancelled") == "1"}))
}

// feedLocale is the ?lang= of a feed: one of the four, Polish when absent.
func feedLocale(r *http.Request) (i18n.Locale, bool) {
	s := r.URL.Query().Get("lang")
	if s == "" {
		return i18n.PL, true
	}
	return i18n.ParseLocale(s)
}

func (h *Handler) writeICS(w http.ResponseWriter, r *http.Request, l i18n.Locale, name string, items []events.FeedItem) {
	var buf bytes.Buffer
	if err := events.WriteICS(&buf, events.ICS{Locale: l, PublicURL: h.cfg.PublicURL}, items); err != nil {
		h.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(buf.Bytes())
}

// eventsFeed is the iCalendar feed of public events in ?lang= (pl, uk, en, ru).
func (h *Handler) eventsFeed(w http.ResponseWriter, r *http.Request) {
	l, ok := feedLocale(r)
	if !ok {
		h.fail(w, r, http.StatusBadRequest, "web.events.feed_lang")
		return
	}
	items, err := h.svc.Events.Feed(r.Context(), l)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.writeICS(w, r, l, "events-"+string(l)+".ics", items)
}

// eventICS is one event as .ics ("add to calendar"), in ?lang= or the page's language.
func (h *Handler) eventICS(w http.ResponseWriter, r *http.Request, raw string) {
	id, err := uuid.Parse(raw)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	l := reqFrom(r.Context()).Locale
	if r.URL.Query().Get("lang") != "" {
		var ok bool
		if l, ok = feedLocale(r); !ok {
			h.fail(w, r, http.StatusBadRequest, "web.events.feed_lang")
			return
		}
	}
	it, err := h.svc.Events.Item(r.Context(), id, l)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.writeICS(w, r, l, "event-"+id.String()+".ics", []events.FeedItem{it})
}

// eventFields are the submission form's fields.
var eventFields = []string{"organisationId", "locale", "title", "description", "accessibility", "category", "allDay", "startsAt",
	"endsAt", "place", "onlineUrl", "url", "languages"}

// eventFormView is the submission form with the organisations the caller
// may submit for.
type eventFormView struct {
	Form       *form
	Organisers []org.Organisation
}

// submitters are the organisations the caller may submit events for.
func (h *Handler) submitters(ctx context.Context) ([]org.Organisation, error) {
	var out []org.Organisation
	if reqFrom(ctx).Account == nil {
		return nil, nil
	}
	if events.Reviewer(ctx) {
		all, err := h.svc.Orgs.List(ctx, org.Filter{}, page.MaxSize, "")
		if err != nil {
			return nil, err
		}
		return all.Items, nil
	}
	mine, err := h.svc.Orgs.MembershipsOf(ctx, reqFrom(ctx).Account.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range mine {
		if events.CanSubmit(ctx, m.OrganisationID) {
			out = append(out, m.Organisation)
		}
	}
	return out, nil
}

func (h *Handler) newEventForm(w http.ResponseWriter, r *http.Request) {
	f := newForm(eventFields...)
	f.Values["languages"] = string(reqFrom(r.Context()).Locale)
	h.renderEventForm(w, r, f, http.StatusOK)
}

func (h *Handler) renderEventForm(w http.ResponseWriter, r *http.Request, f *form, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(PathNewEvent))
		return
	}
	orgs, err := h.submitters(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if len(orgs) == 0 {
		h.fail(w, r, http.StatusForbidden, "web.events.no_organisation")
		return
	}
	h.render(w, r, status, eventFormPage(eventFormView{Form: f, Organisers: orgs}))
}

// readEventForm reads the event form's fields (all but the organiser) as
// an input; a time it cannot read is an error on its field.
func readEventForm(ctx context.Context, f *form) events.Input {
	l := selectedLocale(ctx, f)
	text := func(name string) []i18n.Input {
		if s := strings.TrimSpace(f.Values[name]); s != "" {
			return []i18n.Input{{Locale: l, Text: s}}
		}
		return nil
	}
	in := events.Input{Title: text("title"), Description: text("description"), Accessibility: text("accessibility"),
		Category: f.Values["category"], AllDay: f.Values["allDay"] != "", Place: f.Values["place"], OnlineURL: f.Values["onlineUrl"],
		URL: f.Values["url"]}
	if in.Title == nil {
		in.Title = []i18n.Input{{Locale: l}}
	}
	for _, t := range strings.Split(f.Values["languages"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			in.Languages = append(in.Languages, t)
		}
	}
	layout := dateTimeLocal
	if in.AllDay {
		layout = time.DateOnly
	}
	for name, dst := range map[string]*time.Time{"startsAt": &in.StartsAt, "endsAt": &in.EndsAt} {
		s := strings.TrimSpace(f.Values[name])
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation(layout, s, i18n.Warsaw)
		if err != nil && in.AllDay { // a browser without date inputs may send a time too
			t, err = time.ParseInLocation(dateTimeLocal, s, i18n.Warsaw)
		}
		if err != nil {
			f.Errors[name] = tr(ctx, "web.events.time_invalid")
			continue
		}
		*dst = t
	}
	if in.AllDay && !in.EndsAt.IsZero() {
		// The form's end is the last day (its hint says so); the service's
		// is the moment after it (the next midnight, as iCalendar's DTEND).
		e := in.EndsAt.In(i18n.Warsaw)
		in.EndsAt = time.Date(e.Year(), e.Month(), e.Day()+1, 0, 0, 0, 0, i18n.Warsaw)
	}
	return in
}

// submitEvent sends the form; the service checks everything and says
// which fields are wrong, all at once.
func (h *Handler) submitEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := newForm(eventFields...).read(r)
	in := readEventForm(ctx, f)
	if id, err := uuid.Parse(f.Values["organisationId"]); err == nil {
		in.OrganisationID = id
	} else {
		f.Errors["organisationId"] = tr(ctx, "events.organisation_invalid")
	}
	if f.hasErrors() {
		// The service's own errors of the other fields show with these.
		if err := h.svc.Events.Check(in); err != nil {
			f.fail(ctx, err)
		}
		h.renderEventForm(w, r, f, http.StatusUnprocessableEntity)
		return
	}
	e, err := h.svc.Events.Submit(ctx, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(PathNewEvent))
		return
	}
	if err != nil {
		h.renderEventForm(w, r, f, f.fail(ctx, err))
		return
	}
	seeOther(w, r, eventPath(e.ID)+"?sent=1")
}

// reviewView is the coordinator's queue: the submitted events, each with
// approve and reject (with a reason) forms.
type reviewView struct {
	Items   []eventItem
	Total   int
	Form    *form
	FormFor uuid.UUID
	Done    string
}

func (h *Handler) eventReview(w http.ResponseWriter, r *http.Request) {
	h.renderReview(w, r, nil, uuid.Nil, http.StatusOK)
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, f *form, formFor uuid.UUID, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(PathEventReview))
		return
	}
	p, err := h.svc.Events.ReviewQueue(ctx, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := reviewView{Total: p.Total, Form: f, FormFor: formFor, Done: r.URL.Query().Get("done")}
	if v.Form == nil {
		v.Form = newForm("reason")
	}
	if v.Items, err = h.eventItems(ctx, p.Items); err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, status, eventReviewPage(v))
}

// reviewEvent approves or rejects one event of the queue.
func (h *Handler) reviewEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := newForm("reason").read(r)
	id, err := uuid.Parse(r.PostFormValue("event"))
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	decision := r.PostFormValue("decision")
	if decision == "approve" {
		_, err = h.svc.Events.Approve(ctx, id)
	} else {
		_, err = h.svc.Events.Reject(ctx, id, f.Values["reason"])
	}
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(PathEventReview))
		return
	}
	if err != nil {
		h.renderReview(w, r, f, id, f.fail(ctx, err))
		return
	}
	seeOther(w, r, PathEventReview+"?done="+decision)
}

// eventTitle is an event's title for the page's <title>.
func eventTitle(ctx context.Context, t *i18n.Text) string {
	return t.Resolve(reqFrom(ctx).Locale).Text
}
