package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/page"
)

func opinionRequestOut(r *dialogue.OpinionRequest) *model.BodyOpinionRequest {
	return &model.BodyOpinionRequest{ID: gid.Encode("BodyOpinionRequest", r.ID), R: r,
		Status: model.BodyOpinionRequestStatus(strings.ToUpper(string(r.Status))), DueAt: r.DueAt, RequestedAt: r.RequestedAt,
		WithdrawnAt: r.WithdrawnAt, AnsweredAt: r.AnsweredAt, Late: r.Late()}
}

func bodyOpinionOut(o consultation.BodyOpinion) model.BodyOpinion {
	return model.BodyOpinion{O: o, AdoptedAt: o.AdoptedAt, Requested: o.Requested, DueAt: o.DueAt,
		Votes: &model.BodyOpinionVotes{Members: o.Members, Present: o.Present, Voters: o.Voters, Yes: o.Yes, No: o.No, Abstain: o.Abstain}}
}

func bodyOpinionsOut(os []consultation.BodyOpinion) []model.BodyOpinion {
	out := make([]model.BodyOpinion, len(os))
	for i, o := range os {
		out[i] = bodyOpinionOut(o)
	}
	return out
}

// opinionRequest is the request with key if the caller may see it, nil
// otherwise.
func (r *Resolver) opinionRequest(ctx context.Context, key uuid.UUID) (*model.BodyOpinionRequest, error) {
	v, err := r.Dialogue.OpinionRequest(ctx, key)
	return visibleOr(v, err, opinionRequestOut)
}

// opinionRequests is a connection of a page of requests.
func opinionRequests(p page.Page[*dialogue.OpinionRequest], after *string) *model.BodyOpinionRequestConnection {
	edges, info := connect(p, after, (*dialogue.OpinionRequest).Cursor, func(c string, req *dialogue.OpinionRequest) model.BodyOpinionRequestEdge {
		return model.BodyOpinionRequestEdge{Cursor: c, Node: opinionRequestOut(req)}
	})
	return &model.BodyOpinionRequestConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}
}
