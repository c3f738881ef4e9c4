package budget

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
)

// FuzzBallotCheck: the check of a pick list never panics, refuses only with
// INVALID_INPUT on "picks", and what it accepts obeys every rule and keeps
// every pick.
func FuzzBallotCheck(f *testing.F) {
	newID := func(n byte) uuid.UUID { return uuid.UUID{15: n, 0: 0x01} }
	pool := func(n byte, kind, district, mode string, count int, required bool) Pool {
		return Pool{ID: newID(100 + n), PoolInput: PoolInput{Name: string('A' + rune(n)), Kind: kind, District: district,
			PickMode: mode, PickCount: count, Required: required}}
	}
	rules := &ballotRules{pools: []Pool{
		pool(0, KindCity, "", PickExactly, 2, true),
		pool(1, KindCity, "", PickAtMost, 3, false),
		pool(2, KindDistrict, "d1", PickAtLeast, 1, false),
		pool(3, KindDistrict, "d2", PickExactly, 1, true),
	}, inPool: map[uuid.UUID]uuid.UUID{}}
	var projects []uuid.UUID
	for i, sizes := range []int{3, 4, 2, 2} {
		for range sizes {
			id := newID(byte(len(projects)))
			projects = append(projects, id)
			rules.inPool[id] = rules.pools[i].ID
		}
	}
	unknown := newID(99)
	districts := []string{"d1", "d2", "d3"}

	f.Add([]byte{0, 0, 0, 0, 1})                   // d1: A a1 a2
	f.Add([]byte{1, 0, 0, 0, 1, 3, 9})             // d2: A a1 a2, D d1
	f.Add([]byte{0, 0, 0, 0, 0})                   // a repeated pick
	f.Add([]byte{0, 0, 0, 0, 1, 1, 3, 1, 4, 1, 5}) // B at most 3
	f.Add([]byte{2, 4, 0})                         // an unknown pool
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		district := districts[int(data[0])%len(districts)]
		picks := map[uuid.UUID][]uuid.UUID{}
		total := 0
		for i := 1; i+1 < len(data); i += 2 {
			p := unknown
			if n := int(data[i]) % 5; n < 4 {
				p = rules.pools[n].ID
			}
			pr := unknown
			if n := int(data[i+1]) % (len(projects) + 1); n < len(projects) {
				pr = projects[n]
			}
			picks[p] = append(picks[p], pr)
			total++
		}
		out, canonical, err := rules.check(district, picks)
		if err != nil {
			var e *apperr.Error
			require.True(t, errors.As(err, &e), "%v", err)
			require.Equal(t, apperr.InvalidInput, e.Code)
			require.Equal(t, "picks", e.Field)
			return
		}
		require.Len(t, out, total, "every pick kept")
		again, canonical2, err := rules.check(district, picks)
		require.NoError(t, err)
		require.Equal(t, out, again)
		require.Equal(t, canonical, canonical2)
		for _, p := range rules.pools {
			got := picks[p.ID]
			mine := p.Kind == KindCity || p.District == district
			if !mine {
				require.Empty(t, got, "a pool of another district")
				continue
			}
			if p.Required {
				require.NotEmpty(t, got, "required pool %s", p.Name)
			}
			if len(got) == 0 {
				continue
			}
			seen := map[uuid.UUID]bool{}
			for _, id := range got {
				require.False(t, seen[id], "repeated")
				seen[id] = true
				require.Equal(t, p.ID, rules.inPool[id])
			}
			switch p.PickMode {
			case PickExactly:
				require.Len(t, got, p.PickCount)
			case PickAtLeast:
				require.GreaterOrEqual(t, len(got), p.PickCount)
			case PickAtMost:
				require.LessOrEqual(t, len(got), p.PickCount)
			}
		}
		_, ok := picks[unknown]
		require.False(t, ok, "an unknown pool")
	})
}
