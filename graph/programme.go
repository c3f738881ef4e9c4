package graph

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/programme"
)

func programmeOut(p *programme.Programme) *model.Programme {
	return &model.Programme{ID: gid.Encode("Programme", p.ID), P: p}
}

func indicatorOut(in *programme.Indicator) *model.ProgrammeIndicator {
	return &model.ProgrammeIndicator{ID: gid.Encode("ProgrammeIndicator", in.ID), I: in}
}

func indicatorValueOut(v *programme.Value, in *programme.Indicator) model.IndicatorValue {
	return model.IndicatorValue{V: v, I: in}
}

func ids(kind string, in []uuid.UUID) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = gid.Encode(kind, id)
	}
	return out
}

func expectIDs(in []string, kind, field string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, len(in))
	for _, s := range in {
		id, err := gid.Expect(s, kind, field)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func localizedInputs(in []model.LocalizedInput) []i18n.Input {
	out := make([]i18n.Input, len(in))
	for i, l := range in {
		out[i] = localizedIn(&l)
	}
	return out
}

func (r *Resolver) programmeResults(ctx context.Context, p *programme.Programme, year int) ([]model.IndicatorResult, error) {
	rs, err := r.Programmes.Results(ctx, p.ID, year)
	if err != nil {
		return nil, err
	}
	out := make([]model.IndicatorResult, len(rs))
	for i, res := range rs {
		out[i] = model.IndicatorResult{R: res}
	}
	return out, nil
}

// programmeKey is one watched programme and year.
type programmeKey struct {
	programme uuid.UUID
	year      int
}

// programmeSettle is how long the results wait after a change for more
// changes before they are computed again (a burst of writes, one
// computation).
const programmeSettle = 300 * time.Millisecond

// programmeFanout computes each watched programme's results once per burst
// of changes to their sources and sends the indicators whose value or
// status changed to every subscriber of that programme and year.
func (r *Resolver) programmeFanout(reg *live.Registry) *live.Fanout[programmeKey, *model.ProgrammeResultsEvent] {
	return live.NewFanout(reg, func(k programmeKey, feed *live.Feed[*model.ProgrammeResultsEvent]) (func(), error) {
		if r.Live == nil || r.Programmes == nil {
			return func() {}, nil
		}
		// The results are public: computed as nobody in particular.
		ctx := authz.WithAuthorizer(context.Background(), r.Authz)
		p, err := r.Programmes.Programme(ctx, k.programme)
		if err != nil {
			return nil, err
		}
		// last is guarded by cmu (one computation at a time); timer by tmu,
		// which the broker's callback takes only briefly, never waiting for
		// a computation.
		var cmu, tmu sync.Mutex
		last := map[uuid.UUID]*programme.Result{}
		if rs, err := r.Programmes.Results(ctx, p.ID, k.year); err == nil {
			for _, res := range rs {
				last[res.Indicator.ID] = res
			}
		}
		var timer *time.Timer
		recompute := func() {
			tmu.Lock()
			timer = nil
			tmu.Unlock()
			cmu.Lock()
			defer cmu.Unlock()
			rs, err := r.Programmes.Results(ctx, p.ID, k.year)
			if err != nil {
				r.Log.Warn("programme results", "programme", p.ID, "year", k.year, "err", err)
				return
			}
			var changed []model.IndicatorResult
			for _, res := range rs {
				if old := last[res.Indicator.ID]; old == nil || !sameResult(old, res) {
					changed = append(changed, model.IndicatorResult{R: res})
				}
				last[res.Indicator.ID] = res
			}
			if len(changed) == 0 {
				return
			}
			m := &model.ProgrammeResultsEvent{ProgrammeID: gid.Encode("Programme", p.ID), Year: k.year, Changed: changed}
			feed.Publish(func(live.View) (*model.ProgrammeResultsEvent, bool) { return m, true }, false)
		}
		stop := r.Live.Handle(programme.Topic, func(live.Event) {
			tmu.Lock()
			defer tmu.Unlock()
			if timer == nil {
				timer = time.AfterFunc(programmeSettle, recompute)
			}
		})
		return func() {
			stop()
			tmu.Lock()
			if timer != nil {
				timer.Stop()
			}
			tmu.Unlock()
		}, nil
	})
}

// sameResult: the same value, status and figures.
func sameResult(a, b *programme.Result) bool {
	return reflect.DeepEqual(a.Value, b.Value) && a.Status == b.Status && a.Final == b.Final &&
		reflect.DeepEqual(a.Parts, b.Parts) && reflect.DeepEqual(a.Sample, b.Sample) &&
		reflect.DeepEqual(a.Entered, b.Entered) && a.Indicator.UpdatedAt.Equal(b.Indicator.UpdatedAt)
}

// programmeResultsStream streams a programme's changed results to who may
// watch them: decided now and again when grants change; anyone else gets
// FORBIDDEN (the programme itself is public).
func (r *Resolver) programmeResultsStream(ctx context.Context, programmeID string, year int) (<-chan *model.ProgrammeResultsEvent, error) {
	id, err := gid.Expect(programmeID, "Programme", "programmeId")
	if err != nil {
		return nil, err
	}
	p, err := r.Programmes.Programme(ctx, id)
	if err != nil {
		return nil, err
	}
	if year < p.FirstYear-10 || year > p.LastYear {
		return nil, apperr.Invalid("year", "programme.result_year_invalid")
	}
	if !r.Programmes.Watches(ctx, p) {
		if authz.SubjectFrom(ctx).Anonymous() {
			return nil, apperr.ErrUnauthenticated
		}
		return nil, apperr.ErrForbidden
	}
	st, err := r.live.programme.Subscribe(ctx, programmeKey{programme: id, year: year}, live.StreamOptions[*model.ProgrammeResultsEvent]{
		Field:  "programmeResultsChanged",
		Decide: func() live.View { return visibleIf(r.Programmes.Watches(ctx, p)) },
		OnEnd:  endWith(ctx),
		Resync: func(live.View) (*model.ProgrammeResultsEvent, bool) {
			return &model.ProgrammeResultsEvent{ProgrammeID: programmeID, Year: year, Changed: []model.IndicatorResult{}, Resync: true}, true
		},
	})
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, apperr.ErrForbidden
	}
	return st.C(), nil
}

func enumOf[T ~string](v string) T { return T(strings.ToUpper(v)) }

func enumIn(v string) string { return strings.ToLower(v) }

func ptrTo[T any](v T) *T { return &v }

// programmeReport renders a year's report; nil outside the programme's
// years.
func (r *Resolver) programmeReport(ctx context.Context, p *programme.Programme, year int, format model.ProgrammeReportFormat,
	locale *i18n.Locale) (*model.ProgrammeReport, error) {
	l := i18n.PL
	if locale != nil && locale.Valid() {
		l = *locale
	}
	rep, err := r.Programmes.Report(ctx, p.ID, year, l)
	if apperr.CodeOf(err) == apperr.InvalidInput {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ex, err := rep.Render(enumIn(string(format)))
	if err != nil {
		return nil, err
	}
	return &model.ProgrammeReport{FileName: ex.Filename, ContentType: ex.ContentType, Content: ex.Content}, nil
}

// programmePurposes names the values' attachments' purposes on the wire.
var programmePurposes = map[string]string{programme.PurposeEvidence: "EVIDENCE"}
