package pb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ParseError is a malformed .pb file: the 1-based line and the problem.
// Every error Read returns for bad input is a *ParseError.
type ParseError struct {
	Line    int
	Problem string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Problem) }

func errAt(line int, format string, args ...any) error {
	return &ParseError{Line: line, Problem: fmt.Sprintf(format, args...)}
}

// Vote types of the META vote_type entry. A file without vote_type is
// approval, as in Pabulib's own tools.
const (
	Approval   = "approval"
	Ordinal    = "ordinal"
	Cumulative = "cumulative"
	Scoring    = "scoring"
	Choose1    = "choose-1"
)

// ReadFile reads the .pb file at path.
func ReadFile(path string) (*Instance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// Read parses a Pabulib .pb file. It is strict, because a tally must not
// quietly count a damaged file: these are errors (each naming its line) —
// a missing or misplaced section or header, a row whose field count differs
// from its header, a cost or budget that is not a non-negative amount with at
// most two decimals, a duplicate project or voter id, a vote for an unknown
// project or for one project twice, points that are not integers or do not
// match the vote, an unknown vote_type, and a num_projects or num_votes that
// differs from the rows (the usual sign of a truncated file). Data that is
// well-formed but suspicious (votes and score columns that disagree with the
// ballots, ballot lengths outside min_length/max_length) is for Check.
//
// Line ends may be CRLF or LF, mixed; fields may be quoted with doubled "".
func Read(r io.Reader) (*Instance, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false

	p := parser{in: &Instance{}, projectIdx: map[string]int{}, voters: map[string]bool{}, metaLine: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if pe.StartLine != pe.Line {
					return nil, errAt(pe.StartLine, "%v (the row runs on to line %d)", pe.Err, pe.Line)
				}
				return nil, errAt(pe.Line, "%v", pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if err := p.record(line, rec); err != nil {
			return nil, err
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.in, nil
}

type section int

const (
	sectionNone section = iota
	sectionMeta
	sectionProjects
	sectionVotes
)

var sectionNames = [...]string{"", "META", "PROJECTS", "VOTES"}

type parser struct {
	in         *Instance
	sec        section
	header     bool // the current section's header line was read
	lastLine   int
	projectIdx map[string]int
	voters     map[string]bool
	metaLine   map[string]int
	voteType   string
	hasPoints  bool
}

func (p *parser) record(line int, rec []string) error {
	p.lastLine = line
	if len(rec) == 1 {
		if s, ok := sectionOf(rec[0]); ok {
			return p.startSection(line, s)
		}
	}
	switch {
	case p.sec == sectionNone:
		return errAt(line, "expected META before any data, got %q", strings.Join(rec, ";"))
	case !p.header:
		return p.readHeader(line, rec)
	case p.sec == sectionMeta:
		return p.meta(line, rec)
	case p.sec == sectionProjects:
		return p.project(line, rec)
	default:
		return p.vote(line, rec)
	}
}

func sectionOf(field string) (section, bool) {
	for s, name := range sectionNames {
		if s != 0 && strings.EqualFold(strings.TrimSpace(field), name) {
			return section(s), true
		}
	}
	return sectionNone, false
}

func (p *parser) startSection(line int, s section) error {
	if s != p.sec+1 {
		want := "end of file"
		if p.sec < sectionVotes {
			want = sectionNames[p.sec+1]
		}
		return errAt(line, "section %s out of order: expected %s", sectionNames[s], want)
	}
	if p.sec != sectionNone && !p.header {
		return errAt(line, "section %s has no header line", sectionNames[p.sec])
	}
	if s == sectionProjects {
		if err := p.checkMeta(); err != nil {
			return err
		}
	}
	p.sec, p.header = s, false
	return nil
}

func (p *parser) readHeader(line int, rec []string) error {
	seen := map[string]bool{}
	for _, c := range rec {
		if c == "" {
			return errAt(line, "%s header has an empty column name", sectionNames[p.sec])
		}
		if seen[c] {
			return errAt(line, "%s header repeats column %q", sectionNames[p.sec], c)
		}
		seen[c] = true
	}
	var need []string
	switch p.sec {
	case sectionMeta:
		if len(rec) != 2 || rec[0] != "key" || rec[1] != "value" {
			return errAt(line, "META header must be \"key;value\", got %q", strings.Join(rec, ";"))
		}
	case sectionProjects:
		need = []string{"project_id", "cost"}
		p.in.ProjectColumns = rec
	case sectionVotes:
		need = []string{"voter_id", "vote"}
		p.in.VoteColumns = rec
		p.hasPoints = seen["points"]
		if (p.voteType == Cumulative || p.voteType == Scoring) && !p.hasPoints {
			return errAt(line, "vote_type %s needs a points column in VOTES", p.voteType)
		}
	}
	for _, c := range need {
		if !seen[c] {
			return errAt(line, "%s header has no %s column", sectionNames[p.sec], c)
		}
	}
	p.header = true
	return nil
}

func (p *parser) meta(line int, rec []string) error {
	if len(rec) != 2 {
		return errAt(line, "META entry has %d fields, want 2 (key;value)", len(rec))
	}
	if _, dup := p.metaLine[rec[0]]; dup {
		return errAt(line, "META key %q repeated (first on line %d)", rec[0], p.metaLine[rec[0]])
	}
	p.metaLine[rec[0]] = line
	p.in.Meta = append(p.in.Meta, KV{Key: rec[0], Value: rec[1]})
	return nil
}

// checkMeta validates the META values the counting depends on.
func (p *parser) checkMeta() error {
	b, ok := p.in.Get("budget")
	if !ok {
		return errAt(p.lastLine, "META has no budget")
	}
	if _, err := ParseAmount(b); err != nil {
		return errAt(p.metaLine["budget"], "budget %q is not a number (want digits with at most 2 decimals, e.g. 1546168.66)", b)
	}
	p.voteType = Approval
	if vt, ok := p.in.Get("vote_type"); ok {
		switch vt {
		case Approval, Ordinal, Cumulative, Scoring, Choose1:
			p.voteType = vt
		default:
			return errAt(p.metaLine["vote_type"], "unknown vote_type %q (want approval, ordinal, cumulative, scoring or choose-1)", vt)
		}
	}
	for _, k := range []string{"num_projects", "num_votes", "min_length", "max_length"} {
		if v, ok := p.in.Get(k); ok {
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return errAt(p.metaLine[k], "%s %q is not a non-negative integer", k, v)
			}
		}
	}
	return nil
}

func (p *parser) row(line int, rec []string, cols []string) (map[string]string, error) {
	if len(rec) != len(cols) {
		return nil, errAt(line, "%d fields, but the %s header has %d", len(rec), sectionNames[p.sec], len(cols))
	}
	f := make(map[string]string, len(cols))
	for i, c := range cols {
		f[c] = rec[i]
	}
	return f, nil
}

func (p *parser) project(line int, rec []string) error {
	f, err := p.row(line, rec, p.in.ProjectColumns)
	if err != nil {
		return err
	}
	id := f["project_id"]
	if id == "" {
		return errAt(line, "empty project_id")
	}
	if strings.Contains(id, ",") {
		return errAt(line, "project_id %q contains a comma, which votes use as separator", id)
	}
	if _, dup := p.projectIdx[id]; dup {
		return errAt(line, "duplicate project_id %q", id)
	}
	cost, err := ParseAmount(f["cost"])
	if err != nil {
		return errAt(line, "cost %q is not a number (want digits with at most 2 decimals, e.g. 1546168.66)", f["cost"])
	}
	p.projectIdx[id] = len(p.in.Projects)
	p.in.Projects = append(p.in.Projects, Project{ID: id, Cost: cost, Fields: f})
	return nil
}

func (p *parser) vote(line int, rec []string) error {
	f, err := p.row(line, rec, p.in.VoteColumns)
	if err != nil {
		return err
	}
	v := Vote{VoterID: f["voter_id"], Fields: f}
	if v.VoterID == "" {
		return errAt(line, "empty voter_id")
	}
	if p.voters[v.VoterID] {
		return errAt(line, "duplicate voter_id %q", v.VoterID)
	}
	p.voters[v.VoterID] = true
	v.Projects = splitList(f["vote"])
	seen := make(map[string]bool, len(v.Projects))
	for _, id := range v.Projects {
		if _, ok := p.projectIdx[id]; !ok {
			return errAt(line, "voter %q votes for unknown project %q", v.VoterID, id)
		}
		if seen[id] {
			return errAt(line, "voter %q votes for project %q twice", v.VoterID, id)
		}
		seen[id] = true
	}
	if p.hasPoints {
		for _, s := range splitList(f["points"]) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return errAt(line, "points %q: %q is not an integer", f["points"], s)
			}
			v.Points = append(v.Points, n)
		}
		if len(v.Points) != len(v.Projects) {
			return errAt(line, "voter %q has %d projects but %d points", v.VoterID, len(v.Projects), len(v.Points))
		}
	}
	p.in.Votes = append(p.in.Votes, v)
	return nil
}

func (p *parser) finish() error {
	if p.sec != sectionVotes || !p.header {
		want := sectionNames[min(p.sec+1, sectionVotes)]
		if p.sec != sectionNone && !p.header {
			want = sectionNames[p.sec] + " header"
		}
		return errAt(p.lastLine+1, "unexpected end of file: missing %s", want)
	}
	if err := p.checkCount("num_projects", len(p.in.Projects), "PROJECTS rows"); err != nil {
		return err
	}
	return p.checkCount("num_votes", len(p.in.Votes), "VOTES rows")
}

func (p *parser) checkCount(key string, got int, what string) error {
	v, ok := p.in.Get(key)
	if !ok {
		return nil
	}
	if n, _ := strconv.Atoi(v); n != got {
		return errAt(p.metaLine[key], "%s is %d but the file has %d %s", key, n, got, what)
	}
	return nil
}

// splitList splits a comma-separated field; the empty field is no items.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ParseAmount parses a money amount with at most two decimals ("1546168.66",
// "420000", "12.5") into grosze. Anything else — a sign, a decimal comma,
// exponent, spaces, three decimals — is an error, since rounding money
// silently would change outcomes. At most 13 whole digits, so that sums of
// thousands of costs stay far inside int64.
func ParseAmount(s string) (int64, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || !digits(whole) || (hasDot && (frac == "" || len(frac) > 2 || !digits(frac))) {
		return 0, fmt.Errorf("%q is not an amount with at most 2 decimals", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	var g int64
	if frac != "" {
		g, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			g *= 10
		}
	}
	return w*100 + g, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatAmount formats grosze with two decimals: 154616866 → "1546168.66".
func FormatAmount(grosze int64) string {
	sign := ""
	if grosze < 0 {
		sign, grosze = "-", -grosze
	}
	return fmt.Sprintf("%s%d.%02d", sign, grosze/100, grosze%100)
}

// Budget returns the META budget in grosze.
func (in *Instance) Budget() (int64, error) {
	b, ok := in.Get("budget")
	if !ok {
		return 0, errors.New("pb: META has no budget")
	}
	n, err := ParseAmount(b)
	if err != nil {
		return 0, fmt.Errorf("pb: budget: %w", err)
	}
	return n, nil
}

// VoteType returns the META vote_type, approval when absent.
func (in *Instance) VoteType() string {
	if vt, ok := in.Get("vote_type"); ok {
		return vt
	}
	return Approval
}
