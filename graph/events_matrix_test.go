package graph_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("events.graphqls")

const eventFields = `{ id status place }`

// eventFixture is the caller fixture with helpers that make events of the NGO.
type eventFixture struct {
	*callerFixture
}

func (f eventFixture) submit(t *testing.T, token, orgID string) map[string]any {
	t.Helper()
	res := f.b.gql(t, `mutation($o: ID!) { submitEvent(input: {organisationId: $o, title: [{locale: UK, text: "Розмовний клуб"}],
		category: WORKSHOP, startsAt: "2030-03-14T18:00:00+01:00", endsAt: "2030-03-14T20:00:00+01:00",
		place: "ul. Krakowska 1, Kraków", languages: ["uk", "pl"]}) { event `+eventFields+` } }`,
		map[string]any{"o": orgID}, withToken(token))
	require.Empty(t, res.Errors)
	return dig(res.Data, "submitEvent", "event").(map[string]any)
}

// submitted is a new event of the NGO awaiting review.
func (f eventFixture) submitted(t *testing.T) string {
	t.Helper()
	return f.submit(t, f.tokens[callerNGOMember], f.ngoID)["id"].(string)
}

// approved is a new public event of the NGO.
func (f eventFixture) approved(t *testing.T) string {
	t.Helper()
	return f.submit(t, f.tokens[callerCoordinator], f.ngoID)["id"].(string)
}

func (f eventFixture) rejected(t *testing.T) string {
	t.Helper()
	id := f.submitted(t)
	require.Empty(t, f.b.gql(t, `mutation($id: ID!) { rejectEvent(input: {id: $id, reason: "Duplikat."}) { event { id } } }`,
		map[string]any{"id": id}, withToken(f.tokens[callerCoordinator])).Errors)
	return id
}

// perCallerEvents makes one event with make for each caller of allowed.
func perCallerEvents(t *testing.T, allowed []string, make func(*testing.T) string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range allowed {
		out[c] = make(t)
	}
	return out
}

// TestEventMutations_PermissionMatrix tries every mutation of events.graphqls
// with every kind of caller. The organiser's members (member, moderator,
// manager alike) submit, edit and cancel its events; the coordinator and
// admins do so for any organisation and alone review. To a caller who
// cannot see an event (a submitted one, for who is neither staff nor of its
// organiser) it is NOT_FOUND; a public one they may see but not change is
// FORBIDDEN.
func TestEventMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := eventFixture{newCallerFixture(t)}
	b := f.b
	staff := []string{callerCoordinator, callerAdmin}
	members := []string{callerNGOMember, callerNGOModerator, callerNGOManager}
	organisers := append(slices.Clone(members), staff...)
	// The organiser's members see its submitted events (FORBIDDEN to review);
	// to everyone else they do not exist (NOT_FOUND).
	insiders := map[string]string{}
	outsiders := map[string]string{}
	for c, tok := range f.tokens {
		if slices.Contains(organisers, c) {
			insiders[c] = tok
		}
		if !slices.Contains(members, c) {
			outsiders[c] = tok
		}
	}

	submit := `mutation($o: ID!) { submitEvent(input: {organisationId: $o, title: [{locale: PL, text: "Warsztaty"}],
		category: WORKSHOP, startsAt: "2030-04-01T10:00:00+02:00", endsAt: "2030-04-01T12:00:00+02:00",
		place: "Kraków", languages: ["pl"]}) { event ` + eventFields + ` } }`
	update := `mutation($id: ID!) { updateEvent(input: {id: $id, place: "ul. Krakowska 1, sala 2, Kraków"}) { event ` + eventFields + ` } }`
	approve := `mutation($id: ID!) { approveEvent(input: {id: $id}) { event ` + eventFields + ` } }`
	reject := `mutation($id: ID!) { rejectEvent(input: {id: $id, reason: "Brak sali."}) { event ` + eventFields + ` } }`
	cancel := `mutation($id: ID!) { cancelEvent(input: {id: $id, reason: "Choroba."}) { event ` + eventFields + ` } }`
	submittedOne, approvedOne := f.submitted(t), f.approved(t)
	status := func(name string, want string) func(*testing.T, map[string]gqlResponse) {
		return func(t *testing.T, got map[string]gqlResponse) {
			for c, res := range got {
				require.Equal(t, want, dig(res.Data, name, "event", "status"), c)
			}
		}
	}
	perCaller := func(events map[string]string, fallback string) func(string) map[string]any {
		return func(c string) map[string]any {
			if id, ok := events[c]; ok {
				return map[string]any{"id": id}
			}
			return map[string]any{"id": events[fallback]}
		}
	}
	toReview := perCallerEvents(t, staff, f.submitted)
	toReviewInside := perCallerEvents(t, staff, f.submitted)
	toReject := perCallerEvents(t, staff, f.submitted)
	toRejectInside := perCallerEvents(t, staff, f.submitted)
	toCancel := perCallerEvents(t, organisers, f.approved)
	toCancelPrivate := perCallerEvents(t, organisers, f.submitted)

	tries := []matrixTry{
		{name: "submitEvent", label: "for the NGO", query: submit, vars: fixedVars(map[string]any{"o": f.ngoID}), allowed: organisers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					want := "SUBMITTED"
					if slices.Contains(staff, c) {
						want = "APPROVED"
					}
					require.Equal(t, want, dig(res.Data, "submitEvent", "event", "status"), c)
				}
			}},
		{name: "submitEvent", label: "for another organisation", query: submit, vars: fixedVars(map[string]any{"o": f.unitID}), allowed: staff,
			effect: status("submitEvent", "APPROVED")},
		{name: "updateEvent", label: "a submitted event", query: update, vars: fixedVars(map[string]any{"id": submittedOne}),
			allowed: organisers, refused: "NOT_FOUND", effect: status("updateEvent", "SUBMITTED")},
		{name: "updateEvent", label: "an approved event", query: update, vars: fixedVars(map[string]any{"id": approvedOne}),
			allowed: organisers, effect: status("updateEvent", "APPROVED")},
		{name: "approveEvent", label: "unseen by the caller", query: approve, vars: perCaller(toReview, callerCoordinator),
			allowed: staff, refused: "NOT_FOUND", tokens: outsiders, effect: status("approveEvent", "APPROVED")},
		{name: "approveEvent", label: "seen by the organiser's members", query: approve, vars: perCaller(toReviewInside, callerCoordinator),
			allowed: staff, tokens: insiders, effect: status("approveEvent", "APPROVED")},
		{name: "rejectEvent", label: "unseen by the caller", query: reject, vars: perCaller(toReject, callerCoordinator),
			allowed: staff, refused: "NOT_FOUND", tokens: outsiders, effect: status("rejectEvent", "REJECTED")},
		{name: "rejectEvent", label: "seen by the organiser's members", query: reject, vars: perCaller(toRejectInside, callerCoordinator),
			allowed: staff, tokens: insiders, effect: status("rejectEvent", "REJECTED")},
		{name: "cancelEvent", label: "an approved event", query: cancel, vars: perCaller(toCancel, callerCoordinator),
			allowed: organisers, effect: status("cancelEvent", "CANCELLED")},
		{name: "cancelEvent", label: "a submitted event", query: cancel, vars: perCaller(toCancelPrivate, callerCoordinator),
			allowed: organisers, refused: "NOT_FOUND", effect: status("cancelEvent", "CANCELLED")},
	}
	runMatrix(t, b, f.tokens, "events.graphqls", tries)
}

// TestEvents_WhoSeesSubmittedAndRejected: through event(id), node(id) and the
// events list, a submitted or rejected event is seen by the organiser's
// members and staff only; an approved one by everyone.
func TestEvents_WhoSeesSubmittedAndRejected(t *testing.T) {
	t.Parallel()
	f := eventFixture{newCallerFixture(t)}
	b := f.b
	submitted, rejected, approved := f.submitted(t), f.rejected(t), f.approved(t)
	insiders := []string{callerNGOMember, callerNGOModerator, callerNGOManager, callerCoordinator, callerAdmin}
	for _, c := range slices.Sorted(maps.Keys(f.tokens)) {
		var opts []reqOpt
		if tok := f.tokens[c]; tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.gql(t, `query($s: ID!, $r: ID!, $a: ID!) { s: event(id: $s) { id } r: node(id: $r) { id } a: event(id: $a) { status }
			events(first: 10) { totalCount edges { node { id status } } } }`, map[string]any{"s": submitted, "r": rejected, "a": approved}, opts...)
		require.Empty(t, res.Errors, c)
		require.Equal(t, map[string]any{"status": "APPROVED"}, res.Data["a"], c)
		list := []any{}
		if slices.Contains(insiders, c) {
			require.Equal(t, map[string]any{"id": submitted}, res.Data["s"], c)
			require.Equal(t, map[string]any{"id": rejected}, res.Data["r"], c)
			list = append(list, map[string]any{"node": map[string]any{"id": submitted, "status": "SUBMITTED"}},
				map[string]any{"node": map[string]any{"id": rejected, "status": "REJECTED"}})
		} else {
			require.Nil(t, res.Data["s"], c)
			require.Nil(t, res.Data["r"], c)
		}
		list = append(list, map[string]any{"node": map[string]any{"id": approved, "status": "APPROVED"}})
		require.Equal(t, float64(len(list)), dig(res.Data, "events", "totalCount"), c)
		// All three start at the same time: ordered by id.
		require.ElementsMatch(t, list, dig(res.Data, "events", "edges"), c)
	}
}
