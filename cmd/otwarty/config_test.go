package main

import (
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
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
