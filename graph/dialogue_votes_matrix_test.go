package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue_votes.graphqls")

// Guests and observers of the body: they see it and never vote.
const (
	callerBodyGuest    = "body_guest"
	callerBodyObserver = "body_observer"
)

// TestDialogueVoteMutations_PermissionMatrix tries every mutation of
// dialogue_votes.graphqls with every kind of caller, including a member and
// the chair of the body and of another body. Voting members and the chair
// table motions and amendments; a motion's tabler and who manages the
// body's votes (its chair, the unit's officials, coordinators, admins)
// withdraw it; they open and close votes; only voting members cast.
func TestDialogueVoteMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other := d.createBody(t, true), d.createBody(t, true)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	for kind, at := range map[string]struct{ body, role string }{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
		callerBodyGuest: {body, "GUEST"}, callerBodyObserver: {body, "OBSERVER"},
	} {
		email := perCaller("glosy", kind)
		tokens[kind] = b.signUp(t, email)
		b.confirm(t, email)
		days := 365
		if at.role == "GUEST" || at.role == "OBSERVER" {
			days = 0
		}
		d.appoint(t, at.body, tokens[kind], at.role, days)
	}
	v := &votesFixture{b: b, body: body, member: tokens[callerBodyMember], manager: f.coord}
	managers := []string{callerBodyChair, callerOfficial, callerCoordinator, callerAdmin}
	tablers := []string{callerBodyMember, callerBodyChair}

	// One motion per allowed caller where a call uses it up.
	motionsFor := func(callers []string, open bool) map[string]string {
		out := map[string]string{}
		for _, c := range callers {
			out[c] = v.table(t, "Wniosek dla "+c)
			if open {
				v.open(t, out[c], time.Hour)
			}
		}
		return out
	}
	perCallerMotion := func(ms map[string]string, first string) func(string) map[string]any {
		return func(c string) map[string]any {
			id, ok := ms[c]
			if !ok {
				id = ms[first]
			}
			return map[string]any{"m": id}
		}
	}
	toWithdraw := motionsFor(append([]string{callerBodyMember}, managers...), false)
	toOpen := motionsFor(managers, false)
	toClose := motionsFor(managers, true)
	amended := v.table(t, "Wniosek z poprawkami")
	voted := v.table(t, "Wniosek do głosowania")
	v.open(t, voted, time.Hour)

	tries := []matrixTry{
		{name: "tableMotion", query: `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION,
			title: {locale: PL, text: "Uchwała"}, text: {locale: PL, text: "Treść uchwały"}}) { motion { status } } }`,
			vars: fixedVars(map[string]any{"b": body}), allowed: tablers},
		{name: "proposeAmendment", query: `mutation($m: ID!) { proposeAmendment(input: {motionId: $m,
			title: {locale: PL, text: "Poprawka"}, text: {locale: PL, text: "Nowa treść"}}) { amendment { parent { id } } } }`,
			vars: fixedVars(map[string]any{"m": amended}), allowed: tablers},
		{name: "withdrawMotion", query: `mutation($m: ID!) { withdrawMotion(input: {motionId: $m}) { motion { status } } }`,
			vars: perCallerMotion(toWithdraw, callerBodyMember), allowed: append([]string{callerBodyMember}, managers...),
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "WITHDRAWN", dig(res.Data, "withdrawMotion", "motion", "status"), c)
				}
			}},
		{name: "openMotionVote", query: `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) {
			motion { status } } }`, allowed: managers,
			vars: func(c string) map[string]any {
				vars := perCallerMotion(toOpen, managers[0])(c)
				vars["d"] = time.Now().Add(time.Hour).Format(time.RFC3339)
				return vars
			}},
		{name: "castMotionVote", query: `mutation($m: ID!) { castMotionVote(input: {motionId: $m, choice: YES}) { changed } }`,
			vars: fixedVars(map[string]any{"m": voted}), allowed: tablers},
		{name: "closeMotionVote", query: `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`,
			vars: perCallerMotion(toClose, managers[0]), allowed: managers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "INVALID", dig(res.Data, "closeMotionVote", "motion", "status"), c, "nobody voted")
				}
			}},
	}
	runMatrix(t, b, tokens, "dialogue_votes.graphqls", tries)
}

// votesFixture tables motions as a member and opens votes as a manager.
type votesFixture struct {
	b                     *bundle
	body, member, manager string
}

func (v *votesFixture) table(t *testing.T, title string) string {
	t.Helper()
	res := v.b.gql(t, `mutation($b: ID!, $t: String!) { tableMotion(input: {bodyId: $b, kind: OPINION,
		title: {locale: PL, text: $t}, text: {locale: PL, text: "Treść opinii"}}) { motion { id } } }`,
		map[string]any{"b": v.body, "t": title}, withToken(v.member))
	require.Empty(t, res.Errors)
	return dig(res.Data, "tableMotion", "motion", "id").(string)
}

func (v *votesFixture) open(t *testing.T, motion string, in time.Duration) {
	t.Helper()
	res := v.b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { id } } }`,
		map[string]any{"m": motion, "d": time.Now().Add(in).Format(time.RFC3339)}, withToken(v.manager))
	require.Empty(t, res.Errors)
}
