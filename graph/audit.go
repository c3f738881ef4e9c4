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
	var f audit.Filter
	if filter != nil {
		f.ObjectType, f.ObjectID, f.Action = deref(filter.ObjectType), deref(filter.ObjectID), deref(filter.Action)
	}
	p, err := audit.List(ctx, r.Pool, f, n, deref(after))
	if err != nil {
		return nil, err
	}
	actors := make([]uuid.UUID, len(p.Items))
	for i, it := range p.Items {
		if it.ActorID != nil {
			actors[i] = *it.ActorID
		}
	}
	names, err := loadersFrom(ctx).displayNames(ctx, actors)
	if err != nil {
		return nil, err
	}
	nameOf := make(map[uuid.UUID]*string, len(names))
	for i, it := range p.Items {
		nameOf[it.ID] = names[i]
	}
	edges, info := connect(p, after, audit.Record.Cursor, func(c string, it audit.Record) model.AuditEntryEdge {
		return model.AuditEntryEdge{Cursor: c, Node: &model.AuditEntry{ID: gid.Encode("AuditEntry", it.ID), Action: it.Action,
			ObjectType: it.ObjectType, ObjectID: it.ObjectID, Reason: it.Reason, CreatedAt: it.CreatedAt, ActorName: nameOf[it.ID]}}
	})
	return &model.AuditEntryConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
