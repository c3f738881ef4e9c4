package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
)

// The minutes of a body's meeting at work: the draft generated from the
// meeting's record, edited in versions, opened for the comments of the
// body's roll, approved by the chair, translated and exported. The minutes
// service decides who sees and does each (MinutesActions,
// MayChangeComment); these handlers decode, call and render.

// minutesCommentsPage is how many comments the page shows at once.
const minutesCommentsPage = 20

func minutesPath(meeting uuid.UUID) string { return bodyMeetingPath(meeting) + "/minutes" }

// minutesExportPath is the approved minutes as a file (served with the
// API's visibility at /minutes/{meetingId}, which takes the meeting's
// global ID) in format and locale.
func minutesExportPath(meeting uuid.UUID, format dialogue.MinutesFormat, l i18n.Locale) string {
	return "/minutes/" + gid.Encode("BodyMeeting", meeting) + "?" + url.Values{"format": {string(format)}, "locale": {string(l)}}.Encode()
}

func (h *Handler) minutesRoutes(m *http.ServeMux) {
	base := PathBodies + "/meetings/{id}/minutes"
	m.HandleFunc("GET "+base, h.minutesPage)
	m.HandleFunc("POST "+base+"/draft", h.draftMinutes)
	s := h.svc.Minutes
	m.HandleFunc("POST "+base+"/edit", h.minutesAct("edit", []string{"text"}, func(ctx context.Context, id uuid.UUID, f *form, r *http.Request) error {
		// A version that does not parse is no version: the service's
		// stale-version conflict.
		base, _ := strconv.Atoi(r.PostFormValue("baseVersion"))
		f.Values["baseVersion"] = r.PostFormValue("baseVersion")
		_, err := s.EditMinutes(ctx, id, f.Values["text"], base)
		return err
	}))
	m.HandleFunc("POST "+base+"/open", h.minutesAct("open", nil, func(ctx context.Context, id uuid.UUID, _ *form, _ *http.Request) error {
		_, err := s.OpenForComments(ctx, id)
		return err
	}))
	m.HandleFunc("POST "+base+"/approve", h.minutesAct("approve", nil, func(ctx context.Context, id uuid.UUID, _ *form, r *http.Request) error {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		_, err := s.Approve(ctx, id, version)
		return err
	}))
	m.HandleFunc("POST "+base+"/translate", h.minutesAct("translate", []string{"locale", "text"}, func(ctx context.Context, id uuid.UUID, f *form, _ *http.Request) error {
		_, err := s.AddTranslation(ctx, id, i18n.Locale(f.Values["locale"]), f.Values["text"])
		return err
	}))
	m.HandleFunc("POST "+base+"/comment", h.minutesAct("comment", []string{"text"}, func(ctx context.Context, id uuid.UUID, f *form, _ *http.Request) error {
		_, err := s.Comment(ctx, id, f.Values["text"])
		return err
	}))
	m.HandleFunc("POST "+base+"/comments/{comment}/edit", h.commentAct("c", []string{"text"}, func(ctx context.Context, c uuid.UUID, f *form) error {
		_, err := s.EditComment(ctx, c, f.Values["text"])
		return err
	}))
	m.HandleFunc("POST "+base+"/comments/{comment}/delete", h.commentAct("d", nil, func(ctx context.Context, c uuid.UUID, _ *form) error {
		_, err := s.DeleteComment(ctx, c)
		return err
	}))
}

// minutesPageView is the minutes of one meeting as the caller may see them.
type minutesPageView struct {
	MM      *dialogue.MeetingMinutes
	Title   *i18n.Text // the meeting's
	Body    *i18n.Text // the body's name
	Actions dialogue.MinutesActions
	// Work is the versions and comments (the roll and staff only).
	Work     bool
	Versions []*dialogue.MinutesVersion
	Comments []minutesCommentView
	Total    int    // comments in all
	Next     string // the next page of comments, "" on the last
	// Text is the published text (approved minutes), ApprovedBy who
	// approved.
	Text       *i18n.Text
	ApprovedBy string

	Form    *form  // a failed form
	FormFor string // "draft", "edit", "open", "approve", "translate", "comment", "c:<id>", "d:<id>"
	Stale   bool   // the failed edit was made on an older version
}

type minutesCommentView struct {
	C      *dialogue.MinutesComment
	Change bool // the caller may edit and delete it
}

func (h *Handler) minutesPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderMinutes(w, r, id, nil, "", http.StatusOK)
}

func (h *Handler) renderMinutes(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, status int) {
	v, err := h.minutesView(r.Context(), id, r.URL.Query().Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, minutesPage(v))
}

// minutesView reads the page in a fixed number of statements for any number
// of versions and comments: the minutes (with the meeting and the caller's
// rights), the versions, a page of comments with their count, who approved,
// one read of every text.
func (h *Handler) minutesView(ctx context.Context, id uuid.UUID, after string) (minutesPageView, error) {
	s := h.svc.Minutes
	mm, err := s.Get(ctx, id)
	if err != nil {
		return minutesPageView{}, err
	}
	v := minutesPageView{MM: mm, Actions: s.Actions(mm), Work: mm.SeesWork()}
	if v.Versions, err = s.Versions(ctx, mm); err != nil {
		return v, err
	}
	p, err := s.Comments(ctx, mm, minutesCommentsPage, after)
	if err != nil {
		return v, err
	}
	v.Total = p.Total
	for _, c := range p.Items {
		v.Comments = append(v.Comments, minutesCommentView{C: c, Change: s.MayChangeComment(ctx, mm, c)})
	}
	if p.HasNext && len(p.Items) > 0 {
		v.Next = minutesPath(id) + "?" + url.Values{"after": {p.Items[len(p.Items)-1].Cursor()}}.Encode() + "#comments"
	}
	if mm.ApprovedBy != nil {
		if v.ApprovedBy, err = s.Name(ctx, *mm.ApprovedBy); err != nil {
			return v, err
		}
	}
	mt := mm.Meeting()
	textIDs := []uuid.UUID{mt.TitleTextID, mt.Body().NameTextID}
	if mm.TextID != nil {
		textIDs = append(textIDs, *mm.TextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return v, err
	}
	v.Title, v.Body = texts[mt.TitleTextID], texts[mt.Body().NameTextID]
	if mm.TextID != nil {
		v.Text = texts[*mm.TextID]
	}
	return v, nil
}

// minutesAct is a form on the minutes: do calls the service; a refusal
// re-renders the page with the form's errors and the values given.
func (h *Handler) minutesAct(kind string, fields []string, do func(context.Context, uuid.UUID, *form, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		ctx := r.Context()
		f := newForm(fields...).read(r)
		f.Prefix = kind + "-"
		err := do(ctx, id, f, r)
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(minutesPath(id)))
			return
		}
		if err != nil {
			status := f.fail(ctx, err)
			v, verr := h.minutesView(ctx, id, "")
			if verr != nil {
				h.failErr(w, r, verr)
				return
			}
			v.Form, v.FormFor = f, kind
			v.Stale = errors.Is(err, dialogue.ErrMinutesStale)
			h.render(w, r, status, minutesPage(v))
			return
		}
		seeOther(w, r, minutesPath(id)+"#minutes-"+kind)
	}
}

// commentAct is a change of one's own comment; kind is "c" (edit) or "d"
// (delete).
func (h *Handler) commentAct(kind string, fields []string, do func(context.Context, uuid.UUID, *form) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.pathID(w, r, "id")
		if !ok {
			return
		}
		c, ok := h.pathID(w, r, "comment")
		if !ok {
			return
		}
		ctx := r.Context()
		f := newForm(fields...).read(r)
		f.Prefix = kind + "-" + c.String() + "-"
		err := do(ctx, c, f)
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(minutesPath(id)))
			return
		}
		if err != nil {
			h.renderMinutes(w, r, id, f, kind+":"+c.String(), f.fail(ctx, err))
			return
		}
		seeOther(w, r, minutesPath(id)+"#comments")
	}
}

// draftMinutes generates the draft (the first one, from the meeting's page,
// or again, from the minutes' page) in the language chosen.
func (h *Handler) draftMinutes(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm("locale").read(r)
	f.Prefix = "draft-"
	in := dialogue.DraftInput{ReplaceEdits: r.PostFormValue("replaceEdits") != ""}
	if f.Values["locale"] != "" {
		l := i18n.Locale(f.Values["locale"])
		in.Locale = &l
	}
	_, err := h.svc.Minutes.DraftMinutes(ctx, id, in)
	back := bodyMeetingPath(id)
	if r.PostFormValue("from") == "minutes" {
		back = minutesPath(id)
	}
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(back))
		return
	}
	if err != nil {
		status := f.fail(ctx, err)
		if r.PostFormValue("from") == "minutes" {
			h.renderMinutes(w, r, id, f, "draft", status)
			return
		}
		h.renderMeetingWith(w, r, id, status, func(v *bodyMeetingView) { v.DraftForm = f })
		return
	}
	seeOther(w, r, minutesPath(id))
}

// minutesFormFor is the failed form when key names it, else an empty one
// with the prefix of its kind and the values of fill.
func minutesFormFor(v minutesPageView, key, prefix string, fill map[string]string, fields ...string) *form {
	if v.Form != nil && v.FormFor == key {
		return v.Form
	}
	f := newForm(fields...)
	f.Prefix = prefix
	for k, val := range fill {
		f.Values[k] = val
	}
	return f
}

// editForm is the edit form: the failed one (its text kept; after a stale
// edit, made now on the current version, which the page shows above), or
// the current text.
func editForm(v minutesPageView) *form {
	f := minutesFormFor(v, "edit", "edit-", map[string]string{"text": v.MM.Body}, "text")
	if f != v.Form || v.Stale {
		f.Values["baseVersion"] = strconv.Itoa(v.MM.Version)
	}
	return f
}

// translateForm is the translation form: the failed one, or one offering
// the reader's language when the original is in another, else the first
// other language.
func translateForm(ctx context.Context, v minutesPageView) *form {
	f := minutesFormFor(v, "translate", "translate-", nil, "locale", "text")
	if f == v.Form {
		return f
	}
	f.Values["locale"] = string(reqFrom(ctx).Locale)
	if reqFrom(ctx).Locale == v.MM.Locale {
		for _, l := range i18n.All {
			if l != v.MM.Locale {
				f.Values["locale"] = string(l)
				break
			}
		}
	}
	return f
}

// draftFormOf is the page's failed request for a draft, nil for none.
func draftFormOf(v minutesPageView) *form {
	if v.FormFor == "draft" {
		return v.Form
	}
	return nil
}

// draftLocaleForm is the language choice of a draft: the failed form, or
// the current draft's language (Polish, the binding one, for the first).
func draftLocaleForm(f *form, current i18n.Locale) *form {
	if f != nil {
		return f
	}
	nf := newForm("locale")
	nf.Prefix = "draft-"
	nf.Values["locale"] = string(current)
	return nf
}

// minutesAuthorName is a version's or a comment's author as the page shows
// it.
func minutesAuthorName(ctx context.Context, name string) string {
	if name == "" {
		return tr(ctx, "web.submission.author_deleted")
	}
	return name
}
