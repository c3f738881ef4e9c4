package db

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EncodeUUIDs makes the pool's connections encode a uuid.UUID parameter (and
// each element of a []uuid.UUID) as its 16 bytes. Without it pgx takes
// google/uuid's driver.Valuer: every UUID is formatted as a string and
// parsed back, after a binary plan has failed with a formatted error — a
// third of a ballot's allocations. A target that is not uuid (text, say)
// finds no plan for the bytes and keeps the string form, as before.
func EncodeUUIDs(cfg *pgxpool.Config) {
	prev := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		m := conn.TypeMap()
		m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapUUID}, m.TryWrapEncodePlanFuncs...)
		if prev != nil {
			return prev(ctx, conn)
		}
		return nil
	}
}

func tryWrapUUID(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if u, ok := value.(uuid.UUID); ok {
		return &wrapUUIDPlan{}, pgtype.UUID{Bytes: u, Valid: true}, true
	}
	return nil, nil, false
}

type wrapUUIDPlan struct{ next pgtype.EncodePlan }

func (p *wrapUUIDPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *wrapUUIDPlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode(pgtype.UUID{Bytes: value.(uuid.UUID), Valid: true}, buf)
}
