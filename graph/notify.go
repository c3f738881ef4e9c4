package graph

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
)

func notificationOut(n notify.Notification) *model.Notification {
	params := make([]model.NotificationParam, 0, len(n.Data))
	for k, v := range n.Data {
		if !strings.HasPrefix(k, "secret_") {
			params = append(params, model.NotificationParam{Key: k, Value: v})
		}
	}
	sort.Slice(params, func(i, j int) bool { return params[i].Key < params[j].Key })
	return &model.Notification{ID: gid.Encode("Notification", n.ID), Key: n.ID, Kind: n.Kind, Params: params,
		CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
}

func preferencesOut(p notify.Preferences) *model.NotificationPreferences {
	out := &model.NotificationPreferences{InApp: p.InApp, Email: p.Email, Digest: model.Digest(strings.ToUpper(p.Digest))}
	if p.Locale != nil {
		l := i18n.Locale(*p.Locale)
		out.Locale = &l
	}
	return out
}

func (r *Resolver) notificationPage(ctx context.Context, account uuid.UUID, first *int, after *string, unreadOnly bool) (*model.NotificationConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	p, err := r.Notify.List(ctx, account, n, deref(after), unreadOnly)
	if err != nil {
		return nil, err
	}
	edges, info := connect(p, after, notify.Notification.Cursor, func(c string, it notify.Notification) model.NotificationEdge {
		return model.NotificationEdge{Cursor: c, Node: notificationOut(it)}
	})
	return &model.NotificationConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}, nil
}

// notificationAdded streams the caller's new notifications. Each event
// re-checks the session (a revoked one closes the socket with 4403) and
// loads the notification scoped to its owner.
func (r *Resolver) notificationAdded(ctx context.Context) (<-chan *model.NotificationAddedEvent, error) {
	sub, err := requireSignedIn(ctx)
	if err != nil {
		return nil, err
	}
	// An account's own notifications: the audience of an event is that
	// account's few sockets, so each reads the notification itself.
	st := live.NewStream(ctx, r.live.reg, live.StreamOptions[*model.NotificationAddedEvent]{
		Field:  "notificationAdded",
		Decide: func() live.View { return 1 },
		Resync: func(live.View) (*model.NotificationAddedEvent, bool) {
			unread, err := r.Notify.UnreadCount(ctx, sub.AccountID)
			if err != nil {
				return nil, false
			}
			return &model.NotificationAddedEvent{UnreadCount: unread, Resync: true}, true
		},
	})
	events := r.Live.Subscribe(ctx, notify.Topic(sub.AccountID))
	go func() {
		for ev := range events {
			var e notify.Event
			if json.Unmarshal(ev.Data, &e) != nil {
				continue
			}
			n, err := r.Notify.Get(ctx, sub.AccountID, e.ID)
			if err != nil {
				if apperr.CodeOf(err) != apperr.NotFound && ctx.Err() == nil {
					r.Log.WarnContext(ctx, "notification event", "err", err)
				}
				continue
			}
			st.Offer(&model.NotificationAddedEvent{Notification: notificationOut(n), UnreadCount: e.UnreadCount})
		}
	}()
	return st.C(), nil
}
