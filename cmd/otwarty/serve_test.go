package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// Profiles reveal the program's internals (and the CPU profile costs CPU):
// /debug/pprof is served on the private metrics address only, never on the
// public one, whatever the path; net/http/pprof's handlers on
// http.DefaultServeMux are served by nothing.
// Not parallel: a server in this process registers process-wide metrics.
func TestServe_ProfilesOnlyOnTheMetricsAddress(t *testing.T) {
	dbURL := pgtest.URL(t)
	addr, maddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--env", "test", "--database-url", dbURL, "--addr", addr, "--metrics-addr", maddr, "--log-level", "error"})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "serve")
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	})
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _ := get("http://" + addr + "/readyz"); code == http.StatusOK {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited before ready: %v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "server not ready within 60 s")
		time.Sleep(50 * time.Millisecond)
	}

	code, body := get("http://" + maddr + "/debug/pprof/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "Types of profiles available")
	code, body = get("http://" + maddr + "/debug/pprof/goroutine?debug=1")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "goroutine profile:")
	code, _ = get("http://" + maddr + "/metrics")
	require.Equal(t, http.StatusOK, code)

	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline", "/debug/pprof/symbol",
		"/debug/pprof/heap", "/debug/pprof/profile?seconds=1", "/debug/pprof/trace?seconds=1", "/metrics"} {
		code, body := get("http://" + addr + path)
		require.Equal(t, http.StatusNotFound, code, path)
		for _, leak := range []string{"Types of profiles available", "goroutine profile:", "go_memstats", "\x1f\x8b", "otwarty.test"} {
			require.NotContains(t, body, leak, path)
		}
	}
}
