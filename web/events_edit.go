package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
)

// The organiser's own changes to an event: edit it, cancel it.
func eventEditPath(id uuid.UUID) string   { return eventPath(id) + "/edit" }
func eventCancelPath(id uuid.UUID) string { return eventPath(id) + "/cancel" }

func (h *Handler) eventEditRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathEvents+"/{event}/edit", h.editEventForm)
	m.HandleFunc("POST "+PathEvents+"/{event}/edit", h.editEvent)
	m.HandleFunc("POST "+PathEvents+"/{event}/cancel", h.cancelEvent)
}

// eventEditView is the edit form of one event.
type eventEditView struct {
	eventItem
	Form *form
}

// editableEvent loads the event of the path for its edit or cancel form.
// The caller must be signed in (else it is sent to sign in and back) and
// may do what allowed says (else 403; an event it may not see is 404).
func (h *Handler) editableEvent(w http.ResponseWriter, r *http.Request, allowed func(events.Actions) bool) (eventItem, bool) {
	ctx := r.Context()
	id, err := uuid.Parse(r.PathValue("event"))
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return eventItem{}, false
	}
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(eventPath(id)))
		return eventItem{}, false
	}
	e, err := h.svc.Events.Event(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return eventItem{}, false
	}
	if !allowed(h.svc.Events.Actions(ctx, e)) {
		h.fail(w, r, http.StatusForbidden, "web.events.not_yours")
		return eventItem{}, false
	}
	items, err := h.eventItems(ctx, []*events.Event{e})
	if err != nil {
		h.failErr(w, r, err)
		return eventItem{}, false
	}
	return items[0], true
}

func canEdit(a events.Actions) bool   { return a.Edit }
func canCancel(a events.Actions) bool { return a.Cancel }

// eventFormValues are an event's current values as the form shows them:
// its texts' originals (in the title's language), the times in Warsaw.
func eventFormValues(it eventItem) *form {
	f := newForm(eventFields...)
	e := it.E
	original := func(t *i18n.Text) string {
		if t == nil {
			return ""
		}
		return t.Current[t.OriginalLocale].Body
	}
	f.Values["organisationId"] = e.OrganisationID.String()
	f.Values["locale"] = string(it.Title.OriginalLocale)
	f.Values["title"] = original(it.Title)
	f.Values["description"] = original(it.Description)
	f.Values["accessibility"] = original(it.Accessibility)
	f.Values["category"] = e.Category
	if e.AllDay {
		f.Values["allDay"] = "on"
	}
	f.Values["startsAt"] = e.StartsAt.In(i18n.Warsaw).Format(dateTimeLocal)
	f.Values["endsAt"] = e.EndsAt.In(i18n.Warsaw).Format(dateTimeLocal)
	if e.AllDay { // the form shows the last day (readEventForm's reading)
		f.Values["endsAt"] = e.LastDay().Format(dateTimeLocal)
	}
	f.Values["place"], f.Values["onlineUrl"], f.Values["url"] = e.Place, e.OnlineURL, e.URL
	f.Values["languages"] = strings.Join(e.Languages, ", ")
	return f
}

func (h *Handler) editEventForm(w http.ResponseWriter, r *http.Request) {
	it, ok := h.editableEvent(w, r, canEdit)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, eventEditPage(eventEditView{eventItem: it, Form: eventFormValues(it)}))
}

// editEvent saves the form as a change of the fields that differ from the
// event's current values. A text whose original is unchanged is left as it
// is, with its translations; a changed one is a new original (the service's
// rule: its translations were of the old one).
func (h *Handler) editEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, ok := h.editableEvent(w, r, canEdit)
	if !ok {
		return
	}
	was := eventFormValues(it)
	f := newForm(eventFields...).read(r)
	f.Values["organisationId"] = was.Values["organisationId"] // not editable
	in := readEventForm(ctx, f)
	var u events.UpdateInput
	same := func(name string) bool {
		norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
		return norm(f.Values[name]) == norm(was.Values[name])
	}
	text := func(name string, v []i18n.Input) []i18n.Input {
		if same(name) {
			return nil
		}
		if v == nil { // emptied: removed (the title's emptiness is the service's error)
			return []i18n.Input{{Locale: selectedLocale(ctx, f)}}
		}
		return v
	}
	u.Title, u.Description, u.Accessibility = text("title", in.Title), text("description", in.Description), text("accessibility", in.Accessibility)
	if u.Title == nil && !same("locale") {
		u.Title = in.Title // the same words, said to be in another language: a new original
	}
	str := func(name, v string) *string {
		if same(name) {
			return nil
		}
		return &v
	}
	u.Category, u.Place, u.OnlineURL, u.URL = str("category", in.Category), str("place", in.Place), str("onlineUrl", in.OnlineURL),
		str("url", in.URL)
	if !same("allDay") {
		u.AllDay = &in.AllDay
	}
	at := func(name string, v time.Time) *time.Time {
		if same(name) && in.AllDay == it.E.AllDay {
			return nil
		}
		return &v
	}
	u.StartsAt, u.EndsAt = at("startsAt", in.StartsAt), at("endsAt", in.EndsAt)
	if !same("languages") {
		u.Languages = in.Languages
		if u.Languages == nil {
			u.Languages = []string{}
		}
	}
	if f.hasErrors() {
		h.render(w, r, http.StatusUnprocessableEntity, eventEditPage(eventEditView{eventItem: it, Form: f}))
		return
	}
	if _, err := h.svc.Events.Update(ctx, it.E.ID, u); err != nil {
		status := f.fail(ctx, err)
		h.render(w, r, status, eventEditPage(eventEditView{eventItem: it, Form: f}))
		return
	}
	seeOther(w, r, eventPath(it.E.ID)+"?saved=1")
}

// cancelEvent cancels the event with an optional reason (shown on its page
// and in the calendar feeds).
func (h *Handler) cancelEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, ok := h.editableEvent(w, r, canCancel)
	if !ok {
		return
	}
	f := newForm("reason").read(r)
	if _, err := h.svc.Events.Cancel(ctx, it.E.ID, f.Values["reason"]); err != nil {
		h.render(w, r, f.fail(ctx, err), eventPage(eventView{eventItem: it, Can: h.svc.Events.Actions(ctx, it.E), CancelForm: f}))
		return
	}
	seeOther(w, r, eventPath(it.E.ID)+"?cancelled=1")
}
