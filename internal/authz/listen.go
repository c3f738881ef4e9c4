package authz

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
	// healthInterval is how long the listener waits quietly before it pings
	// the server, so a silently dead connection is noticed.
	healthInterval = 30 * time.Second
	pingTimeout    = 10 * time.Second
)

// Listen follows the grant changes that every instance (this one included)
// announces, on its own connection to connString: a direct connection, not
// one through a transaction-pooling proxy (DATABASE_LISTEN_URL). After every
// (re)connect it reloads all grants, because announcements made while it was
// away are lost; it reconnects with backoff until ctx ends. It returns nil
// when ctx ends and an error only when connString cannot be parsed.
func (a *Authorizer) Listen(ctx context.Context, connString string) error {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return fmt.Errorf("authz listen: %w", err)
	}
	backoff := minBackoff
	for {
		listened, err := a.listenOnce(ctx, cfg)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			backoff = minBackoff
		}
		a.log.Warn("authz: change listener interrupted; reconnecting", "err", err, "after", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// listenOnce connects, subscribes, reloads and then applies announcements
// until the connection fails. listened reports whether it got as far as
// subscribing and reloading.
func (a *Authorizer) listenOnce(ctx context.Context, cfg *pgx.ConnConfig) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "listen "+Channel); err != nil {
		return false, err
	}
	// Subscribed first, reloaded second: a change committed in between is
	// both in the reload and announced, and applying it twice is harmless.
	if err := a.Reload(ctx); err != nil {
		return false, err
	}
	a.readyOnce.Do(func() { close(a.ready) })
	for {
		wctx, cancel := context.WithTimeout(ctx, healthInterval)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if err := a.apply(ctx, n.Payload); err != nil {
				// Reconnecting reloads everything, whatever was missed.
				return true, err
			}
		case ctx.Err() != nil:
			return true, ctx.Err()
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}

// apply handles one announcement.
func (a *Authorizer) apply(ctx context.Context, payload string) error {
	if payload == reloadPayload {
		return a.Reload(ctx)
	}
	var ann announcement
	if err := json.Unmarshal([]byte(payload), &ann); err != nil || len(ann.Changes) == 0 {
		a.log.Warn("authz: unreadable change announcement; reloading", "payload", payload)
		return a.Reload(ctx)
	}
	return a.reconcile(ctx, ann.Changes)
}
