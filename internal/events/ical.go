package events

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/i18n"
)

// The feed's window: public events that ended at most FeedPastDays ago and
// every later one, at most FeedMax of them (the earliest).
const (
	FeedPastDays = 180
	FeedMax      = 2000
)

// FeedItem is an event with its texts in the feed's locale.
type FeedItem struct {
	Event         *Event
	Summary       i18n.Resolved
	Description   i18n.Resolved // zero when there is none
	Accessibility i18n.Resolved // zero when there is none
}

// Feed is the public events of the feed's window with their texts in
// locale (each falling back to its original). It ignores the caller: the
// feed is public, so staff and members get only public events too.
func (s *Service) Feed(ctx context.Context, locale i18n.Locale) ([]FeedItem, error) {
	rows, err := s.pool.Query(ctx, `select `+eventCols+eventFrom+`
		where (e.status = 'approved' or (e.status = 'cancelled' and e.approved_at is not null)) and e.ends_at > $1
		order by e.starts_at, e.id limit $2`, s.now().AddDate(0, 0, -FeedPastDays), FeedMax)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Event, error) { return scanEvent(r) })
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return s.items(ctx, evs, locale)
}

// Item is one public event for a single-event .ics (NOT_FOUND for any
// other, whoever asks).
func (s *Service) Item(ctx context.Context, id uuid.UUID, locale i18n.Locale) (FeedItem, error) {
	e, err := s.Event(ctx, id)
	if err != nil {
		return FeedItem{}, err
	}
	items, err := s.items(ctx, []*Event{e}, locale)
	if err != nil {
		return FeedItem{}, err
	}
	return items[0], nil
}

func (s *Service) items(ctx context.Context, evs []*Event, locale i18n.Locale) ([]FeedItem, error) {
	var ids []uuid.UUID
	for _, e := range evs {
		ids = append(ids, e.TitleTextID)
		if e.DescriptionTextID != nil {
			ids = append(ids, *e.DescriptionTextID)
		}
		if e.AccessibilityTextID != nil {
			ids = append(ids, *e.AccessibilityTextID)
		}
	}
	texts, err := i18n.Load(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	out := make([]FeedItem, len(evs))
	for i, e := range evs {
		out[i] = FeedItem{Event: e, Summary: texts[e.TitleTextID].Resolve(locale)}
		if e.DescriptionTextID != nil {
			out[i].Description = texts[*e.DescriptionTextID].Resolve(locale)
		}
		if e.AccessibilityTextID != nil {
			out[i].Accessibility = texts[*e.AccessibilityTextID].Resolve(locale)
		}
	}
	return out, nil
}

// ICS is what WriteICS needs besides the items.
type ICS struct {
	Locale i18n.Locale
	// PublicURL is the base of each event's page (its URL).
	PublicURL string
}

// WriteICS writes items as an iCalendar object (RFC 5545): CRLF line
// ends, lines folded at 75 octets (never inside a UTF-8 sequence), TEXT
// values escaped. Times are UTC (all-day events as DATE values, the days
// in Warsaw); DTSTAMP is the event's last change, as RFC 5545 asks of an
// object without METHOD, so the same data gives the same bytes. UID is
// stable per event; SEQUENCE rises with every change; STATUS is CONFIRMED
// or CANCELLED. SUMMARY and DESCRIPTION carry LANGUAGE when the text is
// not in the feed's locale (a fallback to the original).
func WriteICS(w io.Writer, c ICS, items []FeedItem) error {
	l := c.Locale
	base := strings.TrimRight(c.PublicURL, "/")
	var b strings.Builder
	line := func(name, value string) { b.WriteString(fold(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Otwarty//Events calendar//EN")
	line("CALSCALE", "GREGORIAN")
	line("X-WR-CALNAME", escapeText(i18n.T(l, "events.ics.calendar_name", nil)))
	line("X-WR-TIMEZONE", "Europe/Warsaw")
	for _, it := range items {
		e := it.Event
		line("BEGIN", "VEVENT")
		line("UID", "event-"+e.ID.String()+"@otwarty")
		line("DTSTAMP", utc(e.UpdatedAt))
		if e.AllDay {
			line("DTSTART;VALUE=DATE", e.StartsAt.In(i18n.Warsaw).Format("20060102"))
			line("DTEND;VALUE=DATE", e.EndsAt.In(i18n.Warsaw).Format("20060102"))
		} else {
			line("DTSTART", utc(e.StartsAt))
			line("DTEND", utc(e.EndsAt))
		}
		line("CREATED", utc(e.CreatedAt))
		line("LAST-MODIFIED", utc(e.UpdatedAt))
		line("SEQUENCE", fmt.Sprint(e.Sequence))
		line("SUMMARY"+langParam(it.Summary, l), escapeText(it.Summary.Text))
		var desc []string
		if it.Description.Text != "" {
			desc = append(desc, it.Description.Text, "")
		}
		if it.Accessibility.Text != "" {
			desc = append(desc, i18n.T(l, "events.ics.accessibility", map[string]any{"note": it.Accessibility.Text}))
		}
		desc = append(desc, i18n.T(l, "events.ics.languages", map[string]any{"languages": strings.Join(e.Languages, ", ")}),
			i18n.T(l, "events.ics.organiser", map[string]any{"name": e.OrganisationName}))
		if e.OnlineURL != "" {
			desc = append(desc, i18n.T(l, "events.ics.online", map[string]any{"url": e.OnlineURL}))
		}
		if e.URL != "" {
			desc = append(desc, i18n.T(l, "events.ics.more", map[string]any{"url": e.URL}))
		}
		if e.Status == StatusCancelled && e.CancelReason != "" {
			desc = append(desc, i18n.T(l, "events.ics.cancelled", map[string]any{"reason": e.CancelReason}))
		}
		line("DESCRIPTION"+langParam(it.Description, l), escapeText(strings.Join(desc, "\n")))
		switch {
		case e.Place != "":
			line("LOCATION", escapeText(e.Place))
		case e.OnlineURL != "":
			line("LOCATION", escapeText(e.OnlineURL))
		}
		line("CATEGORIES", escapeText(i18n.T(l, "events.category."+e.Category, nil)))
		line("URL", base+PathEvents+"/"+e.ID.String())
		status := "CONFIRMED"
		if e.Status == StatusCancelled {
			status = "CANCELLED"
		}
		line("STATUS", status)
		line("TRANSP", "OPAQUE")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// langParam names the language of a text that is not in the feed's locale.
func langParam(r i18n.Resolved, want i18n.Locale) string {
	if r.Text == "" || r.Locale == want {
		return ""
	}
	return ";LANGUAGE=" + string(r.Locale)
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// fold writes a content line folded at 75 octets (RFC 5545 3.1): each
// continuation line starts with a space, which counts in its 75; a UTF-8
// sequence is never split. The line ends with CRLF.
func fold(line string) string {
	const limit = 75
	var b strings.Builder
	n := 0 // octets on the current physical line
	for len(line) > 0 {
		_, size := utf8.DecodeRuneInString(line)
		if n+size > limit {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteString(line[:size])
		n += size
		line = line[size:]
	}
	b.WriteString("\r\n")
	return b.String()
}
