package web

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Dialogue bodies: the public bodies, their meetings, motions with results
// and approved minutes. What the caller sees is what the service shows
// them (public bodies to everyone, a closed body to its members and staff).

// PathBodies lists the dialogue bodies.
const PathBodies = "/bodies"

func bodyPath(id uuid.UUID) string        { return PathBodies + "/" + id.String() }
func bodyMeetingPath(id uuid.UUID) string { return PathBodies + "/meetings/" + id.String() }

func (h *Handler) dialogueRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathBodies, h.bodies)
	m.HandleFunc("GET "+PathBodies+"/{id}", h.bodyPage)
	m.HandleFunc("GET "+PathBodies+"/meetings/{id}", h.bodyMeetingPage)
	m.HandleFunc("GET "+PathBodies+"/meetings/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := h.pathID(w, r, "id"); ok {
			h.liveEvents(w, r, func(ctx context.Context) (<-chan struct{}, error) { return h.svc.Live.BodyMeeting(ctx, id) })
		}
	})
	h.meetingRunRoutes(m)
	h.minutesRoutes(m)
}

type bodyCard struct {
	B    *dialogue.Body
	Name *i18n.Text
}

func (h *Handler) bodies(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res, err := h.svc.Dialogue.Bodies(ctx, dialogue.Filter{}, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	ids := make([]uuid.UUID, 0, len(res.Items))
	for _, b := range res.Items {
		ids = append(ids, b.NameTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	var cards []bodyCard
	for _, b := range res.Items {
		cards = append(cards, bodyCard{B: b, Name: texts[b.NameTextID]})
	}
	h.render(w, r, http.StatusOK, bodiesPage(cards))
}

// bodyView is a body's page: its mandate, meetings and motions.
type bodyView struct {
	B        *dialogue.Body
	Name     *i18n.Text
	Mandate  *i18n.Text
	Meetings []meetingCard
	Motions  []motionView
}

type meetingCard struct {
	M     *dialogue.Meeting
	Title *i18n.Text
	When  string
}

type motionView struct {
	M      *dialogue.Motion
	Title  *i18n.Text
	Text   *i18n.Text
	Detail *dialogue.MotionDetail
}

func (h *Handler) bodyPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	s := h.svc.Dialogue
	b, err := s.Body(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	meetings, err := s.Meetings(ctx, id, pageSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	motions, err := h.svc.Motions.List(ctx, id, nil, dialogue.MotionFilter{}, pageSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	mvs, textIDs, err := h.motionViews(r, motions.Items)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	textIDs = append(textIDs, b.NameTextID)
	if b.MandateTextID != nil {
		textIDs = append(textIDs, *b.MandateTextID)
	}
	for _, m := range meetings.Items {
		textIDs = append(textIDs, m.TitleTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := bodyView{B: b, Name: texts[b.NameTextID], Motions: withTexts(mvs, texts)}
	if b.MandateTextID != nil {
		v.Mandate = texts[*b.MandateTextID]
	}
	for _, m := range meetings.Items {
		v.Meetings = append(v.Meetings, meetingCard{M: m, Title: texts[m.TitleTextID], When: dayTime(ctx, m.StartsAt)})
	}
	h.render(w, r, http.StatusOK, bodyPage(v))
}

// motionViews reads the motions' votes and results in one batch and
// returns the ids of their texts, for one read of every text on the page.
func (h *Handler) motionViews(r *http.Request, ms []*dialogue.Motion) ([]motionView, []uuid.UUID, error) {
	ids := make([]uuid.UUID, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	details, err := h.svc.Motions.Details(r.Context(), ids)
	if err != nil {
		return nil, nil, err
	}
	var out []motionView
	var textIDs []uuid.UUID
	for _, m := range ms {
		out = append(out, motionView{M: m, Detail: details[m.ID]})
		textIDs = append(textIDs, m.TitleTextID, m.TextID)
	}
	return out, textIDs, nil
}

func withTexts(mvs []motionView, texts map[uuid.UUID]*i18n.Text) []motionView {
	for i := range mvs {
		mvs[i].Title, mvs[i].Text = texts[mvs[i].M.TitleTextID], texts[mvs[i].M.TextID]
	}
	return mvs
}

// bodyMeetingView is a meeting of a body: when and where, its agenda, the
// motions voted there and its minutes once the caller may read them.
type bodyMeetingView struct {
	M       *dialogue.Meeting
	Body    *i18n.Text
	Title   *i18n.Text
	Agenda  *dialogue.Agenda
	Items   []agendaItemView
	Motions []motionView
	Minutes *dialogue.MeetingMinutes
	Text    *i18n.Text // the approved minutes' published text

	// Running the meeting: what the caller may do, the quorum now, the
	// check-in code (for those who manage it), motions that may be put to
	// the vote here.
	Actions dialogue.MeetingActions
	Quorum  *dialogue.Quorum
	Code    string
	Tabled  []motionView
	Form    *form
	// DraftForm is a failed request for the minutes' first draft.
	DraftForm *form
}

type agendaItemView struct {
	I        *dialogue.AgendaItem
	Title    *i18n.Text
	Speakers []*dialogue.Speaker
}

func (h *Handler) bodyMeetingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderBodyMeeting(w, r, id, nil, http.StatusOK)
}

func (h *Handler) renderBodyMeeting(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, status int) {
	h.renderMeetingWith(w, r, id, status, func(v *bodyMeetingView) { v.Form = f })
}

// renderMeetingWith renders the meeting's page after set puts a failed
// form on it.
func (h *Handler) renderMeetingWith(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, set func(*bodyMeetingView)) {
	v, err := h.bodyMeetingView(r, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	set(&v)
	h.render(w, r, status, bodyMeetingPage(v))
}

// bodyMeetingView reads a meeting's page in a fixed number of statements:
// the agenda, every item's speakers at once, the motions' details in one
// batch, one read of texts.
func (h *Handler) bodyMeetingView(r *http.Request, id uuid.UUID) (bodyMeetingView, error) {
	ctx := r.Context()
	s := h.svc.Dialogue
	m, err := s.Meeting(ctx, id)
	if err != nil {
		return bodyMeetingView{}, err
	}
	v := bodyMeetingView{M: m}
	if v.Agenda, err = s.Agenda(ctx, id); err != nil {
		return v, err
	}
	speakers, err := s.MeetingSpeakers(ctx, m)
	if err != nil {
		return v, err
	}
	if v.Actions, err = s.MeetingActions(ctx, m); err != nil {
		return v, err
	}
	if v.Quorum, err = s.Quorum(ctx, h.svc.Pool, id); err != nil {
		return v, err
	}
	motions, err := h.svc.Motions.OfMeeting(ctx, id)
	if err != nil {
		return v, err
	}
	if v.Actions.Manage {
		if code, err := s.CheckinCode(ctx, m); err == nil && code != nil {
			v.Code = code.Code
		}
		tabled := dialogue.MotionTabled
		t, err := h.svc.Motions.List(ctx, m.BodyID, nil, dialogue.MotionFilter{Status: &tabled}, pageSize, "")
		if err != nil {
			return v, err
		}
		motions = append(motions, t.Items...)
	}
	mvs, textIDs, err := h.motionViews(r, motions)
	if err != nil {
		return v, err
	}
	if v.Minutes, err = h.svc.Minutes.OfMeeting(ctx, m); err != nil {
		return v, err
	}
	textIDs = append(textIDs, m.TitleTextID, m.Body().NameTextID)
	for _, it := range v.Agenda.Items {
		textIDs = append(textIDs, it.TitleTextID)
	}
	if v.Minutes != nil && v.Minutes.TextID != nil {
		textIDs = append(textIDs, *v.Minutes.TextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return v, err
	}
	v.Title, v.Body = texts[m.TitleTextID], texts[m.Body().NameTextID]
	for _, mv := range withTexts(mvs, texts) {
		if mv.M.Status == dialogue.MotionTabled && (mv.M.MeetingID == nil || *mv.M.MeetingID != id) {
			v.Tabled = append(v.Tabled, mv)
		} else {
			v.Motions = append(v.Motions, mv)
		}
	}
	for _, it := range v.Agenda.Items {
		v.Items = append(v.Items, agendaItemView{I: it, Title: texts[it.TitleTextID], Speakers: speakers[it.ID]})
	}
	if v.Minutes != nil && v.Minutes.TextID != nil {
		v.Text = texts[*v.Minutes.TextID]
	}
	return v, nil
}
