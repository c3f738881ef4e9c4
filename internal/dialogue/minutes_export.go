package dialogue

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/google/uuid"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

// Exports of approved minutes, per language: Markdown as published, and a
// standalone HTML document ready to print (or save as PDF) with print CSS
// and the lang attribute of the language it is in. The Markdown is
// rendered without raw HTML (omitted) and without dangerous links
// (javascript: and the like lose their target), and a Content Security
// Policy in the document forbids scripts and outside resources, so no text
// a member wrote can run in a reader's browser. The export is read
// through Get, with exactly its visibility.

// MinutesFormat is an export format.
type MinutesFormat string

const (
	MinutesMarkdown MinutesFormat = "markdown"
	MinutesHTML     MinutesFormat = "html"
)

var errMinutesFormat = apperr.Invalid("format", "dialogue.minutes_format_invalid")

// MinutesExport is one export of approved minutes.
type MinutesExport struct {
	Format      MinutesFormat
	ContentType string
	// Locale is the language of Content: the one asked for when a version
	// exists, else the original's.
	Locale   i18n.Locale
	Filename string
	Content  string
}

// Export exports meeting meetingID's approved minutes in format, in locale
// (nil: the caller's language), to whoever sees them (Get: NOT_FOUND
// otherwise). Minutes not approved yet are PHASE_CLOSED
// dialogue.minutes_not_approved to who sees the draft.
func (m *Minutes) Export(ctx context.Context, meetingID uuid.UUID, format MinutesFormat, locale *i18n.Locale) (*MinutesExport, error) {
	if format != MinutesMarkdown && format != MinutesHTML {
		return nil, errMinutesFormat
	}
	if locale != nil && !locale.Valid() {
		return nil, errMinutesLocale
	}
	mm, err := m.Get(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	return m.ExportOf(ctx, mm, format, locale)
}

// ExportOf is Export for minutes already read.
func (m *Minutes) ExportOf(ctx context.Context, mm *MeetingMinutes, format MinutesFormat, locale *i18n.Locale) (*MinutesExport, error) {
	if mm.Status != MinutesApproved || mm.TextID == nil {
		return nil, ErrMinutesNotPublic
	}
	want := i18n.FromContext(ctx)
	if locale != nil {
		want = *locale
	}
	texts, err := i18n.Load(ctx, m.s.pool, []uuid.UUID{*mm.TextID, mm.meeting.TitleTextID})
	if err != nil {
		return nil, err
	}
	res := texts[*mm.TextID].Resolve(want)
	l := res.Locale
	approver := ""
	if mm.ApprovedBy != nil {
		if approver, err = m.Name(ctx, *mm.ApprovedBy); err != nil {
			return nil, err
		}
	}
	if approver == "" {
		approver = minutesLabel(l, "deleted_account", nil)
	}
	at := mm.ApprovedAt.In(i18n.Warsaw).Format("2006-01-02 15:04")
	notes := []string{minutesLabel(l, "approved_by", map[string]any{"name": approver, "at": at})}
	if !res.IsOriginal {
		notes = append(notes, minutesLabel(l, "translation_note", map[string]any{"original": strings.ToUpper(string(mm.Locale))}))
	}
	day := mm.meeting.StartsAt.In(i18n.Warsaw).Format("2006-01-02")
	out := &MinutesExport{Format: format, Locale: l,
		Filename: fmt.Sprintf("minutes-%s-%s-%s", day, mm.MeetingID.String()[:8], l)}
	switch format {
	case MinutesMarkdown:
		out.ContentType, out.Filename = "text/markdown; charset=utf-8", out.Filename+".md"
		var b strings.Builder
		b.WriteString(strings.TrimSpace(res.Text))
		b.WriteString("\n\n---\n\n")
		for _, n := range notes {
			b.WriteString("*" + mdEscape(n) + "*\n\n")
		}
		out.Content = strings.TrimSpace(b.String()) + "\n"
	case MinutesHTML:
		title := texts[mm.meeting.TitleTextID].Resolve(l).Text
		body, err := renderMarkdown(res.Text)
		if err != nil {
			return nil, err
		}
		out.ContentType, out.Filename = "text/html; charset=utf-8", out.Filename+".html"
		out.Content = htmlDocument(l, minutesLabel(l, "document_title", map[string]any{"title": title, "date": day}), body, notes)
	}
	return out, nil
}

// markdown renders CommonMark with GitHub tables, without raw HTML and
// without dangerous link targets (goldmark's safe defaults).
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

func renderMarkdown(text string) (string, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(text), &b); err != nil {
		return "", fmt.Errorf("render minutes: %w", err)
	}
	return b.String(), nil
}

// printCSS lays minutes out on A4 pages.
const printCSS = `@page { size: A4; margin: 20mm 18mm 22mm; }
html { font-family: "DejaVu Serif", "Liberation Serif", "Times New Roman", serif; font-size: 11pt; line-height: 1.45; color: #000; background: #fff; }
body { max-width: 174mm; margin: 0 auto; padding: 1em; }
h1 { font-size: 16pt; margin: 0 0 .4em; }
h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 1px solid #888; }
h3 { font-size: 11.5pt; margin: 1em 0 .3em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li { orphans: 3; widows: 3; }
li, tr { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #888; padding: 2pt 5pt; text-align: left; vertical-align: top; }
a { color: inherit; }
footer { margin-top: 2em; padding-top: .5em; border-top: 1px solid #888; font-size: 9.5pt; }
@media print { body { max-width: none; padding: 0; } a { text-decoration: none; } }`

// htmlDocument is a standalone HTML document in locale l: title and notes
// are escaped here, body is rendered safe markup.
func htmlDocument(l i18n.Locale, title, body string, notes []string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n")
	fmt.Fprintf(&b, "<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", html.EscapeString(string(l)))
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` + "\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n<main>\n", html.EscapeString(title), printCSS)
	b.WriteString(body)
	b.WriteString("</main>\n<footer>\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(n))
	}
	b.WriteString("</footer>\n</body>\n</html>\n")
	return b.String()
}
