package page_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/page"
)

type position struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

func (p position) Valid() bool { return p.ID != uuid.Nil }

func TestCursor_RoundTripsWithinItsListOnly(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 9, 30, 0, 123000, time.UTC)
	id := uuid.New()
	c := page.Cursor("submissions", position{At: at, ID: id})

	var got position
	ok, err := page.After("submissions", c, &got)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, id, got.ID)
	require.True(t, at.Equal(got.At))

	ok, err = page.After("submissions", "", &got)
	require.NoError(t, err)
	require.False(t, ok, "no cursor: the first page")

	for name, bad := range map[string]string{
		"another list":  page.Cursor("consultations", position{At: at, ID: id}),
		"not base64":    "%%%",
		"not JSON":      "bm90IGpzb24",
		"no key":        page.Cursor("submissions", nil),
		"invalid key":   page.Cursor("submissions", position{At: at}),
		"key of a type": page.Cursor("submissions", 42),
	} {
		var p position
		_, err := page.After("submissions", bad, &p)
		var ae *apperr.Error
		require.ErrorAs(t, err, &ae, name)
		require.Equal(t, apperr.InvalidInput, ae.Code, name)
		require.Equal(t, "after", ae.Field, name)
		require.Equal(t, "input.cursor_invalid", ae.Key, name)
	}
}

func TestSize_DefaultsAndBounds(t *testing.T) {
	t.Parallel()
	n, err := page.Size(nil)
	require.NoError(t, err)
	require.Equal(t, page.DefaultSize, n)
	for _, ok := range []int{0, 1, page.MaxSize} {
		n, err := page.Size(&ok)
		require.NoError(t, err)
		require.Equal(t, ok, n)
	}
	for _, bad := range []int{-1, page.MaxSize + 1} {
		_, err := page.Size(&bad)
		var ae *apperr.Error
		require.ErrorAs(t, err, &ae)
		require.Equal(t, "first", ae.Field)
		require.Equal(t, map[string]any{"max": page.MaxSize}, ae.Args)
	}
}

func TestOf_TrimsTheLookAheadItem(t *testing.T) {
	t.Parallel()
	require.Equal(t, page.Page[int]{Items: []int{1, 2}, HasNext: true, Total: 7}, page.Of([]int{1, 2, 3}, 2, 7))
	require.Equal(t, page.Page[int]{Items: []int{1, 2}, Total: 2}, page.Of([]int{1, 2}, 2, 2))
	require.Equal(t, page.Page[int]{Items: []int{}, HasNext: true, Total: 5}, page.Of([]int{1}, 0, 5))
	require.Equal(t, page.Page[string]{Items: []string{"1", "2"}, HasNext: true, Total: 9},
		page.Map(page.Page[int]{Items: []int{1, 2}, HasNext: true, Total: 9}, func(i int) string { return string(rune('0' + i)) }))
}
