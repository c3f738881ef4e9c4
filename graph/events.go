package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

func eventOut(e *events.Event) *model.Event {
	return &model.Event{ID: gid.Encode("Event", e.ID), E: e}
}

// event is the event with key if the caller may see it, nil otherwise.
func (r *Resolver) event(ctx context.Context, key uuid.UUID) (*model.Event, error) {
	e, err := r.Calendar.Event(ctx, key)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return eventOut(e), nil
}

func eventConnection(p page.Page[*events.Event], after *string, cursor func(*events.Event) string) *model.EventConnection {
	edges, info := connect(p, after, cursor, func(c string, e *events.Event) model.EventEdge {
		return model.EventEdge{Cursor: c, Node: eventOut(e)}
	})
	return &model.EventConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}
}

// versionsIn maps a text's versions; nil stays nil (unchanged in an update).
func versionsIn(in []model.LocalizedInput) []i18n.Input {
	if in == nil {
		return nil
	}
	out := make([]i18n.Input, len(in))
	for i, l := range in {
		out[i] = i18n.Input{Locale: l.Locale, Text: l.Text}
	}
	return out
}

func eventCategoryIn(c model.EventCategory) string { return strings.ToLower(string(c)) }

func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
