package web

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
)

// An all-day event's form end is its last day, whatever the time beside it
// (a datetime-local field always has one); the edit form shows the last day
// back, so that saving it unchanged changes nothing.
func TestEventForm_AllDayEndIsTheLastDay(t *testing.T) {
	t.Parallel()
	ctx := inLocale(i18n.PL)
	warsaw := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, i18n.Warsaw) }
	for end, want := range map[string]time.Time{
		"2031-05-10T00:00": warsaw(2031, 5, 11),
		"2031-05-10T18:30": warsaw(2031, 5, 11),
		"2031-05-10":       warsaw(2031, 5, 11),
		"2031-05-08T00:00": warsaw(2031, 5, 9), // one day
		"2031-10-25T00:00": warsaw(2031, 10, 26),
	} {
		f := newForm(eventFields...)
		f.Values["allDay"], f.Values["startsAt"], f.Values["endsAt"] = "on", "2031-05-08T00:00", end
		in := readEventForm(ctx, f)
		require.Empty(t, f.Errors, end)
		require.True(t, in.EndsAt.Equal(want), "%s: got %v, want %v", end, in.EndsAt, want)
	}
	// A timed event's end is as given.
	f := newForm(eventFields...)
	f.Values["startsAt"], f.Values["endsAt"] = "2031-05-08T18:00", "2031-05-08T21:00"
	in := readEventForm(ctx, f)
	require.True(t, in.EndsAt.Equal(time.Date(2031, 5, 8, 21, 0, 0, 0, i18n.Warsaw)))

	// Round trip through the edit form: three days, 8 to 10 May (across
	// no clock change) and 24 to 26 October (across one).
	for _, days := range [][2]time.Time{{warsaw(2031, 5, 8), warsaw(2031, 5, 11)}, {warsaw(2031, 10, 24), warsaw(2031, 10, 27)}} {
		e := &events.Event{ID: uuid.New(), AllDay: true, StartsAt: days[0], EndsAt: days[1], Languages: []string{"pl"}}
		it := eventItem{E: e, Title: &i18n.Text{OriginalLocale: i18n.PL, Current: map[i18n.Locale]i18n.Version{i18n.PL: {Locale: i18n.PL, Body: "x"}}}}
		shown := eventFormValues(it)
		require.Equal(t, days[1].AddDate(0, 0, -1).Format(dateTimeLocal), shown.Values["endsAt"])
		in := readEventForm(ctx, shown)
		require.True(t, in.StartsAt.Equal(days[0]) && in.EndsAt.Equal(days[1]), "%v–%v read back as %v–%v", days[0], days[1], in.StartsAt, in.EndsAt)
	}
}
