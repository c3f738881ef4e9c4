package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
)

func bodyMeetingRegistrationOut(r *gathering.Registration) *model.BodyMeetingRegistration {
	out := &model.BodyMeetingRegistration{AccountID: gid.Encode("Account", r.AccountID), DisplayName: optString(r.DisplayName),
		Status: model.RegistrationStatus(strings.ToUpper(r.Status)), Attended: r.Attended, RegisteredAt: r.CreatedAt}
	if r.QueuePosition > 0 {
		p := r.QueuePosition
		out.QueuePosition = &p
	}
	return out
}

// primeBodyMeetings puts the quorums a page of meetings will ask for into
// one batch before the items resolve (see primeSubmissions).
func primeBodyMeetings(ctx context.Context, items []*dialogue.Meeting) {
	if !requested(ctx, "edges", "node", "quorum") {
		return
	}
	ids := make([]uuid.UUID, len(items))
	for i, m := range items {
		ids[i] = m.ID
	}
	loadersFrom(ctx).bodyQuorums.LoadAllThunk(ctx, ids)
}
