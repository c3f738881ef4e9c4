package main

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/internal/attach"
)

func TestLoadConfig_WebSocketLimits(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test"})
	require.NoError(t, err)
	require.Equal(t, graph.DefaultLiveLimits(), c.Live)

	c, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test",
		"--ws-max-subscriptions", "3", "--ws-max-sockets-per-ip", "0", "--ws-max-sockets-per-account", "4",
		"--ws-subscribe-rate", "2.5/7", "--ws-init-timeout", "2s"})
	require.NoError(t, err)
	require.Equal(t, graph.LiveLimits{SubscriptionsPerSocket: 3, SocketsPerIP: 0, SocketsPerAccount: 4,
		SubscribePerSecond: 2.5, SubscribeBurst: 7, InitTimeout: 2 * time.Second}, c.Live)

	for _, bad := range []string{"10", "a/5", "5/-1", "-1/5"} {
		_, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test", "--ws-subscribe-rate", bad})
		require.EqualError(t, err, `OTWARTY_WS_SUBSCRIBE_RATE "`+bad+`" must be PER_SECOND/BURST, e.g. 10/50 (0/0 disables)`)
	}
}

func TestLoadConfig_AttachmentLimits(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test"})
	require.NoError(t, err)
	require.Equal(t, attach.DefaultLimits(), c.Attach)

	c, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test",
		"--attach-max-mb", "3", "--attach-max-files", "4", "--attach-types", "application/pdf, image/png"})
	require.NoError(t, err)
	require.Equal(t, attach.Limits{MaxBytes: 3 << 20, MaxPerOwner: 4, Types: []string{attach.TypePDF, attach.TypePNG}}, c.Attach)

	for _, bad := range []struct{ flag, value, err string }{
		{"--attach-max-mb", "0", "OTWARTY_ATTACH_MAX_MB must be 1 to 100, not 0"},
		{"--attach-max-mb", "101", "OTWARTY_ATTACH_MAX_MB must be 1 to 100, not 101"},
		{"--attach-max-files", "0", "OTWARTY_ATTACH_MAX_FILES must be 1 to 50, not 0"},
		{"--attach-types", "application/pdf,text/html", `OTWARTY_ATTACH_TYPES: "text/html" is not one of ` + strings.Join(attach.AllTypes, ", ")},
		{"--attach-types", " , ", "OTWARTY_ATTACH_TYPES names no type"},
	} {
		_, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test", bad.flag, bad.value})
		require.EqualError(t, err, bad.err, bad.flag+"="+bad.value)
	}
}

func TestLoadConfig_JobRescue(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test"})
	require.NoError(t, err)
	require.Equal(t, []time.Duration{time.Minute, 5 * time.Minute}, []time.Duration{c.JobTimeout, c.JobRescueAfter})

	c, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--env", "test", "--job-timeout", "1s",
		"--job-rescue-after", "2s"})
	require.NoError(t, err)
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second}, []time.Duration{c.JobTimeout, c.JobRescueAfter})

	for _, bad := range [][]string{{"--job-rescue-after", "1m"}, {"--job-timeout", "0s"}} {
		_, err = loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), append([]string{"--env", "test"}, bad...))
		require.ErrorContains(t, err, "OTWARTY_JOB_RESCUE_AFTER", bad)
	}
}
