package web

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
)

// homeLimit bounds each "open now" list; a later page lists everything.
const homeLimit = 20

type homeView struct {
	Consultations []homeConsultation
	Budget        []homeBudget
	Ambassador    []homeAmbassador
}

// homeBudget is a civic budget edition taking projects or votes now.
type homeBudget struct {
	ID       uuid.UUID
	Year     int
	Voting   bool // else: taking projects
	ClosesAt string
	DaysLeft int
}

type homeConsultation struct {
	ID       uuid.UUID
	Title    *i18n.Text
	ClosesAt string
	DaysLeft int // calendar days in Warsaw until it closes; -1 unknown
}

type homeAmbassador struct {
	ID       uuid.UUID
	Year     int
	ClosesAt string
}

// home shows what is open now. The lists come from the services, which show
// a visitor only what they may see.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var v homeView
	open := consultation.StatusOpen
	cs, err := h.svc.Consultations.List(ctx, consultation.Filter{Status: &open}, homeLimit, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	ids := make([]uuid.UUID, 0, len(cs.Items))
	for _, c := range cs.Items {
		ids = append(ids, c.TitleTextID)
	}
	texts, err := i18n.Load(ctx, h.svc.Pool, ids)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	for _, c := range cs.Items {
		v.Consultations = append(v.Consultations, homeConsultation{ID: c.ID, Title: texts[c.TitleTextID], ClosesAt: day(ctx, c.ClosesAt),
			DaysLeft: daysLeft(h.cfg.Now(), c.ClosesAt)})
	}
	bes, err := h.svc.Budget.PublicEditions(ctx, budget.MaxPublicEditions)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	for _, e := range bes {
		switch e.Status {
		case budget.StatusVoting:
			v.Budget = append(v.Budget, homeBudget{ID: e.ID, Year: e.Year, Voting: true, ClosesAt: day(ctx, e.VotingClosesAt), DaysLeft: daysLeft(h.cfg.Now(), e.VotingClosesAt)})
		case budget.StatusSubmission:
			v.Budget = append(v.Budget, homeBudget{ID: e.ID, Year: e.Year, ClosesAt: day(ctx, e.SubmissionClosesAt), DaysLeft: daysLeft(h.cfg.Now(), e.SubmissionClosesAt)})
		}
	}
	eds, err := h.svc.Ambassador.Editions(ctx, homeLimit, "")
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	for _, e := range eds.Items {
		if e.Phase == ambassador.PhaseNominations {
			v.Ambassador = append(v.Ambassador, homeAmbassador{ID: e.ID, Year: e.Year, ClosesAt: day(ctx, &e.Schedule.NominationsClose)})
		}
	}
	h.render(w, r, http.StatusOK, homePage(v))
}

// day is a date as the city reads it: the day in Warsaw, dd.mm.yyyy.
func day(_ context.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(i18n.Warsaw).Format("02.01.2006")
}

// dayTime is a moment as the city reads it: dd.mm.yyyy hh:mm in Warsaw.
func dayTime(_ context.Context, t time.Time) string {
	return t.In(i18n.Warsaw).Format("02.01.2006 15:04")
}

// daysLeft counts the calendar days in Warsaw from now to the day of t
// (0 on the day itself); -1 when t is unknown or past.
func daysLeft(now time.Time, t *time.Time) int {
	if t == nil || t.Before(now) {
		return -1
	}
	y1, m1, d1 := now.In(i18n.Warsaw).Date()
	y2, m2, d2 := t.In(i18n.Warsaw).Date()
	a := time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours()+12) / 24
}
