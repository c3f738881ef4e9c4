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
)

// The officials' side of a consultation: phase changes, answers to every
// submission and the closing report. The service decides who may do each.

func (h *Handler) consultationStaffRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathConsultations+"/{id}/answers", h.answersPage)
	m.HandleFunc("POST "+PathConsultations+"/{id}/answers/{sub}", h.draftAnswer)
	m.HandleFunc("POST "+PathConsultations+"/{id}/answers", h.publishAnswers)
	m.HandleFunc("POST "+PathConsultations+"/{id}/report", h.publishReport)
	m.HandleFunc("POST "+PathConsultations+"/{id}/phase", h.changePhase)
}

// answersView is the officials' page of answers: one kind of top-level
// submission (postulates or section comments), a page at a time, each
// with its draft or published answer.
type answersView struct {
	C          *consultation.Consultation
	Title      *i18n.Text
	Items      []answerItem
	Kind       string // the page's kind of submission
	After      string // the page's cursor, "" for the first
	Totals     map[string]int
	Next       string // the next page's address, "" on the last
	Unanswered int
	Drafts     int    // every drafted answer, on any page
	Form       *form  // a failed form
	FormFor    string // "answer:<submission>", "publish" or "report"
}

type answerItem struct {
	S      *consultation.Submission
	Text   *i18n.Text
	Answer *consultation.Answer
	Reason *i18n.Text
}

func answerPath(id uuid.UUID) string { return consultationPath(id) + "/answers" }

func (h *Handler) answersPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderAnswers(w, r, id, nil, "", http.StatusOK)
}

// answerKinds are the kinds of submission the page answers, in its order.
var answerKinds = []string{consultation.KindPostulate, consultation.KindComment}

// answersPageOf is the page a request shows or returns to: the address's
// kind and cursor on a GET, the posted form's own on a POST.
func answersPageOf(r *http.Request) (kind, after string) {
	if r.Method == http.MethodPost {
		kind, after = r.PostFormValue("page_kind"), r.PostFormValue("page_after")
	} else {
		kind, after = r.URL.Query().Get("kind"), r.URL.Query().Get("after")
	}
	if kind != consultation.KindComment {
		kind = consultation.KindPostulate
	}
	return kind, after
}

// answersPageURL is the address of a page of answers.
func answersPageURL(id uuid.UUID, kind, after string) string {
	q := url.Values{}
	if kind != consultation.KindPostulate {
		q.Set("kind", kind)
	}
	if after != "" {
		q.Set("after", after)
	}
	if len(q) == 0 {
		return answerPath(id)
	}
	return answerPath(id) + "?" + q.Encode()
}

func (h *Handler) renderAnswers(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, status int) {
	kind, after := answersPageOf(r)
	v, err := h.answersView(r.Context(), id, kind, after)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(answerPath(id)))
		return
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, answersPage(v))
}

// answersView reads the page: a fixed number of statements for any number
// of submissions (the counts, one page of one kind, one read of answers,
// one of texts).
func (h *Handler) answersView(ctx context.Context, id uuid.UUID, kind, after string) (answersView, error) {
	s := h.svc.Consultations
	c, err := s.Get(ctx, id)
	if err != nil {
		return answersView{}, err
	}
	// The counts are for those who may answer: everyone else is refused here.
	unanswered, err := s.Unanswered(ctx, id)
	if err != nil {
		return answersView{}, err
	}
	drafts, err := s.Drafted(ctx, id)
	if err != nil {
		return answersView{}, err
	}
	v := answersView{C: c, Kind: kind, After: after, Unanswered: unanswered, Drafts: drafts, Totals: map[string]int{}}
	var subs []*consultation.Submission
	for _, k := range answerKinds {
		first, from := 1, "" // the other kind: only its total
		if k == kind {
			first, from = pageSize, after
		}
		p, err := s.Submissions(ctx, id, consultation.SubmissionFilter{Kind: &k}, first, from)
		if err != nil {
			return v, err
		}
		v.Totals[k] = p.Total
		if k != kind {
			continue
		}
		if p.HasNext && len(p.Items) > 0 {
			v.Next = answersPageURL(id, kind, consultation.SubmissionCursor(p.Items[len(p.Items)-1]))
		}
		for _, sub := range p.Items {
			if sub.Status != consultation.SubmissionWithdrawn {
				subs = append(subs, sub)
			}
		}
	}
	ids := make([]uuid.UUID, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	answers, err := s.AnswersOf(ctx, ids)
	if err != nil {
		return v, err
	}
	textIDs := []uuid.UUID{c.TitleTextID}
	for _, sub := range subs {
		textIDs = append(textIDs, sub.TextID)
		if a := answers[sub.ID]; a != nil {
			textIDs = append(textIDs, a.ReasonTextID)
		}
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return v, err
	}
	v.Title = texts[c.TitleTextID]
	for _, sub := range subs {
		it := answerItem{S: sub, Text: texts[sub.TextID]}
		if a := answers[sub.ID]; a != nil {
			it.Answer, it.Reason = a, texts[a.ReasonTextID]
		}
		v.Items = append(v.Items, it)
	}
	return v, nil
}

var answerFields = []string{"status", "reason", "locale"}

// draftAnswer saves the answer to one submission as a draft.
func (h *Handler) draftAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	sub, ok := h.pathID(w, r, "sub")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm(answerFields...).read(r)
	f.Prefix = "a-" + sub.String() + "-"
	in := consultation.AnswerInput{Status: f.Values["status"], Reason: i18n.Input{Locale: selectedLocale(ctx, f), Text: strings.TrimSpace(f.Values["reason"])}}
	if _, err := h.svc.Consultations.DraftAnswer(ctx, sub, in); err != nil {
		h.staffFailed(w, r, id, f, "answer:"+sub.String(), err)
		return
	}
	kind, after := answersPageOf(r)
	seeOther(w, r, answersPageURL(id, kind, after)+"#a-"+sub.String())
}

// publishAnswers publishes every drafted answer at once.
func (h *Handler) publishAnswers(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	if _, err := h.svc.Consultations.PublishAnswers(r.Context(), id, nil); err != nil {
		h.staffFailed(w, r, id, newForm(), "publish", err)
		return
	}
	seeOther(w, r, answerPath(id))
}

// publishReport publishes the closing report with an optional summary.
func (h *Handler) publishReport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm("summary", "locale").read(r)
	f.Prefix = "report-"
	var summary *i18n.Input
	if text := strings.TrimSpace(f.Values["summary"]); text != "" {
		summary = &i18n.Input{Locale: selectedLocale(ctx, f), Text: text}
	}
	if _, err := h.svc.Consultations.PublishReport(ctx, id, summary); err != nil {
		h.staffFailed(w, r, id, f, "report", err)
		return
	}
	seeOther(w, r, consultationPath(id)+"/report")
}

// staffFailed re-renders the answers page with the refused form.
func (h *Handler) staffFailed(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, err error) {
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(answerPath(id)))
		return
	}
	status := f.fail(r.Context(), err)
	h.renderAnswers(w, r, id, f, formFor, status)
}

// changePhase moves the consultation by hand (with the public reason the
// service requires); a refusal shows on the consultation's page.
func (h *Handler) changePhase(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm("reason").read(r)
	f.Prefix = "phase-"
	_, err := h.svc.Consultations.ChangePhase(ctx, id, consultation.Status(r.PostFormValue("to")), strings.TrimSpace(f.Values["reason"]))
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(consultationPath(id)))
		return
	}
	if err != nil {
		h.consultationFailed(w, r, id, f, "phase", f.fail(ctx, err))
		return
	}
	seeOther(w, r, consultationPath(id))
}

// nextPhase is where an official may move a consultation by hand from st
// ("" for none: publishing a draft and the report have their own forms).
func nextPhase(st consultation.Status) consultation.Status {
	switch st {
	case consultation.StatusAnnounced:
		return consultation.StatusOpen
	case consultation.StatusOpen:
		return consultation.StatusClosed
	}
	return ""
}

// staffForm is the failed form when key names it, else an empty one with
// the given field ids' prefix.
func staffForm(v answersView, key, prefix string, fields ...string) *form {
	if v.Form != nil && v.FormFor == key {
		v.Form.Prefix = prefix
		return v.Form
	}
	f := newForm(fields...)
	f.Prefix = prefix
	return f
}

// answerFormState is the answer form of it: the failed one, else the draft
// to edit, else empty.
func answerFormState(v answersView, it answerItem) *form {
	prefix := "a-" + it.S.ID.String() + "-"
	f := staffForm(v, "answer:"+it.S.ID.String(), prefix, answerFields...)
	if f != v.Form && it.Answer != nil {
		f.Values["status"] = it.Answer.Status
		if it.Reason != nil {
			r := it.Reason.Resolve(it.Reason.OriginalLocale)
			f.Values["reason"], f.Values["locale"] = r.Text, string(r.Locale)
		}
	}
	return f
}
