package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
)

func (r *Resolver) auditLog(ctx context.Context, filter *model.AuditLogFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	if err := authz.Require(ctx, "read", authz.Object{Type: "audit_log"}); err != nil {
		return nil, err
	}
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	cur, err := decodeCursor[audit.Cursor](after)
	if err != nil {
		return nil, err
	}
	var f audit.Filter
	if filter != nil {
		f.ObjectType, f.ObjectID, f.Action = deref(filter.ObjectType), deref(filter.ObjectID), deref(filter.Action)
	}
	items, hasNext, total, err := audit.List(ctx, r.Pool, f, n, cur)
	if err != nil {
		return nil, err
	}
	actors := make([]uuid.UUID, len(items))
	for i, it := range items {
		if it.ActorID != nil {
			actors[i] = *it.ActorID
		}
	}
	names, err := loadersFrom(ctx).displayNames(ctx, actors)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditEntryConnection{TotalCount: total, Edges: []model.AuditEntryEdge{}}
	cursors := make([]string, 0, len(items))
	for i, it := range items {
		e := &model.AuditEntry{ID: gid.Encode("AuditEntry", it.ID), Action: it.Action, ObjectType: it.ObjectType,
			ObjectID: it.ObjectID, Reason: it.Reason, CreatedAt: it.CreatedAt, ActorName: names[i]}
		c := encodeCursor(audit.Cursor{At: it.CreatedAt, ID: it.ID})
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.AuditEntryEdge{Cursor: c, Node: e})
	}
	conn.PageInfo = pageInfo(cursors, hasNext, cur != nil)
	return conn, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
