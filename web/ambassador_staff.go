package web

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/tally"
)

// The Ambassador title's working screens: the coordinator's list of an
// edition's nominations (consent, formal check, the edition's next phase)
// and the jury's scoring (declarations of conflict, score sheets, the
// discussion, the ranking). The service decides who may see and do each;
// these handlers only decode, call and render.

func ambassadorNominationsPath(edition uuid.UUID) string {
	return ambassadorEditionPath(edition) + "/nominations"
}

func ambassadorJuryPath(edition uuid.UUID) string { return ambassadorEditionPath(edition) + "/jury" }

func (h *Handler) ambassadorStaffRoutes(m *http.ServeMux) {
	base := PathAmbassador + "/{edition}"
	m.HandleFunc("GET "+base+"/nominations", h.staffNominations)
	m.HandleFunc("POST "+base+"/nominations/{nomination}/check", h.checkNomination)
	m.HandleFunc("POST "+base+"/nominations/{nomination}/consent", h.recordConsent)
	m.HandleFunc("POST "+base+"/nominations/{nomination}/resend", h.resendConsent)
	m.HandleFunc("POST "+base+"/phase", h.moveEdition)
	m.HandleFunc("GET "+base+"/jury", h.juryPage)
	m.HandleFunc("POST "+base+"/jury/{nomination}/declare", h.declareConflict)
	m.HandleFunc("POST "+base+"/jury/{nomination}/scores", h.saveScores)
	m.HandleFunc("POST "+base+"/jury/{nomination}/comment", h.juryComment)
}

// staffView is the coordinator's screen of an edition's nominations.
type staffView struct {
	E        *ambassador.Edition
	Criteria []criterionView
	Items    []staffItem
	Status   string // the filter, "" for all
	Total    int
	Next     string // the next page's address, "" on the last
	Form     *form  // a failed form
	FormFor  string // "check:<id>", "consent:<id>", "resend:<id>" or "phase"
}

type staffItem struct {
	N              *ambassador.Nomination
	Private        bool // the contacts and the nominator (the service's SeesPrivate)
	Justifications []justificationView
}

// justificationView is a nominator's text on one criterion.
type justificationView struct {
	Criterion *i18n.Text
	Text      *i18n.Text
}

// nominationStatuses are the statuses the screen filters by.
var nominationStatuses = []ambassador.NominationStatus{ambassador.NominationSubmitted, ambassador.NominationEligible,
	ambassador.NominationNotEligible, ambassador.NominationWithdrawn}

func (h *Handler) staffNominations(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	h.renderStaff(w, r, id, nil, "", http.StatusOK)
}

func (h *Handler) renderStaff(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(ambassadorNominationsPath(id)))
		return
	}
	q := r.URL.Query()
	v, err := h.staffView(ctx, id, q.Get("status"), q.Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, staffNominationsPage(v))
}

// staffView reads the screen in a fixed number of statements for any
// number of nominations: the edition, a page of nominations, the criteria,
// the justifications of the page and one read of every text.
func (h *Handler) staffView(ctx context.Context, id uuid.UUID, status, after string) (staffView, error) {
	s := h.svc.Ambassador
	e, err := s.Edition(ctx, id)
	if err != nil {
		return staffView{}, err
	}
	// The screen is the coordinators'; anyone else has their own pages.
	if !s.Staff(ctx, e) {
		return staffView{}, apperr.ErrNotFound
	}
	v := staffView{E: e}
	var filter ambassador.NominationFilter
	for _, st := range nominationStatuses {
		if string(st) == status {
			filter.Status, v.Status = &st, status
		}
	}
	p, err := s.Nominations(ctx, id, filter, page.MaxSize, after)
	if err != nil {
		return v, err
	}
	v.Total = p.Total
	if p.HasNext && len(p.Items) > 0 {
		q := url.Values{"after": {p.Items[len(p.Items)-1].Cursor()}}
		if v.Status != "" {
			q.Set("status", v.Status)
		}
		v.Next = ambassadorNominationsPath(id) + "?" + q.Encode()
	}
	criteria, js, texts, err := h.justifications(ctx, id, p.Items)
	if err != nil {
		return v, err
	}
	v.Criteria = criteria
	for _, n := range p.Items {
		v.Items = append(v.Items, staffItem{N: n, Private: s.SeesPrivate(ctx, n), Justifications: justificationViews(js[n.ID], criteria, texts)})
	}
	return v, nil
}

// justifications reads the edition's criteria and the nominations'
// justifications with every text of both, in three statements.
func (h *Handler) justifications(ctx context.Context, edition uuid.UUID, ns []*ambassador.Nomination) ([]criterionView,
	map[uuid.UUID][]ambassador.Justification, map[uuid.UUID]*i18n.Text, error) {
	s := h.svc.Ambassador
	crit, err := s.CriteriaOf(ctx, []uuid.UUID{edition})
	if err != nil {
		return nil, nil, nil, err
	}
	ids := make([]uuid.UUID, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	js := map[uuid.UUID][]ambassador.Justification{}
	if len(ids) > 0 {
		if js, err = s.JustificationsOf(ctx, ids); err != nil {
			return nil, nil, nil, err
		}
	}
	var textIDs []uuid.UUID
	for _, c := range crit[edition] {
		textIDs = append(textIDs, c.NameTextID)
	}
	for _, list := range js {
		for _, j := range list {
			textIDs = append(textIDs, j.TextID)
		}
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, textIDs)
	if err != nil {
		return nil, nil, nil, err
	}
	var criteria []criterionView
	for _, c := range crit[edition] {
		criteria = append(criteria, criterionView{C: c, Name: texts[c.NameTextID]})
	}
	return criteria, js, texts, nil
}

func justificationViews(js []ambassador.Justification, criteria []criterionView, texts map[uuid.UUID]*i18n.Text) []justificationView {
	var out []justificationView
	for _, j := range js {
		jv := justificationView{Text: texts[j.TextID]}
		for _, c := range criteria {
			if c.C.ID == j.CriterionID {
				jv.Criterion = c.Name
			}
		}
		out = append(out, jv)
	}
	return out
}

// nominationAct is a coordinator's form on one nomination: do calls the
// service; a refusal re-renders the screen with the form's errors.
func (h *Handler) nominationAct(kind string, fields []string, do func(context.Context, uuid.UUID, *form) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		edition, ok := h.pathID(w, r, "edition")
		if !ok {
			return
		}
		n, ok := h.pathID(w, r, "nomination")
		if !ok {
			return
		}
		ctx := r.Context()
		f := newForm(fields...).read(r)
		f.Prefix = kind + "-" + n.String() + "-"
		err := do(ctx, n, f)
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(ambassadorNominationsPath(edition)))
			return
		}
		if err != nil {
			h.renderStaff(w, r, edition, f, kind+":"+n.String(), f.fail(ctx, err))
			return
		}
		seeOther(w, r, ambassadorNominationsPath(edition)+"#n-"+n.String())
	}
}

var checkFields = []string{"outcome", "reason", "note"}

// checkNomination records the formal check: eligible, or not with a reason
// from the service's list.
func (h *Handler) checkNomination(w http.ResponseWriter, r *http.Request) {
	h.nominationAct("check", checkFields, func(ctx context.Context, n uuid.UUID, f *form) error {
		switch f.Values["outcome"] {
		case "eligible":
			_, err := h.svc.Ambassador.CheckNomination(ctx, n, ambassador.CheckInput{Eligible: true, Note: f.Values["note"]})
			return err
		case "not_eligible":
			_, err := h.svc.Ambassador.CheckNomination(ctx, n, ambassador.CheckInput{Reason: f.Values["reason"], Note: f.Values["note"]})
			return err
		}
		return apperr.Invalid("outcome", "web.check.outcome_required")
	})(w, r)
}

// recordConsent records a consent signed on paper, with its scan's reference.
func (h *Handler) recordConsent(w http.ResponseWriter, r *http.Request) {
	h.nominationAct("consent", []string{"scanRef"}, func(ctx context.Context, n uuid.UUID, f *form) error {
		_, err := h.svc.Ambassador.RecordConsent(ctx, n, f.Values["scanRef"])
		return err
	})(w, r)
}

// resendConsent sends the nominee a new consent link.
func (h *Handler) resendConsent(w http.ResponseWriter, r *http.Request) {
	h.nominationAct("resend", nil, func(ctx context.Context, n uuid.UUID, _ *form) error {
		_, err := h.svc.Ambassador.ResendConsentLink(ctx, n)
		return err
	})(w, r)
}

// moveEdition moves the edition to its next phase by hand, with a reason.
func (h *Handler) moveEdition(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm("reason").read(r)
	f.Prefix = "phase-"
	_, err := h.svc.Ambassador.MoveEdition(ctx, id, ambassador.Phase(r.PostFormValue("to")), f.Values["reason"])
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		seeOther(w, r, signInPath(ambassadorNominationsPath(id)))
		return
	}
	if err != nil {
		h.renderStaff(w, r, id, f, "phase", f.fail(ctx, err))
		return
	}
	seeOther(w, r, ambassadorNominationsPath(id))
}

// nextEditionPhase is the phase the edition's schedule moves it to next
// ("" for none), offered to the coordinator's hand; MoveEdition decides
// whether the move may be made.
func nextEditionPhase(e *ambassador.Edition) ambassador.Phase {
	switch e.Phase {
	case ambassador.PhaseUpcoming:
		return ambassador.PhaseNominations
	case ambassador.PhaseNominations:
		return ambassador.PhaseFormalCheck
	case ambassador.PhaseFormalCheck:
		return ambassador.PhaseScoring
	case ambassador.PhaseScoring:
		return ambassador.PhaseDecision
	case ambassador.PhaseDecision:
		if e.Schedule.AudienceClose != nil {
			return ambassador.PhaseAudienceVote
		}
		return ambassador.PhaseAnnouncement
	case ambassador.PhaseAudienceVote:
		return ambassador.PhaseAnnouncement
	}
	return ""
}

// takesConsent: the screen offers the consent forms while the edition
// takes entries (the service refuses them otherwise).
func takesConsent(v staffView, n *ambassador.Nomination) bool {
	return n.ConsentAt == nil && n.Status == ambassador.NominationSubmitted &&
		(v.E.Phase == ambassador.PhaseNominations || v.E.Phase == ambassador.PhaseFormalCheck)
}

// checkable: the screen offers the check form during the formal check to
// nominations still in the running (not withdrawn, not declined).
func checkable(v staffView, n *ambassador.Nomination) bool {
	return v.E.Phase == ambassador.PhaseFormalCheck && n.Status != ambassador.NominationWithdrawn && n.CheckReason != ambassador.ReasonDeclined
}

// staffFormFor is the failed form when key names it, else an empty one
// (prefilled by fill) with the given prefix.
func staffFormFor(f *form, formFor, key, prefix string, fields ...string) *form {
	if f != nil && formFor == key {
		f.Prefix = prefix
		return f
	}
	nf := newForm(fields...)
	nf.Prefix = prefix
	return nf
}

// checkForm is n's check form: the failed one, else the recorded outcome.
func checkForm(v staffView, n *ambassador.Nomination) *form {
	key := "check:" + n.ID.String()
	f := staffFormFor(v.Form, v.FormFor, key, "check-"+n.ID.String()+"-", checkFields...)
	if f == v.Form {
		return f
	}
	switch n.Status {
	case ambassador.NominationEligible:
		f.Values["outcome"] = "eligible"
	case ambassador.NominationNotEligible:
		f.Values["outcome"], f.Values["reason"], f.Values["note"] = "not_eligible", n.CheckReason, n.CheckNote
	}
	return f
}

// juryView is the jury's screen of an edition.
type juryView struct {
	E        *ambassador.Edition
	Staff    bool
	Criteria []criterionView
	Items    []juryItem
	More     bool
	Ranking  []ambassador.CategoryRanking
	Ranked   bool // the service shows the ranking to the caller
	Table    *ambassador.ScoreTable
	Form     *form
	FormFor  string // "declare:<id>", "scores:<id>" or "comment:<id>"
}

type juryItem struct {
	N              *ambassador.Nomination
	Justifications []justificationView
	D              *ambassador.JuryDetail
}

func (h *Handler) juryPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	h.renderJury(w, r, id, nil, "", http.StatusOK)
}

func (h *Handler) renderJury(w http.ResponseWriter, r *http.Request, id uuid.UUID, f *form, formFor string, status int) {
	ctx := r.Context()
	if reqFrom(ctx).Account == nil {
		seeOther(w, r, signInPath(ambassadorJuryPath(id)))
		return
	}
	v, err := h.juryView(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v.Form, v.FormFor = f, formFor
	h.render(w, r, status, juryPage(v))
}

// juryView reads the eligible nominations the caller sees as a juror or
// staff with their jury side (JuryDetails, one batch), the justifications,
// and the ranking and score table where the service shows them.
func (h *Handler) juryView(ctx context.Context, id uuid.UUID) (juryView, error) {
	s := h.svc.Ambassador
	e, err := s.Edition(ctx, id)
	if err != nil {
		return juryView{}, err
	}
	v := juryView{E: e, Staff: s.Staff(ctx, e)}
	if !v.Staff && !s.IsJuror(ctx, e.ID) {
		return v, apperr.ErrNotFound
	}
	eligible := ambassador.NominationEligible
	p, err := s.Nominations(ctx, id, ambassador.NominationFilter{Status: &eligible}, page.MaxSize, "")
	if err != nil {
		return v, err
	}
	v.More = p.HasNext
	details, err := s.JuryDetails(ctx, p.Items)
	if err != nil {
		return v, err
	}
	criteria, js, texts, err := h.justifications(ctx, id, p.Items)
	if err != nil {
		return v, err
	}
	v.Criteria = criteria
	for _, n := range p.Items {
		v.Items = append(v.Items, juryItem{N: n, Justifications: justificationViews(js[n.ID], criteria, texts), D: details[n.ID]})
	}
	if v.Ranking, v.Ranked, err = s.Ranking(ctx, id); err != nil {
		return v, err
	}
	table, ok, err := s.ScoreTable(ctx, id)
	if err != nil {
		return v, err
	}
	if ok {
		v.Table = table
	}
	return v, nil
}

// errFieldsInvalid: the form's own decoding put errors by its fields.
var errFieldsInvalid = errors.New("web: invalid fields")

// juryAct is a juror's form on one nomination, like nominationAct.
func (h *Handler) juryAct(kind string, fields []string, do func(context.Context, uuid.UUID, *form, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		edition, ok := h.pathID(w, r, "edition")
		if !ok {
			return
		}
		n, ok := h.pathID(w, r, "nomination")
		if !ok {
			return
		}
		ctx := r.Context()
		f := newForm(fields...).read(r)
		f.Prefix = kind + "-" + n.String() + "-"
		err := do(ctx, n, f, r)
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			seeOther(w, r, signInPath(ambassadorJuryPath(edition)))
			return
		}
		if err != nil {
			status := http.StatusUnprocessableEntity
			if !errors.Is(err, errFieldsInvalid) {
				status = f.fail(ctx, err)
			}
			h.renderJury(w, r, edition, f, kind+":"+n.String(), status)
			return
		}
		seeOther(w, r, ambassadorJuryPath(edition)+"#j-"+n.String())
	}
}

// declareConflict records the juror's declaration: none, or a conflict
// with an optional note.
func (h *Handler) declareConflict(w http.ResponseWriter, r *http.Request) {
	h.juryAct("declare", []string{"declaration", "note"}, func(ctx context.Context, n uuid.UUID, f *form, _ *http.Request) error {
		_, err := h.svc.Ambassador.DeclareConflict(ctx, n, f.Values["declaration"], f.Values["note"])
		return err
	})(w, r)
}

// scoreFields are a sheet's fields: "points-<criterion>" and
// "comment-<criterion>" for each criterion, then "scores" for the sheet's
// own errors.
func scoreFields(criteria []ambassador.Criterion) []string {
	var out []string
	for _, c := range criteria {
		out = append(out, "points-"+c.ID.String(), "comment-"+c.ID.String())
	}
	return append(out, "scores")
}

// saveScores saves the juror's sheet, as a draft or submitted ("submit"
// button). Points left empty are not given (a draft may be partial).
func (h *Handler) saveScores(w http.ResponseWriter, r *http.Request) {
	edition, ok := h.pathID(w, r, "edition")
	if !ok {
		return
	}
	criteria, err := h.svc.Ambassador.Criteria(r.Context(), edition)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.juryAct("scores", scoreFields(criteria), func(ctx context.Context, n uuid.UUID, f *form, r *http.Request) error {
		var scores []ambassador.Score
		for _, c := range criteria {
			key := "points-" + c.ID.String()
			raw := strings.TrimSpace(f.Values[key])
			if raw == "" {
				continue
			}
			p, err := strconv.Atoi(raw)
			if err != nil {
				f.Errors[key] = tr(ctx, "web.jury.points_invalid", "min", c.ScaleMin, "max", c.ScaleMax)
				continue
			}
			scores = append(scores, ambassador.Score{CriterionID: c.ID, Points: p, Comment: f.Values["comment-"+c.ID.String()]})
		}
		if f.hasErrors() {
			return errFieldsInvalid
		}
		_, err := h.svc.Ambassador.SaveSheet(ctx, n, scores, r.PostFormValue("submit") == "1")
		return err
	})(w, r)
}

// juryComment adds to a nomination's discussion.
func (h *Handler) juryComment(w http.ResponseWriter, r *http.Request) {
	h.juryAct("comment", []string{"body"}, func(ctx context.Context, n uuid.UUID, f *form, _ *http.Request) error {
		_, err := h.svc.Ambassador.AddComment(ctx, n, f.Values["body"])
		return err
	})(w, r)
}

// juryFormFor is the jury screen's failed form when key names it, else an
// empty one.
func juryFormFor(v juryView, kind string, n *ambassador.Nomination, fields ...string) *form {
	return staffFormFor(v.Form, v.FormFor, kind+":"+n.ID.String(), kind+"-"+n.ID.String()+"-", fields...)
}

// declareForm is the declaration form, set to the juror's declaration.
func declareForm(v juryView, it juryItem) *form {
	f := juryFormFor(v, "declare", it.N, "declaration", "note")
	if f != v.Form && it.D != nil && it.D.Review != nil {
		f.Values["declaration"] = it.D.Review.Declaration
	}
	return f
}

// scoresForm is the sheet's form: the failed one, else the saved sheet.
func scoresForm(v juryView, it juryItem) *form {
	var cs []ambassador.Criterion
	for _, c := range v.Criteria {
		cs = append(cs, c.C)
	}
	f := juryFormFor(v, "scores", it.N, scoreFields(cs)...)
	if f != v.Form && it.D != nil && it.D.Review != nil && it.D.Review.Sheet != nil {
		for _, sc := range it.D.Review.Sheet.Scores {
			f.Values["points-"+sc.CriterionID.String()] = strconv.Itoa(sc.Points)
			f.Values["comment-"+sc.CriterionID.String()] = sc.Comment
		}
	}
	return f
}

// sheetSubmitted: the juror's own sheet on it is submitted.
func sheetSubmitted(it juryItem) bool {
	return it.D != nil && it.D.Review != nil && it.D.Review.Sheet != nil && it.D.Review.Sheet.SubmittedAt != nil
}

// criterionName is a criterion's name in the page's language.
func criterionName(ctx context.Context, c criterionView) string {
	return c.Name.Resolve(reqFrom(ctx).Locale).Text
}

// pointsOf are a sheet's points in the criteria's order ("–" where none).
func pointsOf(sh ambassador.Sheet, criteria []criterionView) string {
	parts := make([]string, len(criteria))
	for i, c := range criteria {
		parts[i] = "–"
		for _, sc := range sh.Scores {
			if sc.CriterionID == c.C.ID {
				parts[i] = strconv.Itoa(sc.Points)
			}
		}
	}
	return strings.Join(parts, " · ")
}

func joinPoints(ps []int) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strconv.Itoa(p)
	}
	return strings.Join(parts, " · ")
}

// meanText is a mean or weighted score written with MeanPlaces decimals.
func meanText(r *big.Rat) string {
	if r == nil {
		return "–"
	}
	return tally.Decimal(r, ambassador.MeanPlaces)
}

// criteriaNames are the criteria's names in order, for the legend of the
// points shown in a row.
func criteriaNames(ctx context.Context, criteria []criterionView) string {
	names := make([]string, len(criteria))
	for i, c := range criteria {
		names[i] = criterionName(ctx, c)
	}
	return strings.Join(names, " · ")
}

// jurorLabel is a juror by number, with the name where the service gives one.
func jurorLabel(ctx context.Context, number int, name string) string {
	l := tr(ctx, "web.jury.juror", "number", number)
	if name != "" {
		l += " (" + name + ")"
	}
	return l
}

// commentAuthor is a discussion comment's author: a juror by number (and
// name where given) or the coordinator.
func commentAuthor(ctx context.Context, c ambassador.Comment) string {
	if c.JurorNumber == 0 {
		if c.AuthorName != "" {
			return tr(ctx, "web.jury.staff") + " (" + c.AuthorName + ")"
		}
		return tr(ctx, "web.jury.staff")
	}
	return jurorLabel(ctx, c.JurorNumber, c.AuthorName)
}
