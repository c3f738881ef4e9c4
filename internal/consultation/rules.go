package consultation

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// RuleResult is one publication rule checked against a consultation. Key is
// the catalog message explaining the rule; Args fill it (e.g. days, required).
type RuleResult struct {
	Rule        string
	OK          bool
	Overridable bool
	Key         string
	Args        map[string]any
}

// Rules lists the publication rules in the order Check reports them.
var Rules = []string{RuleSchedule, RulePolishText, RuleNoticePeriod, RuleMinimumDuration,
	RuleFormsCount, RuleOpenMeeting, RuleReportDeadline}

// Check evaluates every publication rule as if the consultation were
// published now ("manage").
func (s *Service) Check(ctx context.Context, id uuid.UUID) ([]RuleResult, error) {
	c, err := s.consultationFor(ctx, s.pool, id, ActManage, false)
	if err != nil {
		return nil, err
	}
	polish, err := hasPolishTitle(ctx, s.pool, c.TitleTextID)
	if err != nil {
		return nil, err
	}
	return evaluate(c, polish, s.now()), nil
}

// evaluate checks c's rules at publication time now. Durations are counted
// in calendar days in Warsaw (dates, not multiples of 24 hours), so a
// daylight-saving change inside a period does not shorten it.
func evaluate(c *Consultation, polishTitle bool, now time.Time) []RuleResult {
	out := make([]RuleResult, 0, len(Rules))
	add := func(rule string, ok, overridable bool, args map[string]any) {
		if args == nil {
			args = map[string]any{}
		}
		out = append(out, RuleResult{Rule: rule, OK: ok, Overridable: overridable,
			Key: "consultation.rule." + rule, Args: args})
	}
	dates := c.AnnounceAt != nil && c.OpensAt != nil && c.ClosesAt != nil && c.ReportDueAt != nil
	scheduleOK := dates && !c.AnnounceAt.After(*c.OpensAt) && c.OpensAt.Before(*c.ClosesAt) &&
		!c.ClosesAt.After(*c.ReportDueAt) && c.OpensAt.After(now)
	add(RuleSchedule, scheduleOK, false, nil)
	add(RulePolishText, polishTitle, false, nil)

	if c.OpensAt != nil {
		announce := now
		if c.AnnounceAt != nil && c.AnnounceAt.After(now) {
			announce = *c.AnnounceAt
		}
		days := CalendarDays(announce, *c.OpensAt)
		add(RuleNoticePeriod, days >= NoticeDays, true, shortBy(days, NoticeDays))
	} else {
		add(RuleNoticePeriod, false, true, map[string]any{"required": NoticeDays, "missing": "opensAt"})
	}
	if c.OpensAt != nil && c.ClosesAt != nil {
		days := CalendarDays(*c.OpensAt, *c.ClosesAt)
		add(RuleMinimumDuration, days >= MinimumOpenDays, true, shortBy(days, MinimumOpenDays))
	} else {
		add(RuleMinimumDuration, false, true, map[string]any{"required": MinimumOpenDays, "missing": "closesAt"})
	}
	add(RuleFormsCount, len(c.Forms) >= MinimumForms, true,
		map[string]any{"count": len(c.Forms), "required": MinimumForms})
	add(RuleOpenMeeting, slices.Contains(c.Forms, FormMeeting), true, nil)
	if c.ClosesAt != nil && c.ReportDueAt != nil {
		days := CalendarDays(*c.ClosesAt, *c.ReportDueAt)
		add(RuleReportDeadline, days <= ReportDays, true,
			map[string]any{"days": days, "required": ReportDays, "over": max(0, days-ReportDays)})
	} else {
		add(RuleReportDeadline, false, true, map[string]any{"required": ReportDays, "missing": "reportDueAt"})
	}
	return out
}

func shortBy(days, required int) map[string]any {
	return map[string]any{"days": days, "required": required, "short": max(0, required-days)}
}

// CalendarDays is the number of calendar days in Warsaw from the date of
// from to the date of to (negative when to is on an earlier date).
func CalendarDays(from, to time.Time) int {
	fy, fm, fd := from.In(Warsaw).Date()
	ty, tm, td := to.In(Warsaw).Date()
	a := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC)
	b := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// hasPolishTitle reports whether the title has a Polish version, original or
// translation (Polish is binding).
func hasPolishTitle(ctx context.Context, q db.Querier, textID uuid.UUID) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `select exists (select 1 from text_versions where text_id = $1 and locale = 'pl')`, textID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("polish title: %w", err)
	}
	return ok, nil
}
