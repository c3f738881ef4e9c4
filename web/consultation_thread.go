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

// A submission's thread — the item and all its replies, a page at a time —
// for items with more replies than the consultation's page shows; and the
// author's edit of their own submission. The service decides who sees and
// who may edit; these handlers decode, call and render.

func (h *Handler) consultationThreadRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathConsultations+"/{id}/thread/{sub}", h.threadPage)
	m.HandleFunc("POST "+PathConsultations+"/{id}/edit/{sub}", h.editSubmission)
	// A failed edit is rendered at its POST address; the language switch
	// returns to the consultation.
	m.HandleFunc("GET "+PathConsultations+"/{id}/edit/{sub}", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := h.pathID(w, r, "id"); ok {
			seeOther(w, r, consultationPath(id))
		}
	})
}

func threadPath(consultationID, sub uuid.UUID) string {
	return consultationPath(consultationID) + "/thread/" + sub.String()
}

// threadOf is the thread a "back" address names under consultation id, or
// uuid.Nil when it names the consultation's own page.
func threadOf(id uuid.UUID, back string) uuid.UUID {
	rest, ok := strings.CutPrefix(back, consultationPath(id)+"/thread/")
	if !ok {
		return uuid.Nil
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	sub, err := uuid.Parse(rest)
	if err != nil {
		return uuid.Nil
	}
	return sub
}

func (h *Handler) threadPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	sub, ok := h.pathID(w, r, "sub")
	if !ok {
		return
	}
	v, sv, err := h.threadView(r.Context(), id, sub, r.URL.Query().Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, threadPage(v, sv))
}

// threadFailed re-renders a thread's page (its first page) with a failed
// form.
func (h *Handler) threadFailed(w http.ResponseWriter, r *http.Request, id, sub uuid.UUID, f *form, formFor string, status int) {
	v, sv, err := h.threadView(r.Context(), id, sub, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, threadPage(v, sv))
}

// threadView reads a top-level submission the caller sees and a page of its
// replies: a fixed number of statements for any number of replies.
func (h *Handler) threadView(ctx context.Context, id, subID uuid.UUID, after string) (consultationView, submissionView, error) {
	s := h.svc.Consultations
	c, err := s.Get(ctx, id)
	if err != nil {
		return consultationView{}, submissionView{}, err
	}
	sub, err := s.GetSubmission(ctx, subID)
	if err != nil {
		return consultationView{}, submissionView{}, err
	}
	if sub.ConsultationID != id || sub.ParentID != nil {
		return consultationView{}, submissionView{}, consultation.ErrNotFound
	}
	v := consultationView{C: c, Actions: s.ConsultationActions(ctx, c), Thread: subID, ThreadPath: threadPath(id, subID)}
	if after != "" {
		v.ThreadPath += "?after=" + url.QueryEscape(after)
	}
	replies, err := s.Submissions(ctx, id, consultation.SubmissionFilter{ParentID: &subID}, pageSize, after)
	if err != nil {
		return v, submissionView{}, err
	}
	if replies.HasNext && len(replies.Items) > 0 {
		v.Next = threadPath(id, subID) + "?after=" + url.QueryEscape(consultation.SubmissionCursor(replies.Items[len(replies.Items)-1]))
	}
	all := append([]*consultation.Submission{sub}, replies.Items...)
	ids := make([]uuid.UUID, len(all))
	for i, x := range all {
		ids[i] = x.ID
	}
	supported := map[uuid.UUID]bool{}
	if rq := reqFrom(ctx); rq.Account != nil {
		if supported, err = s.SupportedBy(ctx, rq.Account.ID, ids); err != nil {
			return v, submissionView{}, err
		}
	}
	answers, err := s.AnswersOf(ctx, []uuid.UUID{subID})
	if err != nil {
		return v, submissionView{}, err
	}
	textIDs := []uuid.UUID{c.TitleTextID}
	for _, x := range all {
		textIDs = append(textIDs, x.TextID)
	}
	a := answers[subID]
	if a != nil && a.Published() {
		textIDs = append(textIDs, a.ReasonTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return v, submissionView{}, err
	}
	v.Title = texts[c.TitleTextID]
	sv := submissionView{S: sub, Text: texts[sub.TextID], Actions: s.Actions(ctx, c, sub), Supported: supported[sub.ID]}
	if a != nil && a.Published() {
		sv.Answer, sv.Reason = a, texts[a.ReasonTextID]
	}
	for _, rep := range replies.Items {
		sv.Replies = append(sv.Replies, submissionView{S: rep, Text: texts[rep.TextID], Actions: s.Actions(ctx, c, rep), Supported: supported[rep.ID]})
	}
	return v, sv, nil
}

// editSubmission saves the author's new version of their submission, in
// the language chosen (the original's by default), and returns to the item.
func (h *Handler) editSubmission(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	sub, ok := h.pathID(w, r, "sub")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm(submitFields...).read(r)
	key := "edit:" + sub.String()
	back := nextPath(r.PostFormValue("back"))
	failed := func(status int) {
		if thread := threadOf(id, back); thread != uuid.Nil {
			h.threadFailed(w, r, id, thread, f, key, status)
			return
		}
		h.consultationFailed(w, r, id, f, key, status)
	}
	text := strings.TrimSpace(f.Values["text"])
	if text == "" {
		f.Errors["text"] = tr(ctx, "web.consultation.text_required")
		failed(http.StatusUnprocessableEntity)
		return
	}
	_, err := h.svc.Consultations.Edit(ctx, sub, selectedLocale(ctx, f), text)
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(consultationPath(id)))
		return
	}
	if err != nil {
		failed(f.fail(ctx, err))
		return
	}
	if threadOf(id, back) == uuid.Nil {
		back = consultationPath(id)
	}
	seeOther(w, r, strings.SplitN(back, "#", 2)[0]+"#s-"+sub.String())
}

// submissionEditForm is the author's edit form of sv: the failed one, else the text
// as it reads in its original language.
func submissionEditForm(v consultationView, sv submissionView) *form {
	key := "edit:" + sv.S.ID.String()
	if v.Form != nil && v.FormFor == key {
		v.Form.Prefix = idPrefix(key)
		return v.Form
	}
	f := newForm(submitFields...)
	f.Prefix = idPrefix(key)
	if sv.Text != nil {
		orig := sv.Text.Resolve(sv.Text.OriginalLocale)
		f.Values["text"], f.Values["locale"] = orig.Text, string(orig.Locale)
	}
	return f
}
