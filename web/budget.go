package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
	"github.com/otwarty/otwarty/internal/page"
)

// The civic budget's pages for residents: editions and their projects, a
// project with its support button, the ranked ballot (account, change, or a
// one-time voting code), the participation survey and the results. Like the
// API they decode, call internal/budget and render; every rule, permission
// and visibility decision is the service's.

// PathBudget is the civic budget's first page.
const PathBudget = "/budget"

// budgetRoutes registers the civic budget's pages. The project page and an
// edition's pages share the shape /budget/{x}/{y}, which ServeMux would
// refuse as two conflicting patterns, so one handler dispatches them.
func (h *Handler) budgetRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathBudget, h.budgetIndex)
	m.HandleFunc("GET "+PathBudget+"/{edition}", h.budgetEdition)
	m.HandleFunc("GET "+PathBudget+"/{x}/{y}", h.budgetThree)
	m.HandleFunc("POST "+PathBudget+"/{x}/{y}", h.budgetThree)
	m.HandleFunc("POST "+PathBudget+"/projects/{id}/support", h.budgetSupport)
	m.HandleFunc("POST "+PathBudget+"/projects/{id}/unsupport", h.budgetSupport)
	m.HandleFunc("POST "+PathBudget+"/{edition}/enrol", h.budgetEnrol)
	m.HandleFunc("POST "+PathBudget+"/survey", h.budgetSurvey)
}

func (h *Handler) budgetThree(w http.ResponseWriter, r *http.Request) {
	x, y := r.PathValue("x"), r.PathValue("y")
	switch {
	case x == "projects" && r.Method == http.MethodGet:
		h.budgetProject(w, r, y)
	case y == "vote" && r.Method == http.MethodGet:
		h.ballotForm(w, r, x)
	case y == "vote":
		h.ballotCast(w, r, x)
	case y == "results" && r.Method == http.MethodGet:
		h.budgetResults(w, r, x)
	case h.budgetStaffThree(w, r, x, y): // budget_staff.go
	default:
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
	}
}

func budgetEditionPath(id uuid.UUID) string { return PathBudget + "/" + id.String() }
func budgetVotePath(id uuid.UUID) string    { return budgetEditionPath(id) + "/vote" }
func budgetResultsPath(id uuid.UUID) string { return budgetEditionPath(id) + "/results" }
func budgetProjectPath(id uuid.UUID) string { return PathBudget + "/projects/" + id.String() }

// parseID reads an id of the path; a malformed one is a page that does not
// exist.
func (h *Handler) parseID(w http.ResponseWriter, r *http.Request, s string) (uuid.UUID, bool) {
	id, err := uuid.Parse(s)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return uuid.Nil, false
	}
	return id, true
}

// editionsShown bounds the other editions /budget links to.
const editionsShown = 10

type budgetEditionView struct {
	Edition  *budget.Edition
	Others   []*budget.Edition
	Pools    []budget.Pool
	PoolID   string // the filter: a pool's id, or "" for every pool
	Sections []poolSection
	Total    int
	NextURL  string
	Staff    staffLinks // budget_staff.go
}

type poolSection struct {
	Pool     budget.Pool
	Projects []projectRow
}

type projectRow struct {
	ID     uuid.UUID
	Code   string
	Title  *i18n.Text
	Cost   string
	Pool   string
	Status string
}

// budgetIndex shows the newest edition past its draft with its projects,
// and links to the others.
func (h *Handler) budgetIndex(w http.ResponseWriter, r *http.Request) {
	eds, err := h.svc.Budget.PublicEditions(r.Context(), editionsShown+1)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if len(eds) == 0 {
		h.render(w, r, http.StatusOK, budgetNonePage())
		return
	}
	h.editionPage(w, r, eds[0], eds[1:])
}

func (h *Handler) budgetEdition(w http.ResponseWriter, r *http.Request) {
	id, ok := h.parseID(w, r, r.PathValue("edition"))
	if !ok {
		return
	}
	e, err := h.svc.Budget.Edition(r.Context(), id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.editionPage(w, r, e, nil)
}

// editionPage lists a page of an edition's projects (every pool, or the one
// of the filter) by pool. Its statements do not depend on the number of
// projects: one list, one read of their texts.
func (h *Handler) editionPage(w http.ResponseWriter, r *http.Request, e *budget.Edition, others []*budget.Edition) {
	ctx := r.Context()
	pools, err := h.svc.Budget.Pools(ctx, e.ID)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := budgetEditionView{Edition: e, Others: others, Pools: pools}
	var f budget.ProjectFilter
	if s := r.URL.Query().Get("pool"); s != "" {
		if id, err := uuid.Parse(s); err == nil {
			f.PoolID, v.PoolID = &id, s
		}
	}
	after := r.URL.Query().Get("after")
	p, err := h.svc.Budget.EditionProjectList(ctx, e.ID, f, page.MaxSize, after)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	texts, err := h.projectTexts(ctx, p.Items, false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	byPool := map[uuid.UUID][]projectRow{}
	names := poolNames(ctx, pools)
	for _, it := range p.Items {
		byPool[it.PoolID] = append(byPool[it.PoolID], projectRow{ID: it.ID, Code: it.Code, Title: projectTitle(it, texts),
			Cost: money(ctx, it.Cost, e.Currency), Pool: names[it.PoolID], Status: tr(ctx, "web.budget.project_status."+projectStatus(it))})
	}
	for _, pl := range pools {
		if rows := byPool[pl.ID]; len(rows) > 0 {
			v.Sections = append(v.Sections, poolSection{Pool: pl, Projects: rows})
		}
	}
	v.Total = p.Total
	v.Staff = h.staffLinksFor(ctx, e, p.Items)
	if p.HasNext {
		q := url.Values{}
		if v.PoolID != "" {
			q.Set("pool", v.PoolID)
		}
		q.Set("after", p.Items[len(p.Items)-1].Cursor())
		v.NextURL = budgetEditionPath(e.ID) + "?" + q.Encode()
	}
	h.render(w, r, http.StatusOK, budgetEditionPage(v))
}

func projectStatus(p budget.Project) string {
	if p.Status == "" {
		return budget.ProjectEligible
	}
	return p.Status
}

// projectTexts reads the titles (and descriptions) of projects in one
// statement.
func (h *Handler) projectTexts(ctx context.Context, ps []budget.Project, descriptions bool) (map[uuid.UUID]*i18n.Text, error) {
	var ids []uuid.UUID
	for _, p := range ps {
		if p.TitleTextID != nil {
			ids = append(ids, *p.TitleTextID)
		}
		if descriptions && p.DescriptionTextID != nil {
			ids = append(ids, *p.DescriptionTextID)
		}
	}
	return i18n.Load(ctx, h.svc.Pool, ids)
}

// projectTitle is a resident's project's localised title, or the plain
// title of a staff-entered one as a Polish original (as the API shows it).
func projectTitle(p budget.Project, texts map[uuid.UUID]*i18n.Text) *i18n.Text {
	if p.TitleTextID != nil {
		if t := texts[*p.TitleTextID]; t != nil {
			return t
		}
	}
	return &i18n.Text{OriginalLocale: i18n.PL, Current: map[i18n.Locale]i18n.Version{
		i18n.PL: {Locale: i18n.PL, Body: p.Title, IsOriginal: true}}}
}

// poolNames names each pool for residents: the city-wide pool as such, a
// district by its name.
func poolNames(ctx context.Context, pools []budget.Pool) map[uuid.UUID]string {
	out := make(map[uuid.UUID]string, len(pools))
	for _, p := range pools {
		out[p.ID] = poolName(ctx, p)
	}
	return out
}

func poolName(ctx context.Context, p budget.Pool) string {
	if p.Kind == budget.KindCity {
		return tr(ctx, "web.budget.pool_city", "name", p.Name)
	}
	return p.Name
}

// money formats grosze in the page's language: "1 234,56 zł" in Polish,
// "PLN 1,234.56" in English, the currency's code in Ukrainian and Russian
// (CLDR's forms).
func money(ctx context.Context, grosze int64, currency string) string {
	if currency == "" {
		currency = "PLN"
	}
	neg := grosze < 0
	if neg {
		grosze = -grosze
	}
	whole, frac := strconv.FormatInt(grosze/100, 10), grosze%100
	l := reqFrom(ctx).Locale
	group, dec := "\u00a0", ","
	if l == i18n.EN {
		group, dec = ",", "."
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	n := b.String() + dec + strconv.FormatInt(100+frac, 10)[1:]
	if neg {
		n = "-" + n
	}
	switch {
	case l == i18n.EN:
		return currency + "\u00a0" + n
	case l == i18n.PL && currency == "PLN":
		return n + "\u00a0zł"
	}
	return n + "\u00a0" + currency
}

// Project page.

type budgetProjectView struct {
	Project     budget.Project
	Edition     *budget.Edition
	Pool        string
	Title       *i18n.Text
	Description *i18n.Text
	Cost        string
	Estimate    string
	Verified    string
	Status      string
	Submitted   string
	Mine        bool
	Supported   bool
	Can         budget.ProjectPermissions
	Notice      string
	Form        *form
}

func (h *Handler) budgetProject(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok {
		return
	}
	f := newForm()
	switch {
	case r.URL.Query().Has("supported"):
		f.Notice = tr(r.Context(), "web.budget.support_done")
	case r.URL.Query().Has("unsupported"):
		f.Notice = tr(r.Context(), "web.budget.unsupport_done")
	}
	h.projectPage(w, r, id, http.StatusOK, f)
}

func (h *Handler) projectPage(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, f *form) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	p, err := h.svc.Budget.Project(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	e, err := h.svc.Budget.Edition(ctx, p.EditionID)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	pools, err := h.svc.Budget.Pools(ctx, e.ID)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	texts, err := h.projectTexts(ctx, []budget.Project{*p}, true)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := budgetProjectView{Project: *p, Edition: e, Pool: poolNames(ctx, pools)[p.PoolID], Title: projectTitle(*p, texts),
		Cost: money(ctx, p.Cost, e.Currency), Status: tr(ctx, "web.budget.project_status."+projectStatus(*p)),
		Submitted: day(ctx, p.SubmittedAt), Can: h.svc.Budget.ProjectViewerCanIn(ctx, e, p), Form: f}
	if p.DescriptionTextID != nil {
		v.Description = texts[*p.DescriptionTextID]
	}
	if p.CostEstimate != 0 && p.CostEstimate != p.Cost {
		v.Estimate = money(ctx, p.CostEstimate, e.Currency)
	}
	if p.VerifiedCost != nil {
		v.Verified = money(ctx, *p.VerifiedCost, e.Currency)
	}
	if rq.Account != nil {
		v.Mine = p.ProposerID == rq.Account.ID
		sup, err := h.svc.Budget.SupportedProjects(ctx, rq.Account.ID, []uuid.UUID{p.ID})
		if err != nil {
			h.failErr(w, r, err)
			return
		}
		v.Supported = sup[p.ID]
	}
	h.render(w, r, status, budgetProjectPage(v))
}

// budgetSupport supports a project or withdraws the support.
func (h *Handler) budgetSupport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.parseID(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if reqFrom(r.Context()).Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(budgetProjectPath(id)))
		return
	}
	on := strings.HasSuffix(r.URL.Path, "/support")
	act, done := h.svc.Budget.UnsupportProject, "?unsupported=1"
	if on {
		act, done = h.svc.Budget.SupportProject, "?supported=1"
	}
	if _, err := act(r.Context(), id); err != nil {
		f := newForm()
		status := f.fail(r.Context(), err)
		h.projectPage(w, r, id, status, f)
		return
	}
	seeOther(w, r, budgetProjectPath(id)+done)
}

// The ballot.

// ballotGroup is one question of the ballot form: a city-wide pool, or all
// district pools together (a voter picks in their own district's pool, and
// only the service knows which that is).
type ballotGroup struct {
	Key       string // "city-<pool id>" or "district": the field of its errors
	Legend    string
	Hint      string
	Ranks     []int
	Points    []int64
	Options   []ballotOptGroup
	Min, Max  int
	District  bool
	Selection []string // the project chosen at each rank
}

type ballotOptGroup struct {
	Label    string // the district; "" for a city-wide pool
	District string
	Projects []ballotOption
}

type ballotOption struct {
	ID    string
	Label string
	Lang  string // the label's language when not the page's
}

type ballotView struct {
	Edition   *budget.Edition
	Form      *form
	Groups    []ballotGroup
	Districts []budget.Pool
	District  string // the GET filter of the district projects
	Anonymous bool
	Change    bool
	Enrol     bool // the caller is not on the roll: offer enrolment
}

// ballotFields are a ballot form's fields besides the picks.
var ballotFields = []string{"code", "currentKey", "ballotKey", "mode"}

func (h *Handler) ballotForm(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok {
		return
	}
	f := newForm(ballotFields...)
	q := r.URL.Query()
	if q.Has("enrolled") {
		f.Notice = tr(r.Context(), "web.budget.enrolled")
	}
	change := q.Get("change") == "1"
	if change {
		if c, err := r.Cookie(ballotCookie(id)); err == nil {
			f.Values["currentKey"] = c.Value
		}
	}
	h.ballotPage(w, r, id, http.StatusOK, f, ballotState{Change: change})
}

// ballotState is what a ballot page shows besides its form.
type ballotState struct {
	Change bool                // the change of a ballot cast before
	Chosen map[string][]string // the projects chosen, by group and rank
	Enrol  bool                // the caller is not on the roll: offer enrolment
}

// ballotPage renders the ballot of an edition with f's values and errors.
func (h *Handler) ballotPage(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int, f *form, st ballotState) {
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
	projects, err := h.svc.Budget.EditionProjects(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	var all []budget.Project
	for _, ps := range projects {
		all = append(all, ps...)
	}
	texts, err := h.projectTexts(ctx, all, false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if f.Values["ballotKey"] == "" {
		f.Values["ballotKey"] = newBallotKey()
	}
	district := r.URL.Query().Get("district")
	v := ballotView{Edition: e, Form: f, District: district, Anonymous: reqFrom(ctx).Account == nil, Change: st.Change,
		Enrol: st.Enrol}
	v.Groups, v.Districts = ballotGroups(ctx, e, pools, projects, texts, district, st.Chosen)
	h.render(w, r, status, budgetBallotPage(v))
}

// ballotGroups are the ballot's questions: one per city-wide pool and one
// for the district pools (each district an option group; only district's
// when it is not ""), with the projects chosen before. The paper ballot's
// entry form asks the same questions.
func ballotGroups(ctx context.Context, e *budget.Edition, pools []budget.Pool, projects map[uuid.UUID][]budget.Project,
	texts map[uuid.UUID]*i18n.Text, district string, chosen map[string][]string) ([]ballotGroup, []budget.Pool) {
	var groups []ballotGroup
	var districts []budget.Pool
	dg := -1
	for _, p := range pools {
		if p.Kind == budget.KindDistrict {
			districts = append(districts, p)
		}
	}
	for _, p := range pools {
		og := ballotOptGroup{District: p.District}
		for _, pr := range projects[p.ID] {
			t := projectTitle(pr, texts).Resolve(reqFrom(ctx).Locale)
			o := ballotOption{ID: pr.ID.String(), Label: pr.Code + " · " + t.Text + " · " + money(ctx, pr.Cost, e.Currency)}
			if t.Locale != reqFrom(ctx).Locale {
				o.Lang = string(t.Locale)
			}
			og.Projects = append(og.Projects, o)
		}
		if p.Kind == budget.KindCity {
			g := newBallotGroup(ctx, "city-"+p.ID.String(), poolName(ctx, p), p)
			g.Options = []ballotOptGroup{og}
			g.Selection = chosen[g.Key]
			groups = append(groups, g)
			continue
		}
		if district != "" && p.District != district {
			continue
		}
		og.Label = p.Name
		if dg < 0 {
			g := newBallotGroup(ctx, "district", tr(ctx, "web.budget.ballot.district_legend"), p)
			g.District = true
			g.Selection = chosen[g.Key]
			groups = append(groups, g)
			dg = len(groups) - 1
		}
		groups[dg].Options = append(groups[dg].Options, og)
	}
	return groups, districts
}

// newBallotGroup describes a pool's ballot rule to the voter: how many
// projects, ranked with which points.
func newBallotGroup(ctx context.Context, key, legend string, p budget.Pool) ballotGroup {
	g := ballotGroup{Key: key, Legend: legend, Min: 0, Max: p.PickCount}
	switch p.PickMode {
	case budget.PickExactly:
		g.Min = p.PickCount
		g.Hint = tr(ctx, "web.budget.ballot.pick_exactly", "count", p.PickCount)
	case budget.PickAtLeast:
		g.Min = p.PickCount
		g.Hint = tr(ctx, "web.budget.ballot.pick_at_least", "count", p.PickCount)
	default:
		g.Hint = tr(ctx, "web.budget.ballot.pick_at_most", "count", p.PickCount)
	}
	if !p.Required {
		g.Min = 0
		g.Hint += " " + tr(ctx, "web.budget.ballot.optional")
	}
	for i := 1; i <= p.PickCount; i++ {
		g.Ranks = append(g.Ranks, i)
	}
	if p.BallotKind == budget.BallotRanked {
		g.Points = p.Points
		g.Hint += " " + tr(ctx, "web.budget.ballot.ranked")
	}
	return g
}

// rankLabel is a rank's label: "1st choice (3 points)".
func rankLabel(ctx context.Context, g ballotGroup, rank int) string {
	if len(g.Points) >= rank {
		return tr(ctx, "web.budget.ballot.rank_points", "rank", rank, "points", g.Points[rank-1])
	}
	return tr(ctx, "web.budget.ballot.rank", "rank", rank)
}

func pickField(key string, rank int) string {
	if rank == 1 {
		return key
	}
	return key + "-" + strconv.Itoa(rank)
}

func (g ballotGroup) selected(rank int) string {
	if rank-1 < len(g.Selection) {
		return g.Selection[rank-1]
	}
	return ""
}

// readPicks decodes the posted ballot: each group's projects in rank order
// (an empty rank is skipped), put in their pools by the edition's project
// list. A project not on the ballot goes under no pool, which the service
// refuses.
func readPicks(r *http.Request, pools []budget.Pool, projects map[uuid.UUID][]budget.Project) (map[uuid.UUID][]uuid.UUID, map[string][]string) {
	poolOf := map[uuid.UUID]uuid.UUID{}
	for pool, ps := range projects {
		for _, p := range ps {
			poolOf[p.ID] = pool
		}
	}
	keys := []string{"district"}
	max := map[string]int{}
	for _, p := range pools {
		k := "district"
		if p.Kind == budget.KindCity {
			k = "city-" + p.ID.String()
			keys = append(keys, k)
		}
		max[k] = maxInt(max[k], p.PickCount)
	}
	picks := map[uuid.UUID][]uuid.UUID{}
	chosen := map[string][]string{}
	for _, k := range keys {
		for rank := 1; rank <= max[k]; rank++ {
			s := r.PostFormValue(pickField(k, rank))
			chosen[k] = append(chosen[k], s)
			if s == "" {
				continue
			}
			id, err := uuid.Parse(s)
			if err != nil {
				id = uuid.Nil
			}
			pool := poolOf[id]
			picks[pool] = append(picks[pool], id)
		}
	}
	return picks, chosen
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// ballotCast casts (or changes) the ballot and shows the confirmation with
// the survey. The service's errors go next to the group they concern.
func (h *Handler) ballotCast(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok {
		return
	}
	ctx, rq := r.Context(), reqFrom(r.Context())
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
	fields := append([]string{}, ballotFields...)
	for k := range chosen {
		fields = append(fields, k)
	}
	f := newForm(fields...).read(r)
	change := f.Values["mode"] == "change"
	var receipt budget.Receipt
	switch {
	case rq.Account == nil:
		if rl := h.cfg.RateLimits.AnonIP; rl != nil && !rl.Allow(rq.Meta.IP) {
			err = apperr.ErrRateLimited
			break
		}
		receipt, err = h.svc.Budget.CastBallotWithCode(ctx, budget.CodeBallotInput{Code: f.Values["code"], BallotKey: f.Values["ballotKey"], Picks: picks})
	case change:
		receipt, err = h.svc.Budget.ChangeBallot(ctx, budget.ChangeInput{EditionID: id, BallotKey: f.Values["currentKey"],
			NewBallotKey: f.Values["ballotKey"], Picks: picks})
	default:
		receipt, err = h.svc.Budget.CastBallot(ctx, budget.BallotInput{EditionID: id, BallotKey: f.Values["ballotKey"], Picks: picks})
	}
	if err != nil {
		status := h.ballotFail(ctx, f, err, pools)
		if status == http.StatusInternalServerError {
			h.cfg.Log.Error("web: ballot", "err", err)
		}
		h.ballotPage(w, r, id, status, f, ballotState{Change: change, Chosen: chosen,
			Enrol: errors.Is(err, budget.ErrNotRegistered)})
		return
	}
	e, err := h.svc.Budget.Edition(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if rq.Account != nil {
		// The key proves the ballot is the voter's when they change it.
		h.setCookie(w, ballotCookie(id), f.Values["ballotKey"], 90*24*time.Hour)
	}
	texts, err := h.projectTexts(ctx, flatten(projects), false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := receiptView{Edition: e, CastOn: receipt.CastOn.Format("02.01.2006"), Key: f.Values["ballotKey"],
		SurveyToken: receipt.SurveyToken, Changed: change, Account: rq.Account != nil, Survey: newForm(surveyFields()...)}
	names := poolNames(ctx, pools)
	for _, p := range pools {
		ids := picks[p.ID]
		if len(ids) == 0 {
			continue
		}
		c := receiptPool{Pool: names[p.ID]}
		for _, pid := range ids {
			for _, pr := range projects[p.ID] {
				if pr.ID == pid {
					c.Projects = append(c.Projects, projectRow{ID: pr.ID, Code: pr.Code, Title: projectTitle(pr, texts), Cost: money(ctx, pr.Cost, e.Currency)})
				}
			}
		}
		v.Pools = append(v.Pools, c)
	}
	h.render(w, r, http.StatusOK, budgetReceiptPage(v))
}

func flatten(m map[uuid.UUID][]budget.Project) []budget.Project {
	var out []budget.Project
	for _, ps := range m {
		out = append(out, ps...)
	}
	return out
}

// ballotFail puts a service's error on the ballot form: a rule of a pool
// next to that pool's group (the error names the pool), a district pool's
// or a pool the voter may not vote in next to the district group, the code
// and the keys next to their fields.
func (h *Handler) ballotFail(ctx context.Context, f *form, err error, pools []budget.Pool) int {
	status := f.fail(ctx, err)
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return status
	}
	field := ""
	switch {
	case ae.Key == budget.ErrCodeInvalid.Key:
		field = "code"
	case ae.Key == budget.ErrKeyMismatch.Key || ae.Field == "ballotKey" && f.Values["mode"] == "change":
		field = "currentKey"
	case ae.Field == "picks" && ae.Key != "ballot.empty":
		field = "district"
		if name, ok := ae.Args["pool"].(string); ok {
			for _, p := range pools {
				if p.Name == name && p.Kind == budget.KindCity {
					field = "city-" + p.ID.String()
				}
			}
		}
	}
	msg := i18n.T(reqFrom(ctx).Locale, ae.Key, ae.Args)
	// The new ballot's key is the page's own hidden field: its error (none
	// is expected) is the form's.
	delete(f.Errors, "ballotKey")
	f.Error = ""
	if field == "" {
		f.Error = msg
	} else {
		f.Errors[field] = msg
	}
	return status
}

func ballotCookie(edition uuid.UUID) string { return "otwarty_ballot_" + edition.String() }

// newBallotKey is a ballot's random key: a retry of the same form is the
// same ballot.
func newBallotKey() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type receiptView struct {
	Edition     *budget.Edition
	CastOn      string
	Key         string
	SurveyToken string
	Changed     bool
	Account     bool
	Pools       []receiptPool
	Survey      *form
}

type receiptPool struct {
	Pool     string
	Projects []projectRow
}

// budgetEnrol puts the verified caller on the roll of their district.
func (h *Handler) budgetEnrol(w http.ResponseWriter, r *http.Request) {
	id, ok := h.parseID(w, r, r.PathValue("edition"))
	if !ok {
		return
	}
	if reqFrom(r.Context()).Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(budgetVotePath(id)))
		return
	}
	f := newForm(append(append([]string{}, ballotFields...), "enrolDistrict")...).read(r)
	if _, err := h.svc.Budget.RegisterAccountVoter(r.Context(), id, f.Values["enrolDistrict"]); err != nil {
		status := f.fail(r.Context(), err)
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Field == "district" {
			f.Errors["enrolDistrict"], f.Error = i18n.T(reqFrom(r.Context()).Locale, ae.Key, ae.Args), ""
		}
		h.ballotPage(w, r, id, status, f, ballotState{Enrol: true})
		return
	}
	seeOther(w, r, budgetVotePath(id)+"?enrolled=1")
}

// The participation survey.

func surveyFields() []string {
	out := make([]string, 0, len(budget.SurveyQuestions))
	for _, q := range budget.SurveyQuestions {
		out = append(out, q.Name)
	}
	return out
}

func (h *Handler) budgetSurvey(w http.ResponseWriter, r *http.Request) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	if rl := h.cfg.RateLimits.AnonIP; rq.Account == nil && rl != nil && !rl.Allow(rq.Meta.IP) {
		h.failErr(w, r, apperr.ErrRateLimited)
		return
	}
	f := newForm(surveyFields()...).read(r)
	token := r.PostFormValue("token")
	answers := budget.SurveyAnswers{}
	for k, v := range f.Values {
		if v != "" {
			answers[k] = v
		}
	}
	if err := h.svc.Budget.AnswerSurvey(ctx, token, answers); err != nil {
		status := f.fail(ctx, err)
		h.render(w, r, status, budgetSurveyPage(f, token))
		return
	}
	h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.budget.survey.thanks_title"), tr(ctx, "web.budget.survey.thanks"),
		PathBudget, tr(ctx, "web.budget.back")))
}

// Results.

type resultsView struct {
	Edition *budget.Edition
	Pools   []resultPool
}

type resultPool struct {
	Name     string
	Budget   string
	Cost     string
	Ballots  int
	Projects []resultRow
}

type resultRow struct {
	projectRow
	Votes, Score int64
	Position     int
}

func (h *Handler) budgetResults(w http.ResponseWriter, r *http.Request, idText string) {
	id, ok := h.parseID(w, r, idText)
	if !ok {
		return
	}
	ctx := r.Context()
	results, err := h.svc.Budget.Results(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
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
	projects, err := h.svc.Budget.EditionProjects(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	all := flatten(projects)
	texts, err := h.projectTexts(ctx, all, false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	byID := make(map[uuid.UUID]budget.Project, len(all))
	for _, p := range all {
		byID[p.ID] = p
	}
	poolByID := make(map[uuid.UUID]budget.Pool, len(pools))
	for _, p := range pools {
		poolByID[p.ID] = p
	}
	v := resultsView{Edition: e}
	for _, res := range results {
		pl := poolByID[res.PoolID]
		rp := resultPool{Name: poolName(ctx, pl), Budget: money(ctx, pl.Budget, e.Currency), Cost: money(ctx, res.Cost, e.Currency), Ballots: res.Ballots}
		for _, pr := range res.Projects {
			p := byID[pr.ProjectID]
			if p.ID == uuid.Nil {
				p = budget.Project{ID: pr.ProjectID, ProjectInput: budget.ProjectInput{Code: pr.Code}}
			}
			rp.Projects = append(rp.Projects, resultRow{projectRow: projectRow{ID: p.ID, Code: pr.Code, Title: projectTitle(p, texts),
				Cost: money(ctx, p.Cost, e.Currency)}, Votes: pr.Votes, Score: pr.Score, Position: pr.Position})
		}
		v.Pools = append(v.Pools, rp)
	}
	h.render(w, r, http.StatusOK, budgetResultsPage(v))
}

// editionTitle names an edition: "Budżet Obywatelski 2027".
func editionTitle(ctx context.Context, e *budget.Edition) string {
	return tr(ctx, "web.budget.edition_title", "year", e.Year)
}

// votingOpen tells the pages whether to offer the ballot; the service
// decides whether a ballot is taken.
func votingOpen(e *budget.Edition) bool { return e.Status == budget.StatusVoting }

func resultsPublished(e *budget.Edition) bool { return e.Status == budget.StatusResultsPublished }

func votingDates(ctx context.Context, e *budget.Edition) string {
	if e.VotingOpensAt == nil || e.VotingClosesAt == nil {
		return ""
	}
	return tr(ctx, "web.budget.voting_dates", "from", day(ctx, e.VotingOpensAt), "to", day(ctx, e.VotingClosesAt))
}
