package programme

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/i18n"
)

// The yearly report to the City Council (due 30 April of the next year):
// the indicator table with values, statuses and how each was found, and
// the year on the platform — its consultations, dialogue bodies, civic
// budget and Ambassador edition — in Polish (binding) or, as an
// informative translation, in another language; as Markdown, CSV (the
// indicator table) or a printable HTML page. Only what is public goes in.

// Report formats.
const (
	FormatMarkdown = "markdown"
	FormatCSV      = "csv"
	FormatHTML     = "html"
)

// Report is a year's report, ready to render.
type Report struct {
	Programme *Programme
	Name      string
	Year      int
	Locale    i18n.Locale
	Due       time.Time
	Generated time.Time
	Rows      []ReportRow
	// The year on the platform.
	Consultations []ReportConsultation
	Bodies        []ReportBody
	Budget        *ReportBudget
	Ambassador    *ReportAmbassador
}

// ReportRow is one indicator in the table.
type ReportRow struct {
	Code, Name  string
	Goal        int
	Baseline    string // with its year
	Target      string // with its comparison and scope
	Value       string // "" when not known
	Status      string // translated
	StatusCode  string // met, not_met, not_yet_known
	Explanation string
}

// ReportConsultation is a consultation opened in the year.
type ReportConsultation struct {
	Title       string
	Status      string
	Submissions int
	Reported    bool
}

// ReportBody is a public dialogue body and its meetings held in the year.
type ReportBody struct {
	Name     string
	Meetings int
}

// ReportBudget is the civic-budget edition of the year.
type ReportBudget struct {
	Status  string
	Ballots int
	Share   string // the survey's share, "" when not published
}

// ReportAmbassador is the Ambassador edition whose nominations opened in the year.
type ReportAmbassador struct {
	EditionYear int
	Nominations int
	Laureates   []string // "name (category)" once announced
}

// Export is a rendered report.
type Export struct {
	Filename    string
	ContentType string
	Content     string
}

// Report builds a year's report in locale (anyone: it holds only what is
// public).
func (s *Service) Report(ctx context.Context, programmeID uuid.UUID, year int, l i18n.Locale) (*Report, error) {
	p, err := s.Programme(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	if year < p.FirstYear || year > p.LastYear {
		return nil, errResultYear
	}
	if !l.Valid() {
		l = i18n.PL
	}
	results, err := s.results(ctx, p, year)
	if err != nil {
		return nil, err
	}
	r := &Report{Programme: p, Year: year, Locale: l, Due: time.Date(year+1, 4, 30, 0, 0, 0, 0, warsaw), Generated: s.now()}
	start, end := yearBounds(year)

	// Texts: the programme's and indicators' names, consultations' titles,
	// bodies' names.
	textIDs := []uuid.UUID{p.NameTextID}
	for _, res := range results {
		textIDs = append(textIDs, res.Indicator.NameTextID)
	}
	type cons struct {
		title       uuid.UUID
		status      string
		submissions int
		hasReport   bool
	}
	var cs []cons
	rows, err := s.pool.Query(ctx, `select c.title_text_id, c.status,
			(select count(*) from submissions x where x.consultation_id = c.id and x.parent_id is null and x.status = 'visible'),
			c.status = 'reported'
		from consultations c where c.status <> 'draft' and c.opens_at >= $1 and c.opens_at < $2 order by c.opens_at, c.id`, start, end)
	if err != nil {
		return nil, fmt.Errorf("report consultations: %w", err)
	}
	for rows.Next() {
		var c cons
		if err := rows.Scan(&c.title, &c.status, &c.submissions, &c.hasReport); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report consultations: %w", err)
		}
		cs = append(cs, c)
		textIDs = append(textIDs, c.title)
	}
	rows.Close()
	type body struct {
		name     uuid.UUID
		meetings int
	}
	var bs []body
	rows, err = s.pool.Query(ctx, `select b.name_text_id, (select count(*) from gatherings g where g.body_id = b.id and g.cancelled_at is null
			and g.starts_at >= $1 and g.starts_at < $2 and g.ends_at <= $3)
		from dialogue_bodies b where b.public and b.status = 'active' order by b.created_at, b.id`, start, end, minTime(end, s.now()))
	if err != nil {
		return nil, fmt.Errorf("report bodies: %w", err)
	}
	for rows.Next() {
		var b body
		if err := rows.Scan(&b.name, &b.meetings); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report bodies: %w", err)
		}
		bs = append(bs, b)
		textIDs = append(textIDs, b.name)
	}
	rows.Close()
	texts, err := i18n.Load(ctx, s.pool, textIDs)
	if err != nil {
		return nil, err
	}
	text := func(id uuid.UUID) string { return texts[id].Resolve(l).Text }
	r.Name = text(p.NameTextID)

	for _, res := range results {
		in := res.Indicator
		row := ReportRow{Code: in.Code, Name: text(in.NameTextID), Goal: in.Goal,
			Baseline:   BaselineText(in, l),
			Target:     TargetText(in, l),
			StatusCode: res.Status, Status: i18n.T(l, "programme.status."+res.Status, nil), Explanation: res.Explain(l)}
		if res.Value != nil {
			row.Value = FormatValue(*res.Value, in.Unit)
		}
		r.Rows = append(r.Rows, row)
	}
	for _, c := range cs {
		r.Consultations = append(r.Consultations, ReportConsultation{Title: text(c.title),
			Status: i18n.T(l, "programme.report.consultation_status."+c.status, nil), Submissions: c.submissions, Reported: c.hasReport})
	}
	for _, b := range bs {
		r.Bodies = append(r.Bodies, ReportBody{Name: text(b.name), Meetings: b.meetings})
	}
	if err := s.reportBudget(ctx, r, results); err != nil {
		return nil, err
	}
	if err := s.reportAmbassador(ctx, r, start, end); err != nil {
		return nil, err
	}
	return r, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Service) reportBudget(ctx context.Context, r *Report, results []*Result) error {
	var status string
	var ballots int
	err := s.pool.QueryRow(ctx, `select e.status, (select count(*) from budget_ballots b where b.edition_id = e.id)
		from budget_editions e where e.year = $1 and e.status <> 'draft' order by e.created_at limit 1`, r.Year).Scan(&status, &ballots)
	if err != nil {
		return nil //nolint:nilerr // no edition this year: no section
	}
	b := &ReportBudget{Status: i18n.T(r.Locale, "programme.report.budget_status."+status, nil)}
	if status == "closed" || status == "results_published" {
		b.Ballots = ballots
	}
	for _, res := range results {
		if res.Indicator.Method == MethodBudgetShare && res.Value != nil {
			b.Share = FormatValue(*res.Value, UnitPercent)
		}
	}
	r.Budget = b
	return nil
}

func (s *Service) reportAmbassador(ctx context.Context, r *Report, start, end time.Time) error {
	var id uuid.UUID
	a := &ReportAmbassador{}
	var announced bool
	err := s.pool.QueryRow(ctx, `select e.id, e.year, e.announced_at is not null,
			(select count(*) from ambassador_nominations n where n.edition_id = e.id and n.status <> 'withdrawn')
		from ambassador_editions e where e.status = 'published' and e.nominations_open >= $1 and e.nominations_open < $2
		order by e.nominations_open limit 1`, start, end).Scan(&id, &a.EditionYear, &announced, &a.Nominations)
	if err != nil {
		return nil //nolint:nilerr // no edition this year: no section
	}
	if announced {
		rows, err := s.pool.Query(ctx, `select n.nominee_name, c.kind from ambassador_award_entries w
			join ambassador_nominations n on n.id = w.nomination_id join ambassador_categories c on c.id = w.category_id
			where n.edition_id = $1 and w.rank = 'laureate' order by c.kind, w.position`, id)
		if err != nil {
			return fmt.Errorf("report laureates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, kind string
			if err := rows.Scan(&name, &kind); err != nil {
				return fmt.Errorf("report laureates: %w", err)
			}
			a.Laureates = append(a.Laureates, name+" ("+i18n.T(r.Locale, "programme.report.category."+kind, nil)+")")
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("report laureates: %w", err)
		}
	}
	r.Ambassador = a
	return nil
}

// FormatValue writes a value as the report and the pages show it: whole
// numbers as they are, percentages with their sign.
func FormatValue(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit == UnitPercent {
		return s + " %"
	}
	return s
}

// TargetText is the indicator's target in words, in l.
func TargetText(in *Indicator, l i18n.Locale) string {
	args := map[string]any{"value": FormatValue(in.Target, in.Unit)}
	key := "programme.report.target." + in.Comparison
	if in.TargetScope == ByYear && in.TargetYear != nil {
		args["year"] = *in.TargetYear
		key += "_by"
	}
	return i18n.T(l, key, args)
}

// Render writes the report in a format.
func (r *Report) Render(format string) (*Export, error) {
	base := fmt.Sprintf("%s-%d-%s", r.Programme.Slug, r.Year, r.Locale)
	switch format {
	case FormatMarkdown:
		return &Export{Filename: base + ".md", ContentType: "text/markdown; charset=utf-8", Content: r.markdown()}, nil
	case FormatCSV:
		c, err := r.csv()
		return &Export{Filename: base + ".csv", ContentType: "text/csv; charset=utf-8", Content: c}, err
	case FormatHTML:
		h, err := r.html()
		return &Export{Filename: base + ".html", ContentType: "text/html; charset=utf-8", Content: h}, err
	}
	return nil, errFormat
}

var errFormat = fmt.Errorf("programme: unknown report format")

// t is the report's message in its locale.
func (r *Report) t(key string, args map[string]any) string { return i18n.T(r.Locale, key, args) }

// n is the report's plural message for count.
func (r *Report) n(key string, count int) string { return i18n.N(r.Locale, key, count, nil) }

func (r *Report) title() string {
	return r.t("programme.report.title", map[string]any{"name": r.Name, "year": r.Year})
}

func (r *Report) intro() string {
	key := "programme.report.binding"
	if r.Locale != i18n.PL {
		key = "programme.report.informative"
	}
	return r.t(key, nil) + " " + r.t("programme.report.due", map[string]any{"date": r.Due.Format("02.01.2006"),
		"generated": r.Generated.In(warsaw).Format("02.01.2006 15:04")})
}

// mdEscape keeps a table cell's text from breaking the table.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}

func (r *Report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n## %s\n\n", r.title(), r.intro(), r.t("programme.report.indicators", nil))
	fmt.Fprintf(&b, "| %s |\n|---|---|---|---|---|---|---|\n", strings.Join(r.header(), " | "))
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s |\n", strings.Join(mapStrings(r.cells(row), mdEscape), " | "))
	}
	fmt.Fprintf(&b, "\n### %s\n\n", r.t("programme.report.how", nil))
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "- **%s** %s\n", mdEscape(row.Code), mdEscape(row.Explanation))
	}
	fmt.Fprintf(&b, "\n## %s\n\n", r.t("programme.report.consultations", nil))
	if len(r.Consultations) == 0 {
		fmt.Fprintf(&b, "%s\n", r.t("programme.report.none", nil))
	}
	for _, c := range r.Consultations {
		fmt.Fprintf(&b, "- %s — %s; %s\n", mdEscape(c.Title), c.Status, r.n("programme.report.submissions", c.Submissions))
	}
	fmt.Fprintf(&b, "\n## %s\n\n", r.t("programme.report.bodies", nil))
	if len(r.Bodies) == 0 {
		fmt.Fprintf(&b, "%s\n", r.t("programme.report.none", nil))
	}
	for _, bd := range r.Bodies {
		fmt.Fprintf(&b, "- %s — %s\n", mdEscape(bd.Name), r.n("programme.report.meetings", bd.Meetings))
	}
	fmt.Fprintf(&b, "\n## %s\n\n%s\n", r.t("programme.report.budget", nil), r.budgetLine())
	fmt.Fprintf(&b, "\n## %s\n\n%s\n", r.t("programme.report.ambassador", nil), r.ambassadorLine())
	return b.String()
}

func (r *Report) budgetLine() string {
	if r.Budget == nil {
		return r.t("programme.report.none", nil)
	}
	line := r.t("programme.report.budget_line", map[string]any{"status": r.Budget.Status, "ballots": r.Budget.Ballots})
	if r.Budget.Share != "" {
		line += " " + r.t("programme.report.budget_share", map[string]any{"share": r.Budget.Share})
	}
	return line
}

func (r *Report) ambassadorLine() string {
	if r.Ambassador == nil {
		return r.t("programme.report.none", nil)
	}
	line := r.t("programme.report.ambassador_line", map[string]any{"edition": r.Ambassador.EditionYear, "nominations": r.Ambassador.Nominations})
	if len(r.Ambassador.Laureates) > 0 {
		line += " " + r.t("programme.report.laureates", map[string]any{"names": strings.Join(r.Ambassador.Laureates, "; ")})
	}
	return line
}

func (r *Report) header() []string {
	return []string{r.t("programme.report.col.code", nil), r.t("programme.report.col.indicator", nil), r.t("programme.report.col.baseline", nil),
		r.t("programme.report.col.target", nil), r.t("programme.report.col.value", nil), r.t("programme.report.col.status", nil),
		r.t("programme.report.col.goal", nil)}
}

func (r *Report) cells(row ReportRow) []string {
	value := row.Value
	if value == "" {
		value = "—"
	}
	return []string{row.Code, row.Name, row.Baseline, row.Target, value, row.Status, strconv.Itoa(row.Goal)}
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// csv is the indicator table, with how each value was found; cells that
// a spreadsheet would run as a formula are quoted with a leading '.
func (r *Report) csv() (string, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	safe := func(s string) string {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			return "'" + s
		}
		return s
	}
	if err := w.Write(append(r.header(), r.t("programme.report.col.how", nil))); err != nil {
		return "", err
	}
	for _, row := range r.Rows {
		if err := w.Write(mapStrings(append(r.cells(row), row.Explanation), safe)); err != nil {
			return "", err
		}
	}
	w.Flush()
	return b.String(), w.Error()
}

var reportPage = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="{{.R.Locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #555; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.met { font-weight: 700; }
.not_met { font-weight: 700; text-decoration: underline; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
<h2>{{.Indicators}}</h2>
<table>
<thead><tr>{{range .Header}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range $row := .Rows}}<tr>{{range $i, $c := $row.Cells}}<td{{if eq $i 5}} class="{{$row.Code}}"{{end}}>{{$c}}</td>{{end}}</tr>{{end}}</tbody>
</table>
<h3>{{.How}}</h3>
<ul>{{range .R.Rows}}<li><strong>{{.Code}}</strong> {{.Explanation}}</li>{{end}}</ul>
<h2>{{.ConsultationsTitle}}</h2>
{{if .R.Consultations}}<ul>{{range .Consultations}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>{{.None}}</p>{{end}}
<h2>{{.BodiesTitle}}</h2>
{{if .R.Bodies}}<ul>{{range .Bodies}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>{{.None}}</p>{{end}}
<h2>{{.BudgetTitle}}</h2>
<p>{{.Budget}}</p>
<h2>{{.AmbassadorTitle}}</h2>
<p>{{.Ambassador}}</p>
</body>
</html>
`))

type htmlRow struct {
	Code  string
	Cells []string
}

func (r *Report) html() (string, error) {
	var rows []htmlRow
	for _, row := range r.Rows {
		rows = append(rows, htmlRow{Code: row.StatusCode, Cells: r.cells(row)})
	}
	var cons, bodies []string
	for _, c := range r.Consultations {
		cons = append(cons, c.Title+" — "+c.Status+"; "+r.n("programme.report.submissions", c.Submissions))
	}
	for _, bd := range r.Bodies {
		bodies = append(bodies, bd.Name+" — "+r.n("programme.report.meetings", bd.Meetings))
	}
	var b bytes.Buffer
	err := reportPage.Execute(&b, map[string]any{
		"R": r, "Title": r.title(), "Intro": r.intro(), "Indicators": r.t("programme.report.indicators", nil), "Header": r.header(),
		"Rows": rows, "How": r.t("programme.report.how", nil), "None": r.t("programme.report.none", nil),
		"ConsultationsTitle": r.t("programme.report.consultations", nil), "Consultations": cons,
		"BodiesTitle": r.t("programme.report.bodies", nil), "Bodies": bodies,
		"BudgetTitle": r.t("programme.report.budget", nil), "Budget": r.budgetLine(),
		"AmbassadorTitle": r.t("programme.report.ambassador", nil), "Ambassador": r.ambassadorLine(),
	})
	return b.String(), err
}

// BaselineText is the indicator's baseline with its year, in l.
func BaselineText(in *Indicator, l i18n.Locale) string {
	return i18n.T(l, "programme.report.baseline", map[string]any{"value": FormatValue(in.Baseline, in.Unit), "year": in.BaselineYear})
}
