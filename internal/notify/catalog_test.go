package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/i18n"
)

func testService(t *testing.T) *Service {
	t.Helper()
	zone, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	return &Service{public: "https://otwarty.example.org", zone: zone}
}

func TestCatalog_EveryKindHasEveryLocaleAndNoLeftoverPlaceholder(t *testing.T) {
	t.Parallel()
	s := testService(t)
	data := map[string]string{
		DataLink: "https://otwarty.example.org/x?token=t", DataName: "Ala", DataRole: "official",
		DataInviter: "Ewa", DataExpiresAt: "2025-01-01T12:00:00Z",
	}
	// The account kinds here; every registered kind in kinds_test.go.
	for _, kind := range []string{KindWelcome, KindPasswordChanged, KindConfirmEmail, KindPasswordReset, KindInvitation, "unknown_kind"} {
		for _, l := range i18n.All {
			subject, body := s.render(kind, l, data)
			require.NotEmpty(t, subject)
			require.NotContains(t, subject+body, "{", "%s/%s", kind, l)
			require.NotContains(t, body, "token=t\n\n\n", "%s/%s", kind, l)
		}
	}
	for _, l := range i18n.All {
		subject, body := s.renderDigest(l, data, []DigestItem{{Kind: KindWelcome, CreatedAt: time.Now()}})
		require.NotContains(t, subject+body, "{")
	}
}

func TestRenderDigest_SubjectCountsTheNoticesInEachLanguagesPlural(t *testing.T) {
	t.Parallel()
	s := testService(t)
	at := time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC)
	want := map[i18n.Locale]map[int]string{
		i18n.PL: {1: "Otwarty Kraków: 1 nowe powiadomienie", 2: "Otwarty Kraków: 2 nowe powiadomienia",
			5: "Otwarty Kraków: 5 nowych powiadomień", 22: "Otwarty Kraków: 22 nowe powiadomienia"},
		i18n.UK: {1: "Otwarty Kraków: 1 нове сповіщення", 2: "Otwarty Kraków: 2 нові сповіщення",
			5: "Otwarty Kraków: 5 нових сповіщень", 22: "Otwarty Kraków: 22 нові сповіщення"},
		i18n.EN: {1: "Otwarty Kraków: 1 new notification", 2: "Otwarty Kraków: 2 new notifications",
			5: "Otwarty Kraków: 5 new notifications", 22: "Otwarty Kraków: 22 new notifications"},
		i18n.RU: {1: "Otwarty Kraków: 1 новое уведомление", 2: "Otwarty Kraków: 2 новых уведомления",
			5: "Otwarty Kraków: 5 новых уведомлений", 22: "Otwarty Kraków: 22 новых уведомления"},
	}
	for l, counts := range want {
		for n, subject := range counts {
			items := make([]DigestItem, n)
			for i := range items {
				items[i] = DigestItem{Kind: KindWelcome, CreatedAt: at}
			}
			got, _ := s.renderDigest(l, nil, items)
			require.Equal(t, subject, got, "%s, %d", l, n)
		}
	}
	// The body: the greeting, the intro, each notice's title, the list's
	// link and the footer.
	_, body := s.renderDigest(i18n.PL, map[string]string{DataName: "Ala"}, []DigestItem{
		{Kind: KindWelcome, CreatedAt: at}, {Kind: "unknown_kind", CreatedAt: at}})
	require.Equal(t, "Dzień dobry, Ala,\n\nOto powiadomienia od ostatniego podsumowania:\n\n"+
		"- 2025-03-03 07:00  Witamy na platformie Otwarty Kraków\n"+
		"- 2025-03-03 07:00  Nowe powiadomienie na platformie Otwarty Kraków\n\n"+
		"https://otwarty.example.org/notifications\n\n-- \n"+
		"Tę wiadomość wysłała automatycznie platforma Otwarty Kraków. Ustawienia powiadomień: https://otwarty.example.org/settings/notifications\n", body)
}

func TestRender_RedactedLinkAndRoleNames(t *testing.T) {
	t.Parallel()
	s := testService(t)
	data, changed := redact(map[string]string{DataLink: "https://x/?token=secret", DataRole: "ballot_officer", "other": "kept"})
	require.True(t, changed)
	require.Equal(t, map[string]string{DataLink: redactedMark, DataRole: "ballot_officer", "other": "kept"}, data)
	_, body := s.render(KindInvitation, i18n.EN, data)
	require.True(t, strings.HasPrefix(body, "Hello,\n\nYou are invited to Otwarty Kraków (role: ballot officer). To accept the invitation, open this link:\n[redacted]\n\n-- \n"), body)

	_, changed = redact(map[string]string{"a": "b"})
	require.False(t, changed)
}

func TestDigestSchedule_KeepsWallClockHourAndMondays(t *testing.T) {
	t.Parallel()
	zone, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, zone)
		require.NoError(t, err)
		return v
	}
	daily := &atHour{hour: 7, zone: zone}
	weekly := &atHour{hour: 7, zone: zone, weekly: true}

	for _, c := range []struct {
		sched    *atHour
		from, to string
	}{
		{daily, "2025-03-29 06:59", "2025-03-29 07:00"},
		{daily, "2025-03-29 07:00", "2025-03-30 07:00"}, // clocks go forward that night
		{daily, "2025-10-25 08:00", "2025-10-26 07:00"}, // and back
		{weekly, "2025-03-29 08:00", "2025-03-31 07:00"},
		{weekly, "2025-03-31 07:00", "2025-04-07 07:00"},
	} {
		next := c.sched.Next(at(c.from))
		require.True(t, at(c.to).Equal(next), "%s → %s, got %s", c.from, c.to, next.In(zone))
	}
	require.Equal(t, 7, daily.Next(at("2025-03-29 08:00")).In(zone).Hour())
	require.Equal(t, time.Duration(23)*time.Hour, daily.Next(at("2025-03-29 08:00")).Sub(at("2025-03-29 07:00")))
}
