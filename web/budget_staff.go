package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/page"
)

// The civic budget's officials' screens: project verification and appeals,
// paper ballots entered twice at a voting point (and the commission's
// resolution of a mismatch), the live turnout and standings, and the
// commission's certification and publication of the results. As on the
// residents' pages, every rule, permission and visibility is the service's:
// a page shows a form where the service's own answers say it may be used,
// and the mutation refuses what is not allowed.

// budgetStaffRoutes registers what the /budget/{x}/{y} dispatcher of
// budget.go does not serve (budgetStaffThree serves the rest there).
func (h *Handler) budgetStaffRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathBudget+"/{edition}/turnout/events", h.turnoutEvents)
}

// budgetStaffThree serves the officials' pages of the shape
// /budget/{edition}/{y}; false leaves the request to the caller.
func (h *Handler) budgetStaffThree(w http.ResponseWriter, r *http.Request, x, y string) bool {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case y == "verification" && get:
		h.verificationPage(w, r, x)
	case y == "verification":
		h.verificationDecide(w, r, x)
	case y == "paper" && get:
		h.paperPage(w, r, x)
	case y == "paper":
		h.paperEnter(w, r, x)
	case y == "turnout" && get:
		h.turnoutPage(w, r, x)
	case y == "commission" && get:
		h.commissionPage(w, r, x)
	case y == "commission":
		h.certify(w, r, x)
	case y == "publish" && !get:
		h.publishResults(w, r, x)
	default:
		return false
	}
	return true
}

func budgetVerificationPath(id uuid.UUID) string { return budgetEditionPath(id) + "/verification" }
func budgetPaperPath(id uuid.UUID) string        { return budgetEditionPath(id) + "/paper" }
func budgetTurnoutPath(id uuid.UUID) string      { return budgetEditionPath(id) + "/turnout" }
func budgetCommissionPath(id uuid.UUID) string   { return budgetEditionPath(id) + "/commission" }

// staffLinks are the officials' screens the edition's page links to.
type staffLinks struct {
	Verification, Paper, Turnout, Commission bool
}

// staffLinksFor asks the service what the caller may use: a project of the
// page they may verify or whose appeal they may decide, paper sheets they
// may list, the turnout they may watch, results they may certify or
// publish. Its statements do not depend on the number of projects.
func (h *Handler) staffLinksFor(ctx context.Context, e *budget.Edition, projects []budget.Project) staffLinks {
	var l staffLinks
	voting := e.Status == budget.StatusVoting || e.Status == budget.StatusClosed
	l.Turnout = voting && budget.TurnoutView(ctx, e) != live.Hidden
	if reqFrom(ctx).Account == nil {
		return l
	}
	for i := range projects {
		if can := h.svc.Budget.ProjectViewerCanIn(ctx, e, &projects[i]); can.Verify || can.DecideAppeal {
			l.Verification = true
			break
		}
	}
	if voting {
		_, err := h.svc.Budget.PaperBallots(ctx, e.ID, budget.PaperFilter{}, 1, "")
		l.Paper = err == nil
	}
	if can, err := h.svc.Budget.ResultActions(ctx, e); err == nil {
		l.Commission = can.Certify || can.UpdateSettings && e.Status == budget.StatusClosed
	}
	return l
}

// signedInOr sends an anonymous visitor of an officials' page to sign in
// first; ok is false when it did.
func signedInOr(w http.ResponseWriter, r *http.Request, back string) bool {
	if reqFrom(r.Context()).Account == nil {
		seeOther(w, r, signInPath(back))
		return false
	}
	return true
}

// Verification and appeals.

type verificationView struct {
	Edition *budget.Edition
	Verify  []verificationItem // projects the caller may verify now
	Appeals []verificationItem // appeals the caller may decide now
	NextURL string
	Notice  string
	Form    *form  // a refused form
	FormFor string // "verify:<project>" or "appeal:<project>"
}

type verificationItem struct {
	projectRow
	Project     budget.Project
	Description *i18n.Text
	Estimate    string
}

func (h *Handler) verificationPage(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetVerificationPath(id)) {
		return
	}
	notice := ""
	if r.URL.Query().Has("saved") {
		notice = tr(r.Context(), "web.budget_staff.verify.saved")
	}
	h.renderVerification(w, r, id, http.StatusOK, nil, "", notice)
}

// renderVerification reads the page in a fixed number of statements: the
// edition, its pools, one page of projects and one read of their texts.
func (h *Handler) renderVerification(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, f *form, formFor, notice string) {
	ctx := r.Context()
	e, err := h.svc.Budget.Edition(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	pools, err := h.svc.Budget.Pools(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	p, err := h.svc.Budget.EditionProjectList(ctx, id, budget.ProjectFilter{}, page.MaxSize, r.URL.Query().Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	texts, err := h.projectTexts(ctx, p.Items, true)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	names := poolNames(ctx, pools)
	v := verificationView{Edition: e, Notice: notice, Form: f, FormFor: formFor}
	for i := range p.Items {
		pr := p.Items[i]
		can := h.svc.Budget.ProjectViewerCanIn(ctx, e, &pr)
		if !can.Verify && !can.DecideAppeal {
			continue
		}
		it := verificationItem{projectRow: projectRow{ID: pr.ID, Code: pr.Code, Title: projectTitle(pr, texts),
			Cost: money(ctx, pr.Cost, e.Currency), Pool: names[pr.PoolID], Status: tr(ctx, "web.budget.project_status."+projectStatus(pr))},
			Project: pr}
		if pr.DescriptionTextID != nil {
			it.Description = texts[*pr.DescriptionTextID]
		}
		if pr.CostEstimate != 0 {
			it.Estimate = money(ctx, pr.CostEstimate, e.Currency)
		}
		if can.Verify {
			v.Verify = append(v.Verify, it)
		}
		if can.DecideAppeal {
			v.Appeals = append(v.Appeals, it)
		}
	}
	if p.HasNext {
		v.NextURL = budgetVerificationPath(id) + "?after=" + url.QueryEscape(p.Items[len(p.Items)-1].Cursor())
	}
	h.render(w, r, status, budgetVerificationPage(v))
}

var (
	verifyFields = []string{"decision", "reason", "verifiedCost"}
	appealFields = []string{"upheld", "reason"}
)

func verifyPrefix(id uuid.UUID) string { return "v-" + id.String() + "-" }
func appealPrefix(id uuid.UUID) string { return "a-" + id.String() + "-" }

// verifyFormState is a project's verification form: the refused one, else
// its current decision to change.
func verifyFormState(v verificationView, it verificationItem) *form {
	if v.Form != nil && v.FormFor == "verify:"+it.ID.String() {
		return v.Form
	}
	f := newForm(verifyFields...)
	f.Prefix = verifyPrefix(it.ID)
	if d := it.Project.Decision; d != "" {
		f.Values["decision"], f.Values["reason"] = d, it.Project.DecisionReason
	}
	if it.Project.VerifiedCost != nil {
		f.Values["verifiedCost"] = plainMoney(*it.Project.VerifiedCost)
	}
	return f
}

func appealFormState(v verificationView, it verificationItem) *form {
	if v.Form != nil && v.FormFor == "appeal:"+it.ID.String() {
		return v.Form
	}
	f := newForm(appealFields...)
	f.Prefix = appealPrefix(it.ID)
	return f
}

// verificationDecide records a verification decision or an appeal's; the
// form names the project and which of the two it is.
func (h *Handler) verificationDecide(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetVerificationPath(id)) {
		return
	}
	ctx := r.Context()
	pid, ok := h.parseID(w, r, r.PostFormValue("project"))
	if !ok {
		return
	}
	var f *form
	var formFor string
	var err error
	switch r.PostFormValue("action") {
	case "verify":
		f, formFor = newForm(verifyFields...).read(r), "verify:"+pid.String()
		f.Prefix = verifyPrefix(pid)
		in := budget.VerifyInput{ProjectID: pid, Eligible: f.Values["decision"] == budget.ProjectEligible, Reason: f.Values["reason"]}
		if s := strings.TrimSpace(f.Values["verifiedCost"]); s != "" {
			g, ok := parseMoney(s)
			if !ok {
				f.Errors["verifiedCost"] = tr(ctx, "web.budget_staff.verify.cost_invalid")
			}
			in.VerifiedCost = &g
		}
		// The service takes a yes or no: no choice at all is not "no".
		if f.Values["decision"] != budget.ProjectEligible && f.Values["decision"] != budget.ProjectIneligible {
			f.Errors["decision"] = tr(ctx, "web.budget_staff.verify.decision_required")
		}
		if !f.hasErrors() {
			_, err = h.svc.Budget.VerifyProject(ctx, in)
		}
	case "appeal":
		f, formFor = newForm(appealFields...).read(r), "appeal:"+pid.String()
		f.Prefix = appealPrefix(pid)
		if f.Values["upheld"] != "yes" && f.Values["upheld"] != "no" {
			f.Errors["upheld"] = tr(ctx, "web.budget_staff.appeal.decision_required")
		}
		if !f.hasErrors() {
			_, err = h.svc.Budget.DecideAppeal(ctx, pid, f.Values["upheld"] == "yes", f.Values["reason"])
		}
	default:
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	switch {
	case f.hasErrors():
		h.renderVerification(w, r, id, http.StatusUnprocessableEntity, f, formFor, "")
	case err != nil:
		h.renderVerification(w, r, id, f.fail(ctx, err), f, formFor, "")
	default:
		seeOther(w, r, budgetVerificationPath(id)+"?saved=1")
	}
}

// parseMoney reads an amount in złoty ("1234.56", "1 234,56") as grosze.
func parseMoney(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSuffix(strings.TrimSpace(s), "zł"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	c, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || c < 0 {
		return 0, false
	}
	return w*100 + c, true
}

// plainMoney is grosze as a form's value: "1234.56".
func plainMoney(g int64) string {
	return strconv.FormatInt(g/100, 10) + "." + strconv.FormatInt(100+g%100, 10)[1:]
}

// Paper ballots.

type paperView struct {
	Edition    *budget.Edition
	Form       *form
	Points     []budget.VotingPoint
	Districts  []budget.Pool
	Groups     []ballotGroup
	Mismatched []paperRow // the sheets whose two entries differ
	Sheets     []paperRow
	Total      int
	NextURL    string
	Resolve    *paperRow // the mismatched sheet being resolved
	CanResolve bool
	Notice     string
}

type paperRow struct {
	Sheet budget.PaperSheet
	Point string
}

// paperFields are the paper form's fields besides the picks.
var paperFields = []string{"point", "sheetNumber", "identifierType", "identifier", "voterDistrict", "byGuardian", "sheet"}

// identifierTypes are the documents a voter may present.
var identifierTypes = []string{identity.IdentifierPESEL, identity.IdentifierPassport, identity.IdentifierResidenceCard, identity.IdentifierOther}

var paperStatuses = []budget.PaperStatus{budget.PaperPending, budget.PaperMismatch, budget.PaperCounted, budget.PaperInvalid, budget.PaperRejected}

func budgetPaperResolvePath(id, sheet uuid.UUID) string {
	return budgetPaperPath(id) + "?sheet=" + sheet.String() + "#h-paper-form"
}

func (h *Handler) paperPage(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetPaperPath(id)) {
		return
	}
	ctx := r.Context()
	f := newForm(paperFields...)
	q := r.URL.Query()
	f.Values["sheet"] = q.Get("sheet")
	f.Values["point"] = q.Get("point")
	f.Values["identifierType"] = identity.IdentifierPESEL
	if st := budget.PaperStatus(q.Get("status")); q.Get("entered") != "" && containsStatus(st) {
		f.Notice = tr(ctx, "web.budget_staff.paper.done."+string(st), "sheet", q.Get("entered"))
	}
	h.renderPaper(w, r, id, http.StatusOK, f, nil)
}

func containsStatus(st budget.PaperStatus) bool {
	for _, s := range paperStatuses {
		if s == st {
			return true
		}
	}
	return false
}

// renderPaper shows the entry form (or, with a mismatched sheet, the
// resolution form), the sheets to resolve and the sheets entered so far.
func (h *Handler) renderPaper(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, f *form, chosen map[string][]string) {
	ctx := r.Context()
	e, err := h.svc.Budget.Edition(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	// The list first: it is the service's answer to who may enter sheets.
	sheets, err := h.svc.Budget.PaperBallots(ctx, id, budget.PaperFilter{}, page.MaxSize, r.URL.Query().Get("after"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	mismatched, err := h.svc.Budget.PaperBallots(ctx, id, budget.PaperFilter{Status: budget.PaperMismatch}, page.MaxSize, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	pools, err := h.svc.Budget.Pools(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	projects, err := h.svc.Budget.EditionProjects(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	texts, err := h.projectTexts(ctx, flatten(projects), false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	points, err := h.svc.Budget.VotingPoints(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	// Resolving is the managers' ("manage", as changing the results'
	// settings is, until publication).
	can, err := h.svc.Budget.ResultActions(ctx, e)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	pointNames := make(map[uuid.UUID]string, len(points))
	for _, p := range points {
		pointNames[p.ID] = p.Name
	}
	v := paperView{Edition: e, Form: f, Points: points, Total: sheets.Total, CanResolve: can.UpdateSettings, Notice: f.Notice}
	f.Notice = ""
	v.Groups, v.Districts = ballotGroups(ctx, e, pools, projects, texts, "", chosen)
	for _, s := range sheets.Items {
		v.Sheets = append(v.Sheets, paperRow{Sheet: s, Point: pointNames[s.PointID]})
	}
	for _, s := range mismatched.Items {
		row := paperRow{Sheet: s, Point: pointNames[s.PointID]}
		v.Mismatched = append(v.Mismatched, row)
		if v.CanResolve && f.Values["sheet"] == s.ID.String() {
			v.Resolve = &row
		}
	}
	if v.Resolve == nil {
		f.Values["sheet"] = ""
	}
	if sheets.HasNext {
		v.NextURL = budgetPaperPath(id) + "?after=" + url.QueryEscape(sheets.Items[len(sheets.Items)-1].Cursor())
	}
	h.render(w, r, status, budgetPaperPage(v))
}

// paperEnter records one entry of a sheet, or the commission's resolution
// of a mismatched one, exactly as entered: a ballot breaking the rules is
// the service's to count as invalid, so the form checks nothing itself.
func (h *Handler) paperEnter(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetPaperPath(id)) {
		return
	}
	ctx := r.Context()
	pools, err := h.svc.Budget.Pools(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	projects, err := h.svc.Budget.EditionProjects(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	picks, chosen := readPicks(r, pools, projects)
	fields := append([]string{}, paperFields...)
	for k := range chosen {
		fields = append(fields, k)
	}
	f := newForm(fields...).read(r)
	voter := budget.VoterEntry{IdentifierType: f.Values["identifierType"], Identifier: f.Values["identifier"], District: f.Values["voterDistrict"]}
	byGuardian := f.Values["byGuardian"] != ""
	var sheet *budget.PaperSheet
	if s := f.Values["sheet"]; s != "" {
		sheetID, perr := uuid.Parse(s)
		if perr != nil {
			h.fail(w, r, http.StatusNotFound, "web.error.not_found")
			return
		}
		sheet, err = h.svc.Budget.ResolvePaperBallot(ctx, sheetID, voter, byGuardian, picks)
	} else {
		point, perr := uuid.Parse(f.Values["point"])
		if perr != nil {
			f.Errors["point"] = tr(ctx, "web.budget_staff.paper.point_required")
			h.renderPaper(w, r, id, http.StatusUnprocessableEntity, f, chosen)
			return
		}
		sheet, err = h.svc.Budget.EnterPaperBallot(ctx, budget.PaperEntryInput{PointID: point, SheetNumber: f.Values["sheetNumber"],
			Voter: voter, ByGuardian: byGuardian, Picks: picks})
	}
	if err != nil {
		status := paperFail(ctx, f, err)
		if status == http.StatusInternalServerError {
			h.cfg.Log.Error("web: paper ballot", "err", err)
		}
		h.renderPaper(w, r, id, status, f, chosen)
		return
	}
	q := url.Values{"entered": {sheet.SheetNumber}, "status": {string(sheet.Status)}}
	if sheet.Status == budget.PaperPending || f.Values["sheet"] == "" {
		q.Set("point", sheet.PointID.String()) // the next sheet is likely from the same point
	}
	seeOther(w, r, budgetPaperPath(id)+"?"+q.Encode())
}

// paperFail puts the service's error next to the field it concerns: the
// voter's document and district are the form's identifier fields.
func paperFail(ctx context.Context, f *form, err error) int {
	status := f.fail(ctx, err)
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return status
	}
	field := strings.TrimPrefix(ae.Field, "voter.")
	switch field {
	case "district":
		field = "voterDistrict"
	case "identifierType", "identifier", "sheetNumber":
	default:
		return status
	}
	if f.Errors[field] == "" {
		f.Errors[field] = i18n.T(reqFrom(ctx).Locale, ae.Key, ae.Args)
		f.Error = ""
	}
	return status
}

// sheetReason is why a sheet is invalid or rejected, in the page's words.
func sheetReason(ctx context.Context, s budget.PaperSheet) string {
	if s.Reason == "" {
		return ""
	}
	return tr(ctx, s.Reason)
}

// Live turnout and standings.

type turnoutView struct {
	Edition   *budget.Edition
	Ballots   int
	At        string
	Standings []standingPool // nil: not shown to this viewer
}

type standingPool struct {
	ID       uuid.UUID
	Name     string
	Ballots  int
	Withheld bool
	Projects []standingRow
}

type standingRow struct {
	projectRow
	Votes, Score int64
}

// turnoutWait bounds the wait for the first reading of an edition's counts.
const turnoutWait = 10 * time.Second

func (h *Handler) turnoutPage(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok {
		return
	}
	ctx := r.Context()
	e, err := h.svc.Budget.Edition(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	t, ok, err := h.turnoutNow(ctx, e)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if !ok {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	v := turnoutView{Edition: e, Ballots: t.Ballots, At: dayTime(ctx, t.At)}
	if t.Standings != nil {
		pools, err := h.svc.Budget.Pools(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		projects, err := h.svc.Budget.EditionProjects(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		texts, err := h.projectTexts(ctx, flatten(projects), false)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		byID := map[uuid.UUID]budget.Project{}
		for _, p := range flatten(projects) {
			byID[p.ID] = p
		}
		names := poolNames(ctx, pools)
		v.Standings = []standingPool{}
		for _, ps := range t.Standings {
			sp := standingPool{ID: ps.PoolID, Name: names[ps.PoolID], Ballots: ps.Ballots, Withheld: ps.Withheld}
			for _, pr := range ps.Projects {
				p, ok := byID[pr.ProjectID]
				if !ok {
					continue
				}
				sp.Projects = append(sp.Projects, standingRow{projectRow: projectRow{ID: p.ID, Code: p.Code, Title: projectTitle(p, texts),
					Cost: money(ctx, p.Cost, e.Currency)}, Votes: pr.Votes, Score: pr.Score})
			}
			v.Standings = append(v.Standings, sp)
		}
	}
	h.render(w, r, http.StatusOK, budgetTurnoutPage(v))
}

// turnoutNow is the edition's current reading as the caller may see it,
// from the same watch that feeds the ballotTurnout subscription (the
// service's visibility decision: TurnoutView); ok is false when hidden.
func (h *Handler) turnoutNow(ctx context.Context, e *budget.Edition) (budget.Turnout, bool, error) {
	view := budget.TurnoutView(ctx, e)
	if view == live.Hidden {
		return budget.Turnout{}, false, nil
	}
	got := make(chan budget.TurnoutSnapshot, 1)
	stop := h.svc.Budget.WatchTurnout(e.ID, func() live.View { return view }, func(s budget.TurnoutSnapshot) {
		select {
		case got <- s:
		default: // the first reading is enough
		}
	})
	defer stop()
	timeout := time.NewTimer(turnoutWait)
	defer timeout.Stop()
	select {
	case s := <-got:
		t, ok := s.For(view)
		return t, ok, nil
	case <-ctx.Done():
		return budget.Turnout{}, false, ctx.Err()
	case <-timeout.C:
		return budget.Turnout{}, false, errors.New("web: no turnout reading")
	}
}

// turnoutEvents tells the turnout page that the counts have changed.
func (h *Handler) turnoutEvents(w http.ResponseWriter, r *http.Request) {
	id, ok := h.parseID(w, r, r.PathValue("edition"))
	if !ok {
		return
	}
	h.liveEvents(w, r, func(ctx context.Context) (<-chan struct{}, error) {
		return h.svc.Live.Turnout(ctx, id)
	})
}

// Certification and publication.

type commissionView struct {
	Edition *budget.Edition
	Can     budget.ResultActions
	State   budget.ResultState
	Cert    *budget.Certification
	Ties    []tieView
	// The paper sheets as entered, when the caller may list them (-1 when
	// not): the invalid ones, and those still awaiting an entry or a
	// resolution.
	PaperInvalid, PaperOpen int
	Form                    *form // the certification
	Publish                 *form
	Notice                  string
}

// tieView is a pool whose result records a tie-break: its public note is
// the commission's to write.
type tieView struct {
	PoolID     uuid.UUID
	Pool       string
	Field      string
	Selected   []string // codes
	PassedOver []string
	Note       string // the record's note, once made
}

func tieField(pool uuid.UUID) string { return "tie-" + pool.String() }

func (h *Handler) commissionPage(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetCommissionPath(id)) {
		return
	}
	f := newForm("invalidBallots", "tieBreakNotes", "note")
	if r.URL.Query().Has("signed") {
		f.Notice = tr(r.Context(), "web.budget_staff.commission.signed")
	}
	h.renderCommission(w, r, id, http.StatusOK, f, newForm())
}

func (h *Handler) renderCommission(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, f, pub *form) {
	ctx := r.Context()
	e, err := h.svc.Budget.Edition(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	st, err := h.svc.Budget.ResultState(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	can, err := h.svc.Budget.ResultActions(ctx, e)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	cert, err := h.svc.Budget.Certification(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := commissionView{Edition: e, Can: can, State: st, Cert: cert, Form: f, Publish: pub, Notice: f.Notice, PaperInvalid: -1, PaperOpen: -1}
	f.Notice = ""
	if st.Computation > 0 {
		results, err := h.svc.Budget.Results(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		pools, err := h.svc.Budget.Pools(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		projects, err := h.svc.Budget.EditionProjects(ctx, id)
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		codes := map[uuid.UUID]string{}
		for _, p := range flatten(projects) {
			codes[p.ID] = p.Code
		}
		names := poolNames(ctx, pools)
		notes := map[uuid.UUID]string{}
		if cert != nil {
			for _, n := range cert.TieBreakNotes {
				notes[n.PoolID] = n.Note
			}
		}
		for _, res := range results {
			if len(res.TieBreaks) == 0 {
				continue
			}
			tv := tieView{PoolID: res.PoolID, Pool: names[res.PoolID], Field: tieField(res.PoolID), Note: notes[res.PoolID]}
			for _, tb := range res.TieBreaks {
				for _, p := range tb.Selected {
					tv.Selected = append(tv.Selected, codes[p])
				}
				for _, p := range tb.PassedOver {
					tv.PassedOver = append(tv.PassedOver, codes[p])
				}
			}
			v.Ties = append(v.Ties, tv)
		}
	}
	// Paper sheets as entered help the commission count invalid ballots;
	// only those who may list them see the numbers.
	if inv, err := h.svc.Budget.PaperBallots(ctx, id, budget.PaperFilter{Status: budget.PaperInvalid}, 1, ""); err == nil {
		v.PaperInvalid = inv.Total
		open := 0
		for _, s := range []budget.PaperStatus{budget.PaperPending, budget.PaperMismatch} {
			p, err := h.svc.Budget.PaperBallots(ctx, id, budget.PaperFilter{Status: s}, 1, "")
			if err != nil {
				h.failErr(w, r, err)
				return
			}
			open += p.Total
		}
		v.PaperOpen = open
	}
	h.render(w, r, status, budgetCommissionPage(v))
}

// certify signs the current computation with the commission's record.
func (h *Handler) certify(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetCommissionPath(id)) {
		return
	}
	ctx := r.Context()
	fields := []string{"invalidBallots", "tieBreakNotes", "note"}
	var ties []uuid.UUID
	for k := range r.PostForm {
		if s, ok := strings.CutPrefix(k, "tie-"); ok {
			if pool, err := uuid.Parse(s); err == nil {
				ties = append(ties, pool)
				fields = append(fields, k)
			}
		}
	}
	f := newForm(fields...).read(r)
	in := budget.CertifyInput{EditionID: id, Note: f.Values["note"]}
	n, err := strconv.Atoi(strings.TrimSpace(f.Values["invalidBallots"]))
	if err != nil {
		f.Errors["invalidBallots"] = tr(ctx, "web.budget_staff.commission.count_invalid")
		h.renderCommission(w, r, id, http.StatusUnprocessableEntity, f, newForm())
		return
	}
	in.InvalidBallots = n
	for _, pool := range ties {
		if note := strings.TrimSpace(f.Values[tieField(pool)]); note != "" {
			in.TieBreakNotes = append(in.TieBreakNotes, budget.TieBreakNote{PoolID: pool, Note: note})
		}
	}
	if _, err := h.svc.Budget.Certify(ctx, in); err != nil {
		h.renderCommission(w, r, id, f.fail(ctx, err), f, newForm())
		return
	}
	seeOther(w, r, budgetCommissionPath(id)+"?signed=1")
}

// publishResults publishes the certified results.
func (h *Handler) publishResults(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok || !signedInOr(w, r, budgetCommissionPath(id)) {
		return
	}
	ctx := r.Context()
	if _, err := h.svc.Budget.PublishResults(ctx, id); err != nil {
		pub := newForm()
		pub.Prefix = "publish-"
		status := pub.fail(ctx, err)
		h.renderCommission(w, r, id, status, newForm("invalidBallots", "tieBreakNotes", "note"), pub)
		return
	}
	seeOther(w, r, budgetResultsPath(id))
}

// certifiedBy lists the signatures: "Anna Nowak (12.06.2027)".
func certifiedBy(ctx context.Context, c *budget.Certification) []string {
	out := make([]string, 0, len(c.Signatures))
	for _, s := range c.Signatures {
		out = append(out, s.DisplayName+" ("+day(ctx, &s.SignedAt)+")")
	}
	return out
}

// mayPublish: the caller manages the results (the service's answer), the
// vote is closed and the record has its signatures; the mutation decides.
func mayPublish(v commissionView) bool {
	return v.Can.UpdateSettings && v.Edition.Status == budget.StatusClosed && v.Cert != nil && v.Cert.Certified()
}

func pointValues(ps []budget.VotingPoint) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID.String()
	}
	return out
}

func pointLabels(_ context.Context, ps []budget.VotingPoint) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
		if p.Address != "" {
			out[i] += ", " + p.Address
		}
	}
	return out
}

func identifierLabels(ctx context.Context) []string {
	out := make([]string, len(identifierTypes))
	for i, t := range identifierTypes {
		out[i] = tr(ctx, "web.budget_staff.paper.identifier_type."+t)
	}
	return out
}

func districtValues(ps []budget.Pool) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.District
	}
	return out
}

func districtLabels(ps []budget.Pool) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func dayTimePtr(ctx context.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	return dayTime(ctx, *t)
}

// tieForm is the certification form with a pool's tie-break note as the
// record has it, when the caller has not typed another.
func tieForm(f *form, t tieView) *form {
	if f.Values[t.Field] == "" && t.Note != "" {
		f.Values[t.Field] = t.Note
	}
	return f
}
