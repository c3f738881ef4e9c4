package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Paths of the consultations' pages.
const (
	PathConsultations = "/consultations"
	pageSize          = 50 // items of a list page
	repliesShown      = 20 // replies shown under an item; the API pages the rest
)

func consultationPath(id uuid.UUID) string { return PathConsultations + "/" + id.String() }

func (h *Handler) consultationRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathConsultations, h.consultations)
	m.HandleFunc("GET "+PathConsultations+"/{id}", h.consultationPage)
	m.HandleFunc("GET "+PathConsultations+"/{id}/report", h.consultationReport)
	m.HandleFunc("GET "+PathConsultations+"/{id}/moderation", h.moderationPage)
	m.HandleFunc("POST "+PathConsultations+"/{id}/submissions", h.submit)
	m.HandleFunc("POST "+PathConsultations+"/{id}/survey", h.answerSurvey)
	m.HandleFunc("GET "+PathConsultations+"/{id}/survey", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := h.pathID(w, r, "id"); ok {
			seeOther(w, r, consultationPath(id)+"#survey")
		}
	})
	m.HandleFunc("GET "+PathConsultations+"/{id}/events", h.consultationEvents(false))
	m.HandleFunc("GET "+PathConsultations+"/{id}/moderation/events", h.consultationEvents(true))
	// A failed form is rendered at its POST address; the language switch
	// (a GET of the same address) returns to the consultation.
	m.HandleFunc("GET "+PathConsultations+"/{id}/submissions", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := h.pathID(w, r, "id"); ok {
			seeOther(w, r, consultationPath(id))
		}
	})
	m.HandleFunc("POST "+PathConsultations+"/{id}/follow", h.consultationAct(func(ctx context.Context, s *consultation.Service, id uuid.UUID, _ *http.Request) error {
		return s.Follow(ctx, id)
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/unfollow", h.consultationAct(func(ctx context.Context, s *consultation.Service, id uuid.UUID, _ *http.Request) error {
		return s.Unfollow(ctx, id)
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/support/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, _ *http.Request) error {
		_, err := s.Support(ctx, sub)
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/unsupport/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, _ *http.Request) error {
		_, err := s.Unsupport(ctx, sub)
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/flag/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, r *http.Request) error {
		return s.Flag(ctx, sub, r.PostFormValue("reason"), r.PostFormValue("note"))
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/withdraw/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, _ *http.Request) error {
		_, err := s.Withdraw(ctx, sub)
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/hide/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, r *http.Request) error {
		_, err := s.Hide(ctx, sub, r.PostFormValue("reason"), r.PostFormValue("note"))
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/restore/{sub}", h.submissionAct(func(ctx context.Context, s *consultation.Service, sub uuid.UUID, r *http.Request) error {
		_, err := s.Restore(ctx, sub, r.PostFormValue("note"))
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/register/{meeting}", h.meetingAct(func(ctx context.Context, s *consultation.Service, m uuid.UUID) error {
		_, err := s.RegisterForMeeting(ctx, m)
		return err
	}))
	m.HandleFunc("POST "+PathConsultations+"/{id}/unregister/{meeting}", h.meetingAct(func(ctx context.Context, s *consultation.Service, m uuid.UUID) error {
		_, err := s.UnregisterFromMeeting(ctx, m)
		return err
	}))
}

// consultationEvents tells a consultation's page (or its moderation queue)
// that it has changed.
func (h *Handler) consultationEvents(moderation bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		h.liveEvents(w, r, func(ctx context.Context) (<-chan struct{}, error) {
			return h.svc.Live.Consultation(ctx, id, moderation)
		})
	}
}

// pathID is the UUID in the path's {name}; ok is false (and a 404 is
// written) when it is not one.
func (h *Handler) pathID(w http.ResponseWriter, r *http.Request, name string) (uuid.UUID, bool) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return uuid.Nil, false
	}
	return id, true
}

// consultationListView is the list page: the filter and one page of
// consultations.
type consultationListView struct {
	Status, District, Tag string
	MayCreate             bool // somewhere: the form offers those units
	Items                 []consultationCard
	Total                 int
	Next                  string // the next page's address, "" on the last
}

type consultationCard struct {
	ID        uuid.UUID
	Title     *i18n.Text
	Summary   *i18n.Text
	Status    consultation.Status
	Districts []string
	Tags      []string
	OpensAt   string
	ClosesAt  string
}

// listStatuses are the phases one can filter by; drafts only for those who
// draft (the service shows each only the drafts they may see).
func listStatuses(drafts bool) []consultation.Status {
	out := []consultation.Status{consultation.StatusOpen, consultation.StatusAnnounced, consultation.StatusClosed, consultation.StatusReported}
	if drafts {
		out = append(out, consultation.StatusDraft)
	}
	return out
}

// consultations lists the consultations the caller may see, filtered by
// phase, district and topic (a GET form: the filter is in the address).
func (h *Handler) consultations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := consultationListView{Status: q.Get("status"), District: q.Get("district"), Tag: strings.TrimSpace(q.Get("topic"))}
	var f consultation.Filter
	if v.Status != "" {
		st := consultation.Status(v.Status)
		f.Status = &st
	}
	if v.District != "" {
		f.District = &v.District
	}
	if v.Tag != "" {
		f.Tag = &v.Tag
	}
	res, err := h.svc.Consultations.List(ctx, f, pageSize, q.Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	var ids []uuid.UUID
	for _, c := range res.Items {
		ids = append(ids, c.TitleTextID)
		if c.SummaryTextID != nil {
			ids = append(ids, *c.SummaryTextID)
		}
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	for _, c := range res.Items {
		card := consultationCard{ID: c.ID, Title: texts[c.TitleTextID], Status: c.Status, Districts: c.Districts, Tags: c.Tags,
			OpensAt: day(ctx, c.OpensAt), ClosesAt: day(ctx, c.ClosesAt)}
		if c.SummaryTextID != nil {
			card.Summary = texts[*c.SummaryTextID]
		}
		v.Items = append(v.Items, card)
	}
	v.Total = res.Total
	if reqFrom(ctx).Account != nil {
		if v.MayCreate, err = h.mayCreateSomewhere(ctx); err != nil {
			h.failErr(w, r, err)
			return
		}
	}
	if res.HasNext && len(res.Items) > 0 {
		q.Set("after", res.Items[len(res.Items)-1].Cursor())
		v.Next = PathConsultations + "?" + q.Encode()
	}
	h.render(w, r, http.StatusOK, consultationsPage(v))
}

// consultationView is a consultation's page.
type consultationView struct {
	C                    *consultation.Consultation
	Title, Summary, Body *i18n.Text
	Actions              consultation.ConsultationActions
	Following            bool
	Sections             []sectionView
	Questions            []questionView
	// Survey is the survey form (when Actions.AnswerSurvey and there are
	// questions), filled with the caller's own answers.
	Survey          *form
	Postulates      []submissionView
	PostulatesTotal int
	Next            string
	Meetings        []meetingView
	Overdue         bool
	// Thread is the top-level submission of a thread's page (uuid.Nil on
	// the consultation's page), ThreadPath that page's address.
	Thread     uuid.UUID
	ThreadPath string
	// Form is a form that failed, re-rendered with its errors; FormFor
	// names it: "postulate", "comment:<section>", "reply:<submission>",
	// "edit:<submission>", "flag:<submission>" or "page" for an action's
	// error.
	Form    *form
	FormFor string
}

type sectionView struct {
	ID            uuid.UUID
	Heading, Body *i18n.Text
	Comments      []submissionView
}

type submissionView struct {
	S         *consultation.Submission
	Text      *i18n.Text
	Actions   consultation.SubmissionActions
	Supported bool
	Answer    *consultation.Answer
	Reason    *i18n.Text // the published answer's reasons
	Replies   []submissionView
}

type meetingView struct {
	M           *consultation.Meeting
	Title, Desc *i18n.Text
	Starts      string
	Ends        string
	Full        bool
}

// consultationPage renders a consultation for the caller.
func (h *Handler) consultationPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	v, err := h.consultationView(r, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, consultationPage(v))
}

// consultationView reads everything a consultation's page shows: a fixed
// number of statements whatever the number of sections, submissions,
// replies and meetings (the services' batch reads, one read of the texts).
func (h *Handler) consultationView(r *http.Request, id uuid.UUID) (consultationView, error) {
	ctx := r.Context()
	s := h.svc.Consultations
	c, err := s.Get(ctx, id)
	if err != nil {
		return consultationView{}, err
	}
	v := consultationView{C: c, Actions: s.ConsultationActions(ctx, c), Overdue: consultation.ReportOverdue(c, h.cfg.Now())}
	rq := reqFrom(ctx)
	if rq.Account != nil {
		if v.Following, err = s.IsFollowing(ctx, id); err != nil {
			return v, err
		}
	}
	sections, err := s.Sections(ctx, id)
	if err != nil {
		return v, err
	}
	questions, err := s.Questions(ctx, id)
	if err != nil {
		return v, err
	}
	mine := map[uuid.UUID]*consultation.SurveyAnswer{}
	if v.Actions.AnswerSurvey && len(questions) > 0 {
		if mine, err = s.MySurveyAnswers(ctx, id); err != nil {
			return v, err
		}
	}
	postulate, comment := consultation.KindPostulate, consultation.KindComment
	posts, err := s.Submissions(ctx, id, consultation.SubmissionFilter{Kind: &postulate}, pageSize, r.URL.Query().Get("after"))
	if err != nil {
		return v, err
	}
	// Section comments are shown in full under their sections, up to a page.
	comments, err := s.Submissions(ctx, id, consultation.SubmissionFilter{Kind: &comment}, page.MaxSize, "")
	if err != nil {
		return v, err
	}
	top := append(append([]*consultation.Submission{}, posts.Items...), comments.Items...)
	topIDs := make([]uuid.UUID, len(top))
	for i, sub := range top {
		topIDs[i] = sub.ID
	}
	replies, err := s.RepliesOf(ctx, id, topIDs, repliesShown)
	if err != nil {
		return v, err
	}
	all := append([]*consultation.Submission{}, top...)
	for _, sub := range top {
		all = append(all, replies[sub.ID]...)
	}
	allIDs := make([]uuid.UUID, len(all))
	for i, sub := range all {
		allIDs[i] = sub.ID
	}
	supported := map[uuid.UUID]bool{}
	if rq.Account != nil {
		if supported, err = s.SupportedBy(ctx, rq.Account.ID, allIDs); err != nil {
			return v, err
		}
	}
	answers, err := s.AnswersOf(ctx, topIDs)
	if err != nil {
		return v, err
	}
	meetings, err := s.Meetings(ctx, id)
	if err != nil {
		return v, err
	}

	textIDs := []uuid.UUID{c.TitleTextID}
	if c.SummaryTextID != nil {
		textIDs = append(textIDs, *c.SummaryTextID)
	}
	if c.BodyTextID != nil {
		textIDs = append(textIDs, *c.BodyTextID)
	}
	for _, sec := range sections {
		textIDs = append(textIDs, sec.HeadingTextID, sec.BodyTextID)
	}
	for _, q := range questions {
		textIDs = append(textIDs, q.TextID)
	}
	for _, a := range mine {
		textIDs = append(textIDs, a.TextID)
	}
	for _, sub := range all {
		textIDs = append(textIDs, sub.TextID)
	}
	for _, a := range answers {
		if a.Published() {
			textIDs = append(textIDs, a.ReasonTextID)
		}
	}
	for _, m := range meetings {
		textIDs = append(textIDs, m.TitleTextID)
		if m.DescriptionTextID != nil {
			textIDs = append(textIDs, *m.DescriptionTextID)
		}
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return v, err
	}

	v.Title = texts[c.TitleTextID]
	if c.SummaryTextID != nil {
		v.Summary = texts[*c.SummaryTextID]
	}
	if c.BodyTextID != nil {
		v.Body = texts[*c.BodyTextID]
	}
	v.Survey = answersForm(questions)
	saved := savedAnswers(mine, texts)
	for _, q := range questions {
		v.Questions = append(v.Questions, questionView{ID: q.ID, Text: texts[q.TextID]})
		if a, ok := saved[q.ID]; ok {
			v.Survey.Values[surveyField(q.ID)] = a.Text
			if v.Survey.Values["locale"] == "" {
				v.Survey.Values["locale"] = string(a.Locale)
			}
		}
	}
	switch r.URL.Query().Get("survey") {
	case "saved":
		v.Survey.Notice = tr(ctx, "web.survey.saved")
	case "none":
		v.Survey.Notice = tr(ctx, "web.survey.none")
	}
	item := func(sub *consultation.Submission) submissionView {
		sv := submissionView{S: sub, Text: texts[sub.TextID], Actions: s.Actions(ctx, c, sub), Supported: supported[sub.ID]}
		if a := answers[sub.ID]; a != nil && a.Published() {
			sv.Answer, sv.Reason = a, texts[a.ReasonTextID]
		}
		for _, rep := range replies[sub.ID] {
			sv.Replies = append(sv.Replies, submissionView{S: rep, Text: texts[rep.TextID], Actions: s.Actions(ctx, c, rep), Supported: supported[rep.ID]})
		}
		return sv
	}
	bySection := map[uuid.UUID][]submissionView{}
	for _, sub := range comments.Items {
		if sub.SectionID != nil {
			bySection[*sub.SectionID] = append(bySection[*sub.SectionID], item(sub))
		}
	}
	for _, sec := range sections {
		v.Sections = append(v.Sections, sectionView{ID: sec.ID, Heading: texts[sec.HeadingTextID], Body: texts[sec.BodyTextID], Comments: bySection[sec.ID]})
	}
	for _, sub := range posts.Items {
		v.Postulates = append(v.Postulates, item(sub))
	}
	v.PostulatesTotal = posts.Total
	if posts.HasNext && len(posts.Items) > 0 {
		v.Next = consultationPath(id) + "?after=" + url.QueryEscape(consultation.SubmissionCursor(posts.Items[len(posts.Items)-1])) + "#postulates"
	}
	for _, m := range meetings {
		mv := meetingView{M: m, Title: texts[m.TitleTextID], Starts: dayTime(ctx, m.StartsAt), Ends: dayTime(ctx, m.EndsAt),
			Full: m.Capacity != nil && m.Registered >= *m.Capacity}
		if m.DescriptionTextID != nil {
			mv.Desc = texts[*m.DescriptionTextID]
		}
		v.Meetings = append(v.Meetings, mv)
	}
	return v, nil
}

type questionView struct {
	ID   uuid.UUID
	Text *i18n.Text
}

// surveyField is the form field of the answer to question q.
func surveyField(q uuid.UUID) string { return "q-" + q.String() }

// answersForm is the consultation survey's form: an answer per question, in the
// questions' order, and the answers' language.
func answersForm(qs []consultation.Question) *form {
	fields := make([]string, 0, len(qs)+1)
	for _, q := range qs {
		fields = append(fields, surveyField(q.ID))
	}
	f := newForm(append(fields, "locale")...)
	f.Prefix = "survey-"
	return f
}

// savedAnswers are the caller's answers by question, each in its original
// (the caller's own words, never a translation).
func savedAnswers(mine map[uuid.UUID]*consultation.SurveyAnswer, texts map[uuid.UUID]*i18n.Text) map[uuid.UUID]i18n.Resolved {
	out := make(map[uuid.UUID]i18n.Resolved, len(mine))
	for q, a := range mine {
		if t := texts[a.TextID]; t != nil {
			out[q] = t.Resolve(t.OriginalLocale)
		}
	}
	return out
}

// answerSurvey stores the caller's answers to the survey's questions: those
// changed since the page showed them (an emptied one removes the earlier
// answer), in the language chosen, so that an answer left as it was keeps
// its text, its language and the translations made of it. A refused answer
// is shown at its question, with everything typed kept; a refusal of the
// whole form that is no longer offered (closed meanwhile) at the page's top.
func (h *Handler) answerSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	s := h.svc.Consultations
	qs, err := s.Questions(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	f := answersForm(qs).read(r)
	locale := selectedLocale(ctx, f)
	saved := map[uuid.UUID]i18n.Resolved{}
	if reqFrom(ctx).Account != nil {
		mine, err := s.MySurveyAnswers(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		ids := make([]uuid.UUID, 0, len(mine))
		for _, a := range mine {
			ids = append(ids, a.TextID)
		}
		texts, err := i18n.Load(ctx, h.svc.Pool, ids)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		saved = savedAnswers(mine, texts)
	}
	var in []consultation.SurveyAnswerInput
	var fields []string // the form field of each answer sent
	answered := false
	for _, q := range qs {
		text := strings.TrimSpace(f.Values[surveyField(q.ID)])
		answered = answered || text != ""
		// The language chosen is that of the answers changed: one left as
		// it was keeps the language it was written in.
		if sameText(text, saved[q.ID].Text) {
			continue
		}
		in = append(in, consultation.SurveyAnswerInput{QuestionID: q.ID, Locale: locale, Text: text})
		fields = append(fields, surveyField(q.ID))
	}
	// Sent even when nothing changed: the service still says whether the
	// caller may answer now.
	err = s.AnswerSurvey(ctx, id, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(consultationPath(id)+"#survey"))
		return
	}
	if err != nil {
		status := f.fail(ctx, listFields(err, "answers", fields))
		v, verr := h.consultationView(r, id)
		if verr != nil {
			h.failErr(w, r, verr)
			return
		}
		v.Survey = f
		if !v.Actions.AnswerSurvey || len(v.Questions) == 0 {
			v.Form, v.FormFor = f, "page"
		}
		h.render(w, r, status, consultationPage(v))
		return
	}
	notice := "saved"
	if !answered {
		notice = "none"
	}
	seeOther(w, r, consultationPath(id)+"?survey="+notice+"#survey")
}

// sameText compares a posted text with a stored one: a browser sends a
// textarea's line breaks as CRLF whatever was stored.
func sameText(posted, stored string) bool {
	return strings.ReplaceAll(posted, "\r\n", "\n") == strings.ReplaceAll(stored, "\r\n", "\n")
}

// submitFields are the fields of the forms that write a submission.
var submitFields = []string{"text", "locale"}

// submit writes a postulate, a section comment or a reply, then returns to
// the consultation at the new item; a refused one re-renders the page with
// the form and its errors.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm(submitFields...).read(r)
	in := consultation.SubmitInput{ConsultationID: id, Kind: r.PostFormValue("kind"), Text: strings.TrimSpace(f.Values["text"]),
		Locale: selectedLocale(ctx, f)}
	formFor := "postulate"
	if p, err := uuid.Parse(r.PostFormValue("parent")); err == nil {
		in.ParentID, formFor = &p, "reply:"+p.String()
	} else if sec, err := uuid.Parse(r.PostFormValue("section")); err == nil {
		in.SectionID, formFor = &sec, "comment:"+sec.String()
	}
	// A reply written on a thread's page returns there.
	thread := uuid.Nil
	if in.ParentID != nil && threadOf(id, r.PostFormValue("back")) == *in.ParentID {
		thread = *in.ParentID
	}
	failed := func(status int) {
		if thread != uuid.Nil {
			h.threadFailed(w, r, id, thread, f, formFor, status)
			return
		}
		h.consultationFailed(w, r, id, f, formFor, status)
	}
	if in.Text == "" {
		f.Errors["text"] = tr(ctx, "web.consultation.text_required")
		failed(http.StatusUnprocessableEntity)
		return
	}
	sub, err := h.svc.Consultations.Submit(ctx, in)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(consultationPath(id)))
		return
	}
	if err != nil {
		failed(f.fail(ctx, err))
		return
	}
	if thread != uuid.Nil {
		seeOther(w, r, nextPath(strings.SplitN(r.PostFormValue("back"), "#", 2)[0])+"#s-"+sub.ID.String())
		return
	}
	seeOther(w, r, consultationPath(id)+"#s-"+sub.ID.String())
}

// consultationFailed re-renders the consultation's page with a failed form.
// An error reading the page itself wins (the consultation may be gone).
func (h *Handler) consultationFailed(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, status int) {
	v, err := h.consultationView(r, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, consultationPage(v))
}

// consultationAct runs an action on the consultation in the path and
// returns to its page.
func (h *Handler) consultationAct(do func(context.Context, *consultation.Service, uuid.UUID, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		h.afterAct(w, r, id, "page", do(r.Context(), h.svc.Consultations, id, r))
	}
}

// submissionAct runs an action on the submission {sub} of the consultation
// {id}: the service checks that it may be done (and that the submission is
// one the caller sees); the page only decides where to return.
func (h *Handler) submissionAct(do func(context.Context, *consultation.Service, uuid.UUID, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		sub, ok := h.pathID(w, r, "sub")
		if !ok {
			return
		}
		h.afterAct(w, r, id, "flag:"+sub.String(), do(r.Context(), h.svc.Consultations, sub, r))
	}
}

func (h *Handler) meetingAct(do func(context.Context, *consultation.Service, uuid.UUID) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		m, ok := h.pathID(w, r, "meeting")
		if !ok {
			return
		}
		h.afterAct(w, r, id, "page", do(r.Context(), h.svc.Consultations, m))
	}
}

// afterAct returns to the page the form came from (its "back" field, a path
// on this site) or to the consultation; a refused action re-renders the
// consultation with the service's reason.
func (h *Handler) afterAct(w http.ResponseWriter, r *http.Request, id uuid.UUID, formFor string, err error) {
	if err != nil {
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(consultationPath(id)))
			return
		}
		f := newForm("reason", "note").read(r)
		status := f.fail(r.Context(), err)
		back := r.PostFormValue("back")
		if strings.HasPrefix(back, consultationPath(id)+"/moderation") {
			h.moderationFailed(w, r, id, f, status)
			return
		}
		if thread := threadOf(id, back); thread != uuid.Nil {
			h.threadFailed(w, r, id, thread, f, formFor, status)
			return
		}
		h.consultationFailed(w, r, id, f, formFor, status)
		return
	}
	back := r.PostFormValue("back")
	if back == "" {
		back = consultationPath(id)
	}
	seeOther(w, r, nextPath(back))
}

func signInPath(next string) string { return PathSignIn + "?next=" + url.QueryEscape(next) }

// reportView is a consultation's closing report (or the staff's preview).
type reportView struct {
	C      *consultation.Consultation
	Title  *i18n.Text
	Report *consultation.Report
}

// consultationReport shows the closing report in the page's language: the
// service shows it to everyone once published and, before, a preview to
// those who manage the consultation.
func (h *Handler) consultationReport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	c, err := h.svc.Consultations.Get(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	rep, err := h.svc.Consultations.Report(ctx, id, reqFrom(ctx).Locale)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, []uuid.UUID{c.TitleTextID})
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, reportPage(reportView{C: c, Title: texts[c.TitleTextID], Report: rep}))
}

// moderationView is a consultation's moderation queue and public log.
type moderationView struct {
	C        *consultation.Consultation
	Title    *i18n.Text
	Queue    []submissionView
	Total    int
	Log      []*consultation.ModerationEntry
	LogTotal int
	Form     *form
}

// moderationPage shows the flag queue (to those who may moderate: the
// service refuses everyone else) and the moderation log.
func (h *Handler) moderationPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	v, err := h.moderationView(r, id)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(consultationPath(id)+"/moderation"))
		return
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, moderationPage(v))
}

func (h *Handler) moderationFailed(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, status int) {
	v, err := h.moderationView(r, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form = f
	h.render(w, r, status, moderationPage(v))
}

func (h *Handler) moderationView(r *http.Request, id uuid.UUID) (moderationView, error) {
	ctx := r.Context()
	s := h.svc.Consultations
	c, err := s.Get(ctx, id)
	if err != nil {
		return moderationView{}, err
	}
	q, err := s.FlagQueue(ctx, id, page.MaxSize, "")
	if err != nil {
		return moderationView{}, err
	}
	log, err := s.ModerationLog(ctx, id, pageSize, "")
	if err != nil {
		return moderationView{}, err
	}
	ids := []uuid.UUID{c.TitleTextID}
	for _, sub := range q.Items {
		ids = append(ids, sub.TextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		return moderationView{}, err
	}
	v := moderationView{C: c, Title: texts[c.TitleTextID], Total: q.Total, Log: log.Items, LogTotal: log.Total}
	for _, sub := range q.Items {
		v.Queue = append(v.Queue, submissionView{S: sub, Text: texts[sub.TextID], Actions: s.Actions(ctx, c, sub)})
	}
	return v, nil
}

// districtNames are the official names of Kraków's districts, proper names
// shown as the city writes them in every language (with lang="pl").
var districtNames = map[string]string{
	"stare-miasto": "I Stare Miasto", "grzegorzki": "II Grzegórzki", "pradnik-czerwony": "III Prądnik Czerwony",
	"pradnik-bialy": "IV Prądnik Biały", "krowodrza": "V Krowodrza", "bronowice": "VI Bronowice",
	"zwierzyniec": "VII Zwierzyniec", "debniki": "VIII Dębniki", "lagiewniki-borek-falecki": "IX Łagiewniki-Borek Fałęcki",
	"swoszowice": "X Swoszowice", "podgorze-duchackie": "XI Podgórze Duchackie", "biezanow-prokocim": "XII Bieżanów-Prokocim",
	"podgorze": "XIII Podgórze", "czyzyny": "XIV Czyżyny", "mistrzejowice": "XV Mistrzejowice", "bienczyce": "XVI Bieńczyce",
	"wzgorza-krzeslawickie": "XVII Wzgórza Krzesławickie", "nowa-huta": "XVIII Nowa Huta",
}

func districtName(slug string) string {
	if n, ok := districtNames[slug]; ok {
		return n
	}
	return slug
}

func hasPrefix(s, p string) bool { return strings.HasPrefix(s, p) }

func hasForm(c *consultation.Consultation, fm string) bool {
	for _, f := range c.Forms {
		if f == fm {
			return true
		}
	}
	return false
}

// authorName is how a submission's author is shown: a deleted account's
// name is gone.
func authorName(ctx context.Context, s *consultation.Submission) string {
	if s.AuthorName == "" {
		return tr(ctx, "web.submission.author_deleted")
	}
	return s.AuthorName
}

// backTo returns to the item after an action on it.
func backTo(v consultationView, sv submissionView) string {
	if v.Thread != uuid.Nil {
		return v.ThreadPath + "#s-" + sv.S.ID.String()
	}
	return consultationPath(v.C.ID) + "#s-" + sv.S.ID.String()
}

// formFor is the failed form when key names it, else an empty one; each
// form's ids carry the key, so several forms live on one page.
func formFor(v consultationView, key string) *form {
	if v.Form != nil && v.FormFor == key {
		v.Form.Prefix = idPrefix(key)
		return v.Form
	}
	f := newForm(submitFields...)
	f.Prefix = idPrefix(key)
	return f
}

func idPrefix(key string) string {
	return strings.NewReplacer(":", "-").Replace(key) + "-"
}

// selectedLocale is the language a new text is marked as written in: the
// one chosen before, else the page's.
func selectedLocale(ctx context.Context, f *form) i18n.Locale {
	if l, ok := i18n.ParseLocale(f.Values["locale"]); ok {
		return l
	}
	return reqFrom(ctx).Locale
}

func registerLabel(ctx context.Context, full bool) string {
	if full {
		return tr(ctx, "web.meeting.waitlist")
	}
	return tr(ctx, "web.meeting.register")
}

func localeAttr(l *i18n.Locale) string {
	if l == nil {
		return ""
	}
	return string(*l)
}

func hideLabel(status string) string {
	if status == consultation.SubmissionHidden {
		return "web.moderation.keep_hidden"
	}
	return "web.moderation.hide"
}

func restoreLabel(status string) string {
	if status == consultation.SubmissionHidden {
		return "web.moderation.restore"
	}
	return "web.moderation.dismiss"
}
