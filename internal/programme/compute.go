package programme

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/db"
)

// DefaultMinAttendance is a consultation meeting's least attendance to
// count, as the programme declares it ("at least 10 persons or NGOs").
const DefaultMinAttendance = 10

// Part is one figure behind a value (meetings held, participants, ...).
type Part struct {
	Key   string
	Value float64
}

// Sample describes a survey-based value: who answered, of how many, and a
// 95 % confidence interval of the share (Wilson's score interval, in
// percent; the survey is voluntary, so the interval covers sampling only,
// not who chose to answer).
type Sample struct {
	Respondents  int
	Ballots      int
	ResponseRate float64 // respondents per ballot, in percent
	Low, High    *float64
	MinGroup     int
	// Withheld: the share is not published (fewer than MinGroup
	// respondents or a derivable group below it).
	Withheld bool
}

// Result is an indicator's value in a year and its status.
type Result struct {
	Indicator *Indicator
	Year      int
	// Value is nil when it is not known: not entered, withheld, not yet
	// published or its source is not connected.
	Value  *float64
	Status string
	// Final: the year is over (and the value will not change by itself).
	Final bool
	// Parts are the figures behind a computed value.
	Parts []Part
	// Sample describes a survey-based value.
	Sample *Sample
	// Entered is the entered value behind an entered indicator's result.
	Entered *Value
	// Unavailable: a computed indicator whose source is not connected.
	Unavailable bool
	// AsOf is when a state (not a year's count) was read, for by-year targets.
	AsOf time.Time
}

// Results computes every indicator of a programme for a year (anyone).
func (s *Service) Results(ctx context.Context, programmeID uuid.UUID, year int) ([]*Result, error) {
	p, err := s.Programme(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	if year < p.FirstYear-10 || year > p.LastYear {
		return nil, errResultYear
	}
	return s.results(ctx, p, year)
}

// results computes without checking who asks (the results are public).
func (s *Service) results(ctx context.Context, p *Programme, year int) ([]*Result, error) {
	ins, err := indicators(ctx, s.pool, p.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(ins))
	for i, in := range ins {
		ids[i] = in.ID
	}
	entered, err := values(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]*Result, 0, len(ins))
	for _, in := range ins {
		r, err := s.compute(ctx, in, year, now, entered[in.ID])
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %w", in.Code, err)
		}
		r.Status = status(in, r, year, now)
		out = append(out, r)
	}
	return out, nil
}

// compute finds an indicator's value in year.
func (s *Service) compute(ctx context.Context, in *Indicator, year int, now time.Time, entered []*Value) (*Result, error) {
	start, end := yearBounds(year)
	r := &Result{Indicator: in, Year: year, Final: !now.Before(end), Parts: []Part{}}
	asOf := end
	if now.Before(end) {
		asOf = now
	}
	q := s.pool
	var err error
	switch in.Method {
	case MethodEntered:
		for _, v := range entered {
			if v.Year == year {
				r.Entered, r.Value = v, ptr(v.Value)
			}
		}
	case MethodConsultationMeetings:
		err = consultationMeetings(ctx, q, r, start, end, asOf, in.Params)
	case MethodAmbassadorNominations:
		err = ambassadorNominations(ctx, q, r, start, end)
	case MethodBodyMeetings:
		err = bodyMeetings(ctx, q, r, start, end, asOf, in.Params)
	case MethodBudgetShare:
		err = budgetShare(ctx, q, r, year)
	case MethodTranslatedProcedures:
		if s.sources.TranslatedProcedures == nil {
			r.Unavailable = true
			break
		}
		r.AsOf = asOf
		n, e := s.sources.TranslatedProcedures(ctx, q, asOf)
		r.Value, err = ptr(float64(n)), e
	case MethodEvents:
		if s.sources.Events == nil {
			r.Unavailable = true
			break
		}
		n, e := s.sources.Events(ctx, q, year, in.Params.Organisers)
		r.Value, err = ptr(float64(n)), e
	default:
		err = fmt.Errorf("unknown method %q", in.Method)
	}
	return r, err
}

func ptr(v float64) *float64 { return &v }

// consultationMeetings: consultation meetings that started in the year and
// have ended, not cancelled, of a consultation past its draft, with at
// least MinAttendance present — registered people marked as attended,
// people who came without registering, and organisations present.
func consultationMeetings(ctx context.Context, q db.Querier, r *Result, start, end, asOf time.Time, p Params) error {
	min := p.MinAttendance
	if min == 0 {
		min = DefaultMinAttendance
	}
	var held, counted, people, orgs int
	err := q.QueryRow(ctx, `select count(*), count(*) filter (where m.people + m.orgs >= $4),
			coalesce(sum(m.people), 0), coalesce(sum(m.orgs), 0)
		from (select g.walk_ins + (select count(*) from gathering_registrations x
					where x.gathering_id = g.id and x.status = 'registered' and x.attended) as people,
				(select count(*) from gathering_organisations o where o.gathering_id = g.id) as orgs
			from gatherings g join consultations c on c.id = g.consultation_id
			where g.kind = 'consultation_meeting' and g.cancelled_at is null and c.status <> 'draft'
				and g.starts_at >= $1 and g.starts_at < $2 and g.ends_at <= $3) m`, start, end, asOf, min).Scan(&held, &counted, &people, &orgs)
	if err != nil {
		return fmt.Errorf("consultation meetings: %w", err)
	}
	r.Value = ptr(float64(counted))
	r.Parts = []Part{{"meetings_held", float64(held)}, {"min_attendance", float64(min)}, {"participants", float64(people)},
		{"organisations", float64(orgs)}}
	return nil
}

// ambassadorNominations: nominations (not withdrawn) of the published
// editions whose nominations opened in the year.
func ambassadorNominations(ctx context.Context, q db.Querier, r *Result, start, end time.Time) error {
	var editions, received, eligible int
	err := q.QueryRow(ctx, `select count(distinct e.id), count(n.id) filter (where n.status <> 'withdrawn'),
			count(n.id) filter (where n.status = 'eligible')
		from ambassador_editions e left join ambassador_nominations n on n.edition_id = e.id
		where e.status = 'published' and e.nominations_open >= $1 and e.nominations_open < $2`, start, end).Scan(&editions, &received, &eligible)
	if err != nil {
		return fmt.Errorf("ambassador nominations: %w", err)
	}
	r.Value = ptr(float64(received))
	r.Parts = []Part{{"editions", float64(editions)}, {"eligible", float64(eligible)}}
	return nil
}

// bodyMeetings: meetings of dialogue bodies (of the bodies given; none:
// all) that started in the year and have ended, not cancelled.
func bodyMeetings(ctx context.Context, q db.Querier, r *Result, start, end, asOf time.Time, p Params) error {
	var held int
	bodies := p.Bodies
	if bodies == nil {
		bodies = []uuid.UUID{}
	}
	err := q.QueryRow(ctx, `select count(*) from gatherings g
		where g.kind = 'body_meeting' and g.cancelled_at is null and g.starts_at >= $1 and g.starts_at < $2 and g.ends_at <= $3
			and (cardinality($4::uuid[]) = 0 or g.body_id = any($4))`, start, end, asOf, bodies).Scan(&held)
	if err != nil {
		return fmt.Errorf("body meetings: %w", err)
	}
	r.Value = ptr(float64(held))
	return nil
}

// budgetShare: the share of the civic-budget edition of the year's survey
// respondents who have migration experience or belong to a minority, once
// the edition's results (and with them the survey) are published, and only
// where the survey's report publishes it.
func budgetShare(ctx context.Context, q db.Querier, r *Result, year int) error {
	var edition uuid.UUID
	err := q.QueryRow(ctx, `select id from budget_editions where year = $1 and status <> 'draft' order by created_at limit 1`, year).Scan(&edition)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("budget share: %w", err)
	}
	sh, err := budget.ReadSurveyShare(ctx, q, edition)
	if err != nil {
		return err
	}
	if !sh.Public {
		return nil
	}
	smp := &Sample{Respondents: sh.Respondents, Ballots: sh.Ballots, MinGroup: budget.SurveyMinGroup, Withheld: sh.Share == nil}
	if sh.Ballots > 0 {
		smp.ResponseRate = round(100*float64(sh.Respondents)/float64(sh.Ballots), 1)
	}
	r.Sample = smp
	if sh.Share == nil {
		return nil
	}
	lo, hi := wilson(*sh.Share, sh.Respondents)
	smp.Low, smp.High = ptr(round(100*lo, 1)), ptr(round(100*hi, 1))
	r.Value = ptr(round(100**sh.Share, 1))
	return nil
}

// wilson is Wilson's 95 % score interval of a share p of n answers.
func wilson(p float64, n int) (float64, float64) {
	const z = 1.959963984540054
	nf := float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

func round(v float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(v*f) / f
}

// status compares a known value with its target: met when it holds;
// otherwise not met once the year the target is for is over, and not yet
// known before (a count may still grow, a share is not final).
func status(in *Indicator, r *Result, year int, now time.Time) string {
	if r.Value == nil {
		return StatusNotYetKnown
	}
	v := *r.Value
	holds := v >= in.Target
	if in.Comparison == AtMost {
		holds = v <= in.Target
	}
	if holds {
		// An at-most target can still be missed before the year is over.
		if in.Comparison == AtMost && !r.Final {
			return StatusNotYetKnown
		}
		return StatusMet
	}
	deadline := year
	if in.TargetScope == ByYear && in.TargetYear != nil && *in.TargetYear > year {
		deadline = *in.TargetYear
	}
	_, end := yearBounds(deadline)
	if now.Before(end) {
		return StatusNotYetKnown
	}
	return StatusNotMet
}
