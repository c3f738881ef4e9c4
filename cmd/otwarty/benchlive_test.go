package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParsePromText_SumsOverLabelsAndSkipsComments(t *testing.T) {
	t.Parallel()
	text := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
otwarty_ws_subscriptions{field="ballotTurnout"} 10000
otwarty_ws_subscriptions{field="consultationActivity"} 9999
otwarty_db_statements_total 1.234567e+06
odd_labels{a="x} y",b="quote \" and {brace}"} 3 1700000000000

otwarty_ws_sockets 0
`
	m, err := parsePromText(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, promSums{
		"go_goroutines":               42,
		"otwarty_ws_subscriptions":    19999,
		"otwarty_db_statements_total": 1234567,
		"odd_labels":                  3,
		"otwarty_ws_sockets":          0,
	}, m)
	require.Equal(t, optFloat{}, m.get("absent"))
	require.Equal(t, some(19999), m.get("otwarty_ws_subscriptions"))
}

func TestParsePromText_RejectsALineWithoutValue(t *testing.T) {
	t.Parallel()
	_, err := parsePromText(strings.NewReader("go_goroutines\n"))
	require.Error(t, err)
	_, err = parsePromText(strings.NewReader(`x{a="unterminated} 1` + "\n"))
	require.Error(t, err)
}

func TestParseSizes_RefusesZeroAndWords(t *testing.T) {
	t.Parallel()
	got, err := parseSizes("10, 1000,5000")
	require.NoError(t, err)
	require.Equal(t, []int{10, 1000, 5000}, got)
	for _, bad := range []string{"0", "ten", "10,,20", "-5"} {
		_, err := parseSizes(bad)
		require.Error(t, err, bad)
	}
}

// fakeSubscriber is a subscriber without a socket, fed as its reader would be.
func fakeSubscriber(sh *subscriberShared) *liveSubscriber {
	s := &liveSubscriber{sh: sh, turnoutAt: make([]int64, sh.events), activity: make([]activityReceipt, sh.events+8)}
	s.maxBallots.Store(-1)
	return s
}

func turnoutNext(ballots int) *benchNext {
	var n benchNext
	n.Data.BallotTurnout.Ballots = ballots
	return &n
}

func activityNext(typ, submission string) *benchNext {
	var n benchNext
	n.Data.ConsultationActivity.Type, n.Data.ConsultationActivity.SubmissionID = typ, submission
	return &n
}

func TestSubscriberRecord_ACoalescedCountFillsEveryEventItCovers(t *testing.T) {
	t.Parallel()
	sh := &subscriberShared{base: 7, events: 4}
	s := fakeSubscriber(sh)
	s.record(benchTurnoutOp, turnoutNext(7), 100) // the current value on subscribing
	require.EqualValues(t, 1, sh.ready.Load())
	s.record(benchTurnoutOp, turnoutNext(8), 200)
	s.record(benchTurnoutOp, turnoutNext(10), 300) // events 2 and 3 in one update
	s.record(benchTurnoutOp, turnoutNext(9), 400)  // older: ignored
	require.Equal(t, []int64{200, 300, 300, 0}, s.turnoutAt)
	require.True(t, s.sawTurnout(10))
	require.False(t, s.sawTurnout(11))
	require.EqualValues(t, 300, s.turnoutReceipt(2))
	require.EqualValues(t, 0, s.turnoutReceipt(3))
	require.EqualValues(t, 1, sh.ready.Load(), "ready counts a subscriber once")
}

func TestSummarise_DelaysFromTheAnswerAndLostAfterTheTimeout(t *testing.T) {
	t.Parallel()
	msec := int64(time.Millisecond)
	sh := &subscriberShared{base: 0, events: 2}
	a, b := fakeSubscriber(sh), fakeSubscriber(sh)
	events := []*liveEvent{
		{kind: turnoutEvent, t0: 1000 * msec, deadline: 2000 * msec, target: 1, statements: some(10), window: time.Second},
		{kind: activityEvent, t0: 3000 * msec, deadline: 4000 * msec, submission: "S1", statements: some(4), window: time.Second},
		{kind: turnoutEvent, t0: 5000 * msec, deadline: 6000 * msec, target: 2, statements: some(20), window: 3 * time.Second},
		{kind: activityEvent, t0: 7000 * msec, deadline: 8000 * msec, submission: "S2", statements: optFloat{}},
	}
	for _, s := range []*liveSubscriber{a, b} {
		s.record(benchTurnoutOp, turnoutNext(0), 1)
	}
	a.record(benchTurnoutOp, turnoutNext(1), 998*msec) // before the answer arrived
	b.record(benchTurnoutOp, turnoutNext(1), 1010*msec)
	a.record(benchTurnoutOp, turnoutNext(2), 5030*msec)
	b.record(benchTurnoutOp, turnoutNext(2), 6500*msec) // after the deadline: lost
	a.record(benchActivityOp, activityNext("support_changed", "S1"), 3001*msec)
	a.record(benchActivityOp, activityNext("submission_added", "S1"), 3020*msec)
	b.record(benchActivityOp, activityNext("submission_added", "S2"), 7040*msec)

	turnout := summarise(events, []*liveSubscriber{a, b}, turnoutEvent)
	require.Equal(t, 3, turnout.received)
	require.Equal(t, 1, turnout.lost)
	require.Equal(t, 10*time.Millisecond, turnout.p50) // of -2, 10 and 30 ms, by nearest rank
	require.Equal(t, 30*time.Millisecond, turnout.max)
	require.Equal(t, some(15), turnout.statements)
	require.Equal(t, 2*time.Second, turnout.window)

	activity := summarise(events, []*liveSubscriber{a, b}, activityEvent)
	require.Equal(t, 2, activity.received)
	require.Equal(t, 2, activity.lost) // b missed S1, a missed S2
	require.Equal(t, 40*time.Millisecond, activity.max)
	require.False(t, activity.statements.ok, "one window without the metric makes the mean n/a")
}
