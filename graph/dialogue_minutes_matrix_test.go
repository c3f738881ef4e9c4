package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/testclock"
)

var _ = matrixFor("dialogue_minutes.graphqls")

// TestDialogueMinutesMutations_PermissionMatrix tries every mutation of
// dialogue_minutes.graphqls with every kind of caller: a member, the chair,
// the secretary, a guest and an observer of the body, a member and the
// chair of another body, staff of the unit and of another unit, plain
// residents, anonymous callers. Who keeps the meeting (the chair, the
// secretary, the unit's officials, coordinators, admins) drafts, edits,
// opens and translates; the roll and staff comment; a comment's author
// alone changes it; only the chair approves.
func TestDialogueMinutesMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other := d.createBody(t, true), d.createBody(t, true)
	clock := testclock.New(time.Now().UTC().Truncate(time.Second))
	b.dialogue.SetClock(clock.Now)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	d.seatCallers(t, tokens, "protokol", map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"}, callerBodySecretary: {body, "SECRETARY"},
		callerBodyGuest: {body, "GUEST"}, callerBodyObserver: {body, "OBSERVER"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
	})
	keepers := []string{callerBodyChair, callerBodySecretary, callerOfficial, callerCoordinator, callerAdmin}
	roll := []string{callerBodyMember, callerBodyChair, callerBodySecretary, callerBodyGuest, callerBodyObserver,
		callerOfficial, callerCoordinator, callerAdmin}
	ok := func(res gqlResponse, path ...string) any {
		t.Helper()
		require.Empty(t, res.Errors)
		return dig(res.Data, path...)
	}

	// Two meetings, over by the time anything is tried: one for the work
	// on a draft, one approved along the way.
	start := clock.Now().Add(20 * time.Minute)
	schedule := func() string {
		return ok(b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "meeting": map[string]any{"title": map[string]any{"locale": "PL", "text": "Posiedzenie"},
				"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339),
				"place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}}}, withToken(f.coord)), "scheduleBodyMeeting", "meeting", "id").(string)
	}
	work, approved := schedule(), schedule()
	clock.Set(start.Add(2 * time.Hour))
	ok(b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": approved}, withToken(tokens[callerBodySecretary])))
	ok(b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": approved}, withToken(tokens[callerBodySecretary])))
	version := func(meeting string) int {
		var v int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select version from dialogue_minutes where meeting_id = $1`, rawID(t, meeting)).Scan(&v))
		return v
	}
	var comment string
	subset := func(callers []string) map[string]string {
		out := map[string]string{}
		for _, c := range callers {
			out[c] = tokens[c]
		}
		return out
	}
	var outsiders []string
	for c := range tokens {
		if !slices.Contains(roll, c) {
			outsiders = append(outsiders, c)
		}
	}
	seeComments := subset(roll)
	notSeeing := subset(append([]string{callerBodyMember}, outsiders...))
	notSeeingNone := subset(outsiders)

	tries := []matrixTry{
		{name: "draftBodyMinutes", query: `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { status source } } }`,
			vars: fixedVars(map[string]any{"m": work}), allowed: keepers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, len(keepers), version(work), "each keeper's draft is a version")
			}},
		{name: "editBodyMinutes", query: `mutation($in: EditBodyMinutesInput!) { editBodyMinutes(input: $in) { minutes { version source } } }`,
			vars: func(c string) map[string]any {
				return map[string]any{"in": map[string]any{"meetingId": work, "text": "Protokół — wersja " + c, "baseVersion": version(work)}}
			}, allowed: keepers},
		{name: "openBodyMinutesForComments", query: `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { status } } }`,
			vars: fixedVars(map[string]any{"m": work}), allowed: keepers},
		{name: "commentOnBodyMinutes", query: `mutation($m: ID!) { commentOnBodyMinutes(input: {meetingId: $m, text: "Uwaga do protokołu"}) { comment { id } } }`,
			vars: fixedVars(map[string]any{"m": work}), allowed: roll,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				comment = dig(got[callerBodyMember].Data, "commentOnBodyMinutes", "comment", "id").(string)
			}},
		{name: "editBodyMinutesComment", label: "the roll and staff see it", query: `mutation($c: ID!) { editBodyMinutesComment(input: {commentId: $c, text: "Poprawiona uwaga"}) { comment { text } } }`,
			vars: func(string) map[string]any { return map[string]any{"c": comment} }, allowed: []string{callerBodyMember}, tokens: seeComments},
		{name: "editBodyMinutesComment", label: "others do not", query: `mutation($c: ID!) { editBodyMinutesComment(input: {commentId: $c, text: "Poprawiona uwaga"}) { comment { text } } }`,
			vars: func(string) map[string]any { return map[string]any{"c": comment} }, allowed: []string{callerBodyMember}, tokens: notSeeing,
			refused: "NOT_FOUND"},
		{name: "deleteBodyMinutesComment", label: "others do not see it", query: `mutation($c: ID!) { deleteBodyMinutesComment(input: {commentId: $c}) { minutes { id } } }`,
			vars: func(string) map[string]any { return map[string]any{"c": comment} }, tokens: notSeeingNone, refused: "NOT_FOUND"},
		{name: "deleteBodyMinutesComment", label: "the author", query: `mutation($c: ID!) { deleteBodyMinutesComment(input: {commentId: $c}) { minutes { comments { totalCount } } } }`,
			vars: func(string) map[string]any { return map[string]any{"c": comment} }, allowed: []string{callerBodyMember}, tokens: seeComments,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, float64(len(roll)-1), dig(got[callerBodyMember].Data, "deleteBodyMinutesComment", "minutes", "comments", "totalCount"))
			}},
		{name: "approveBodyMinutes", query: `mutation($m: ID!, $v: Int!) { approveBodyMinutes(input: {meetingId: $m, version: $v}) { minutes { status } } }`,
			vars: func(string) map[string]any { return map[string]any{"m": approved, "v": version(approved)} }, allowed: []string{callerBodyChair}},
		{name: "addBodyMinutesTranslation", query: `mutation($m: ID!, $t: String!) { addBodyMinutesTranslation(input: {meetingId: $m, locale: UK, text: $t}) { minutes { text(locale: UK) { text } } } }`,
			vars: func(c string) map[string]any { return map[string]any{"m": approved, "t": "Переклад " + c} }, allowed: keepers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "Переклад "+c, dig(res.Data, "addBodyMinutesTranslation", "minutes", "text", "text"), "each keeper's own version")
				}
			}},
	}
	runMatrix(t, b, tokens, "dialogue_minutes.graphqls", tries)
}
