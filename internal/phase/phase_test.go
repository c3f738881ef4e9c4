package phase_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/phase"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var term = phase.Machine{Kind: "test_term", Moves: map[string][]string{
	"draft":     {"active"},
	"active":    {"ended", "suspended"},
	"suspended": {"active"},
}}

func TestMachine_AllowsOnlyTheTable(t *testing.T) {
	t.Parallel()
	require.True(t, term.Allows("draft", "active"))
	require.True(t, term.Allows("suspended", "active"))
	require.False(t, term.Allows("draft", "ended"))
	require.False(t, term.Allows("ended", "active"))
	require.False(t, term.Allows("unknown", "active"))
}

func TestRecord_KeepsTheHistoryAndRefusesAMoveOutsideTheTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	id, other := uuid.New(), uuid.New()
	var actor uuid.UUID
	require.NoError(t, pool.QueryRow(ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ('faza@example.org', 'x', 'Faza', 'pl') returning id`).Scan(&actor))

	require.NoError(t, db.InTx(ctx, pool, func(tx *db.Tx) error {
		if err := term.Record(ctx, tx, id, "draft", "active", "", actor); err != nil {
			return err
		}
		if err := term.Record(ctx, tx, other, "draft", "active", "", actor); err != nil {
			return err
		}
		return term.Record(ctx, tx, id, "active", "suspended", phase.ReasonSchedule, uuid.Nil)
	}))
	err := db.InTx(ctx, pool, func(tx *db.Tx) error { return term.Record(ctx, tx, id, "suspended", "ended", "", actor) })
	require.EqualError(t, err, "phase: test_term "+id.String()+" cannot move from suspended to ended")

	history, err := term.History(ctx, pool, id)
	require.NoError(t, err)
	require.Len(t, history, 2)
	require.Equal(t, []string{"draft", "active"}, []string{history[0].From, history[0].To})
	require.Equal(t, actor, history[0].ActorID)
	require.Equal(t, []string{"active", "suspended", "schedule"}, []string{history[1].From, history[1].To, history[1].Reason})
	require.Equal(t, uuid.Nil, history[1].ActorID, "the schedule has no actor")
	require.Equal(t, id, history[1].ObjectID)

	none, err := phase.Machine{Kind: "other"}.History(ctx, pool, id)
	require.NoError(t, err)
	require.Equal(t, []phase.Change{}, none, "another machine's history is its own")
}

func TestSameTime_ComparesAtMicroseconds(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 10, 0, 0, 123456789, time.UTC)
	stored := at.Truncate(time.Microsecond)
	require.True(t, phase.SameTime(&stored, at))
	later := stored.Add(time.Microsecond)
	require.False(t, phase.SameTime(&later, at))
	require.False(t, phase.SameTime(nil, at))
}
