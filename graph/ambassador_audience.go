package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/graph/scalar"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/live"
)

// ambassadorAudienceTotalsOut is a category's totals; the distinctions only
// once they are set (public totals).
func ambassadorAudienceTotalsOut(t ambassador.CategoryTotals) model.AmbassadorAudienceTotals {
	out := model.AmbassadorAudienceTotals{CategoryID: gid.Encode("AmbassadorCategory", t.CategoryID), Voters: t.Voters,
		Counted: t.Counted, Votes: make([]model.AmbassadorAudienceVotes, 0, len(t.Votes))}
	ids := make([]uuid.UUID, 0, len(t.Votes))
	for id := range t.Votes {
		ids = append(ids, id)
	}
	// Most votes first; ties by id, so that the order says nothing else.
	slices.SortFunc(ids, func(a, b uuid.UUID) int {
		if t.Votes[a] != t.Votes[b] {
			return t.Votes[b] - t.Votes[a]
		}
		return strings.Compare(a.String(), b.String())
	})
	for _, id := range ids {
		v := model.AmbassadorAudienceVotes{NominationID: gid.Encode("AmbassadorNomination", id), Votes: t.Votes[id]}
		if t.Distinction != nil {
			d := t.Distinction[id]
			v.AudienceDistinction = &d
		}
		out.Votes = append(out.Votes, v)
	}
	return out
}

func ambassadorAudienceVoteOut(v *ambassador.AudienceVote) *model.AmbassadorAudienceVote {
	out := &model.AmbassadorAudienceVote{Open: v.Open, OpensAt: v.OpensAt, ClosesAt: v.ClosesAt, TotalsVisible: v.TotalsVisible,
		Final: v.Final, Categories: make([]model.AmbassadorAudienceCategory, 0, len(v.Categories))}
	for _, c := range v.Categories {
		cat := ambassadorCategoryOut(c.Category)
		mc := model.AmbassadorAudienceCategory{Category: &cat, ViewerVoted: c.Voted, ViewerVotedOn: c.VotedOn,
			Choices: make([]model.AmbassadorAudienceChoice, 0, len(c.Choices))}
		if c.Totals != nil {
			t := ambassadorAudienceTotalsOut(*c.Totals)
			mc.Totals = &t
		}
		for _, ch := range c.Choices {
			m := model.AmbassadorAudienceChoice{NominationID: gid.Encode("AmbassadorNomination", ch.NominationID),
				NomineeName: ch.NomineeName, Justifications: make([]model.AmbassadorJustification, len(ch.Justifications))}
			for i, j := range ch.Justifications {
				m.Justifications[i] = model.AmbassadorJustification{J: j, EditionID: v.EditionID}
			}
			if c.Totals != nil {
				n := c.Totals.Votes[ch.NominationID]
				m.Votes = &n
				if c.Totals.Distinction != nil {
					d := c.Totals.Distinction[ch.NominationID]
					m.AudienceDistinction = &d
				}
			}
			mc.Choices = append(mc.Choices, m)
		}
		out.Categories = append(out.Categories, mc)
	}
	return out
}

// castAmbassadorAudienceVote votes; the payload names the category, never
// the choice.
func (r *Resolver) castAmbassadorAudienceVote(ctx context.Context, in model.CastAmbassadorAudienceVoteInput) (*model.CastAmbassadorAudienceVotePayload, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated // before anything is read
	}
	id, err := gid.Expect(in.NominationID, "AmbassadorNomination", "nominationId")
	if err != nil {
		return nil, err
	}
	rc, err := r.Ambassador.CastAudienceVote(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := r.Ambassador.Edition(ctx, rc.EditionID)
	if err != nil {
		return nil, err
	}
	cats, err := r.Ambassador.Categories(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	out := &model.CastAmbassadorAudienceVotePayload{Edition: ambassadorEditionOut(e), CastOn: scalar.Day(rc.CastOn)}
	for _, c := range cats {
		if c.ID == rc.CategoryID {
			m := ambassadorCategoryOut(c)
			out.Category = &m
		}
	}
	return out, nil
}

// ambassadorAudienceTotals is the query field: nil for who may not see them.
func (r *Resolver) ambassadorAudienceTotals(ctx context.Context, editionID string) ([]model.AmbassadorAudienceTotals, error) {
	id, err := gid.Expect(editionID, "AmbassadorEdition", "editionId")
	if err != nil {
		return nil, err
	}
	ts, err := r.Ambassador.AudienceTotals(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]model.AmbassadorAudienceTotals, len(ts))
	for i, t := range ts {
		out[i] = ambassadorAudienceTotalsOut(t)
	}
	return out, nil
}

// ambassadorAudienceFanout converts each edition's totals event once for
// every subscriber; who subscribes is decided per stream (staff only).
func (r *Resolver) ambassadorAudienceFanout(reg *live.Registry) *live.Fanout[uuid.UUID, *model.AmbassadorAudienceTotalsEvent] {
	return live.NewFanout(reg, func(id uuid.UUID, feed *live.Feed[*model.AmbassadorAudienceTotalsEvent]) (func(), error) {
		if r.Live == nil {
			return func() {}, nil
		}
		return r.Live.Handle(ambassador.AudienceTopic(id), func(ev live.Event) {
			var e ambassador.AudienceEvent
			if json.Unmarshal(ev.Data, &e) != nil {
				return
			}
			m := &model.AmbassadorAudienceTotalsEvent{EditionID: gid.Encode("AmbassadorEdition", id),
				Categories: make([]model.AmbassadorAudienceTotals, len(e.Categories))}
			for i, t := range e.Categories {
				m.Categories[i] = ambassadorAudienceTotalsOut(t)
			}
			feed.Publish(func(live.View) (*model.AmbassadorAudienceTotalsEvent, bool) { return m, true }, false)
		}), nil
	})
}

// ambassadorAudienceTotalsStream streams an edition's live totals to who
// runs it: decided now and again when grants change; anyone else gets
// NOT_FOUND, as for the query.
func (r *Resolver) ambassadorAudienceTotalsStream(ctx context.Context, editionID string) (<-chan *model.AmbassadorAudienceTotalsEvent, error) {
	id, err := gid.Expect(editionID, "AmbassadorEdition", "editionId")
	if err != nil {
		return nil, err
	}
	e, err := r.Ambassador.Edition(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := r.live.audience.Subscribe(ctx, id, live.StreamOptions[*model.AmbassadorAudienceTotalsEvent]{
		Field:  "ambassadorAudienceTotals",
		Decide: func() live.View { return visibleIf(r.Ambassador.WatchesAudience(ctx, e)) },
		OnEnd:  endWith(ctx),
		Resync: func(live.View) (*model.AmbassadorAudienceTotalsEvent, bool) {
			return &model.AmbassadorAudienceTotalsEvent{EditionID: editionID, Categories: []model.AmbassadorAudienceTotals{},
				Resync: true}, true
		},
	})
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, apperr.ErrNotFound
	}
	return st.C(), nil
}
