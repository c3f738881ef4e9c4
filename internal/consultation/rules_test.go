package consultation_test

import (
	"github.com/otwarty/otwarty/internal/i18n"

	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/consultation"
)

func warsaw(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, consultation.Warsaw)
}

func TestCalendarDays_CountsDatesAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	// 29 March 2026 is the last Sunday of March: clocks go forward, so this
	// week is 23 hours short of 7×24 hours yet is 7 calendar days.
	from, to := warsaw(2026, 3, 23, 0, 30), warsaw(2026, 3, 30, 0, 15)
	require.Less(t, to.Sub(from), 7*24*time.Hour)
	require.Equal(t, 7, consultation.CalendarDays(from, to))
	require.Equal(t, 0, consultation.CalendarDays(warsaw(2026, 10, 25, 0, 1), warsaw(2026, 10, 25, 23, 59)))
	require.Equal(t, -1, consultation.CalendarDays(warsaw(2026, 3, 30, 0, 0), warsaw(2026, 3, 29, 23, 0)))
	// Late evening UTC is already the next day in Warsaw.
	require.Equal(t, 1, consultation.CalendarDays(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 1, 22, 30, 0, 0, time.UTC)))
}

func TestCheck_NoticePeriodAcrossDaylightSavingIsSevenCalendarDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	b.clock.Set(warsaw(2026, 3, 1, 9, 0))
	good := consultation.CreateInput{
		UnitID: b.unitID, Title: pl("Park Krakowski"),
		Forms:      []string{consultation.FormOnlineSubmissions, consultation.FormSectionComments, consultation.FormMeeting},
		AnnounceAt: at(warsaw(2026, 3, 23, 0, 30)), OpensAt: at(warsaw(2026, 3, 30, 0, 15)),
		ClosesAt: at(warsaw(2026, 4, 20, 0, 0)),
	}
	c, err := b.svc.Create(official, good)
	require.NoError(t, err)
	// The report is due 60 calendar days after closing, at the same Warsaw hour.
	require.True(t, c.ReportDueAt.Equal(warsaw(2026, 6, 19, 0, 0)), c.ReportDueAt)
	results, err := b.svc.Check(official, c.ID)
	require.NoError(t, err)
	require.Empty(t, failing(results))

	short := good
	short.AnnounceAt = at(warsaw(2026, 3, 24, 0, 0))  // 6 calendar days, though more than 6×24 h
	short.ClosesAt = at(warsaw(2026, 4, 19, 23, 59))  // 20 calendar days
	short.ReportDueAt = at(warsaw(2026, 6, 19, 0, 0)) // 61 days after closing
	c2, err := b.svc.Create(official, short)
	require.NoError(t, err)
	results, err = b.svc.Check(official, c2.ID)
	require.NoError(t, err)
	require.Equal(t, []string{consultation.RuleNoticePeriod, consultation.RuleMinimumDuration,
		consultation.RuleReportDeadline}, failing(results))
	byRule := map[string]consultation.RuleResult{}
	for _, r := range results {
		byRule[r.Rule] = r
	}
	require.Equal(t, 1, byRule[consultation.RuleNoticePeriod].Args["short"])
	require.Equal(t, 1, byRule[consultation.RuleMinimumDuration].Args["short"])
	require.Equal(t, 1, byRule[consultation.RuleReportDeadline].Args["over"])

	// The effective announcement is publication time when that is later:
	// published on 24 March, the notice is again 6 days.
	b.clock.Set(warsaw(2026, 3, 24, 8, 0))
	results, err = b.svc.Check(official, c.ID)
	require.NoError(t, err)
	require.Equal(t, []string{consultation.RuleNoticePeriod}, failing(results))

	// Opening in the past at publication breaks the schedule, which no
	// justification overrides.
	b.clock.Set(warsaw(2026, 3, 31, 8, 0))
	results, err = b.svc.Check(official, c.ID)
	require.NoError(t, err)
	require.Contains(t, failing(results), consultation.RuleSchedule)
}

func TestCheck_PolishTitleAndMissingDates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c, err := b.svc.Create(official, consultation.CreateInput{UnitID: b.unitID,
		Title: i18n.Input{Locale: "en", Text: "Green Kazimierz"}})
	require.NoError(t, err)
	results, err := b.svc.Check(official, c.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.Rules, failing(results))
}
