package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
)

// The feed in English for a small fixture, byte for byte: an approved
// evening workshop whose title has an English translation and whose
// description (Ukrainian only) needs escaping and folding; an all-day
// festival cancelled after approval; an event awaiting review, absent.
func TestFeed_ExactICalendarText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.input()
	in.Title = []i18n.Input{{Locale: i18n.UK, Text: "Розмовний клуб"}, {Locale: i18n.EN, Text: "Conversation club; Polish, for beginners"}}
	in.Description = []i18n.Input{{Locale: i18n.UK, Text: "Приходьте!\nБерімо з собою словники, зошити та гарний настрій\\"}}
	in.Accessibility = []i18n.Input{{Locale: i18n.EN, Text: "Step-free entrance"}}
	in.URL = "https://example.org/club"
	workshop, err := b.svc.Submit(b.member, in)
	require.NoError(t, err)
	b.clock.Set(now.Add(time.Hour))
	workshop, err = b.svc.Approve(b.coordinator, workshop.ID)
	require.NoError(t, err)

	fest := b.input()
	fest.Title = []i18n.Input{{Locale: i18n.PL, Text: "Festiwal"}}
	fest.Description = nil
	fest.AllDay = true
	fest.StartsAt = time.Date(2025, 6, 7, 0, 0, 0, 0, i18n.Warsaw)
	fest.EndsAt = time.Date(2025, 6, 8, 0, 0, 0, 0, i18n.Warsaw)
	fest.Place, fest.OnlineURL = "", "https://stream.example.org/fest"
	fest.Languages = []string{"pl"}
	festival, err := b.svc.Submit(b.coordinator, fest)
	require.NoError(t, err)
	b.clock.Set(now.Add(2 * time.Hour))
	festival, err = b.svc.Cancel(b.coordinator, festival.ID, "Rain")
	require.NoError(t, err)
	_, err = b.svc.Submit(b.member, b.input())
	require.NoError(t, err)

	items, err := b.svc.Feed(b.anonymous, i18n.EN)
	require.NoError(t, err)
	var got strings.Builder
	require.NoError(t, events.WriteICS(&got, events.ICS{Locale: i18n.EN, PublicURL: "https://otwarty.test/"}, items))

	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Otwarty//Events calendar//EN",
		"CALSCALE:GREGORIAN",
		"X-WR-CALNAME:Open Kraków — events",
		"X-WR-TIMEZONE:Europe/Warsaw",
		"BEGIN:VEVENT",
		"UID:event-" + workshop.ID.String() + "@otwarty",
		"DTSTAMP:20250310T120000Z",
		"DTSTART:20250314T170000Z",
		"DTEND:20250314T190000Z",
		"CREATED:20250310T110000Z",
		"LAST-MODIFIED:20250310T120000Z",
		"SEQUENCE:1",
		`SUMMARY:Conversation club\; Polish\, for beginners`,
		// 74 octets: the next Cyrillic letter (2 octets) would make 76.
		`DESCRIPTION;LANGUAGE=uk:Приходьте!\nБерімо з собою с`,
		` ловники\, зошити та гарний настрій\\\n\nAccess`,
		` ibility: Step-free entrance\nLanguages: uk\, pl\nOrganiser: Fundacja Dom W`,
		` ielokulturowy\nMore: https://example.org/club`,
		"LOCATION:ul. Krakowska 1\\, Kraków",
		"CATEGORIES:Workshop",
		"URL:https://otwarty.test/events/" + workshop.ID.String(),
		"STATUS:CONFIRMED",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:event-" + festival.ID.String() + "@otwarty",
		"DTSTAMP:20250310T130000Z",
		"DTSTART;VALUE=DATE:20250607",
		"DTEND;VALUE=DATE:20250608",
		"CREATED:20250310T120000Z",
		"LAST-MODIFIED:20250310T130000Z",
		"SEQUENCE:1",
		"SUMMARY;LANGUAGE=pl:Festiwal",
		"DESCRIPTION:Languages: pl\\nOrganiser: Fundacja Dom Wielokulturowy\\nOnline: ",
		" https://stream.example.org/fest\\nCancelled: Rain",
		"LOCATION:https://stream.example.org/fest",
		"CATEGORIES:Workshop",
		"URL:https://otwarty.test/events/" + festival.ID.String(),
		"STATUS:CANCELLED",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}, "\r\n")
	require.Equal(t, want, got.String())
	for _, l := range strings.Split(strings.TrimSuffix(got.String(), "\r\n"), "\r\n") {
		require.LessOrEqual(t, len(l), 75, l)
	}
}

// Folding counts octets, puts the continuation's space within its 75 and
// never splits a UTF-8 sequence; escaping covers \ ; , and line breaks.
func TestWriteICS_FoldsAtOctetsAndEscapes(t *testing.T) {
	t.Parallel()
	e := &events.Event{Languages: []string{"uk"}, Category: events.CategoryOther, OrganisationName: "O",
		StartsAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), EndsAt: time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC),
		Status: events.StatusApproved}
	// "SUMMARY:" is 8 octets; then 33 two-octet letters would reach 74,
	// the 34th (75, 76) does not fit and moves whole to the next line.
	summary := strings.Repeat("ж", 40) + "a,b;c\\d\r\ne"
	var got strings.Builder
	require.NoError(t, events.WriteICS(&got, events.ICS{Locale: i18n.UK, PublicURL: "https://x.test"},
		[]events.FeedItem{{Event: e, Summary: i18n.Resolved{Text: summary, Locale: i18n.UK}}}))
	var line string
	for _, l := range strings.Split(got.String(), "\r\n") {
		if strings.HasPrefix(l, "SUMMARY") {
			line = l
		}
	}
	lines := strings.Split(got.String(), "\r\n")
	for i, l := range lines {
		if l == line {
			require.Equal(t, "SUMMARY:"+strings.Repeat("ж", 33), lines[i])
			require.Equal(t, 74, len(lines[i]))
			require.Equal(t, " "+strings.Repeat("ж", 7)+`a\,b\;c\\d\ne`, lines[i+1])
		}
	}
	require.NotEmpty(t, line)
}
