package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBodyMinutesVersions_SayWhenEachWasMade: each version of a draft
// carries the time it was made (generated, then edited an hour later), in
// the city's zone.
func TestBodyMinutesVersions_SayWhenEachWasMade(t *testing.T) {
	t.Parallel()
	f := newMinutesFixture(t)
	b := f.b
	f.at(3 * time.Hour)
	f.ok(t, b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { version } } }`,
		map[string]any{"m": f.meeting}, withToken(f.secretary)))
	f.at(4 * time.Hour)
	f.ok(t, b.gql(t, `mutation($m: ID!) { editBodyMinutes(input: {meetingId: $m, text: "# Protokół", baseVersion: 1}) { minutes { version } } }`,
		map[string]any{"m": f.meeting}, withToken(f.secretary)))
	res := f.ok(t, b.gql(t, `query($id: ID!) { bodyMeeting(id: $id) { minutes { versions { version source createdAt } } } }`,
		map[string]any{"id": f.meeting}, withToken(f.secretary)))
	require.Equal(t, []any{
		map[string]any{"version": float64(1), "source": "GENERATED", "createdAt": "2031-06-10T20:00:00+02:00"},
		map[string]any{"version": float64(2), "source": "EDITED", "createdAt": "2031-06-10T21:00:00+02:00"},
	}, dig(res.Data, "bodyMeeting", "minutes", "versions"))
}
