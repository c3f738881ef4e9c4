package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/live"
)

// lastSeenResolution: last_seen_at is written at most this often per
// session, so authenticating a request is normally a read only.
const lastSeenResolution = time.Minute

const sessionCols = `s.id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip`

func scanSession(row pgx.Row) (Session, error) {
	var s Session
	err := row.Scan(&s.ID, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.UserAgent, &s.IP)
	return s, err
}

// createSession opens a session for accountID and returns it with its
// token; only the token's hash is stored.
func (s *Service) createSession(ctx context.Context, tx *db.Tx, accountID uuid.UUID, meta ClientMeta) (Session, string, error) {
	token, hash := newToken()
	sess, err := scanSession(tx.QueryRow(ctx, `insert into sessions as s (account_id, token_hash, expires_at, user_agent, ip)
		values ($1, $2, now() + $3::bigint * interval '1 microsecond', $4, $5)
		returning `+sessionCols,
		accountID, hash, micros(s.cfg.SessionTTL), clip(meta.UserAgent, 512), clip(meta.IP, 64)))
	if err != nil {
		return Session{}, "", fmt.Errorf("create session: %w", err)
	}
	return sess, token, nil
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticate resolves a bearer token to its account and session. The
// session must exist, be neither revoked nor expired, and belong to a live
// account; anything else is apperr.ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (Account, Session, error) {
	if token == "" || len(token) > 128 {
		return Account{}, Session{}, apperr.ErrUnauthenticated
	}
	var (
		acc   Account
		sess  Session
		stale bool
	)
	err := s.pool.QueryRow(ctx, `select `+sessionCols+`, s.last_seen_at < now() - $2::bigint * interval '1 microsecond', `+accountCols+`
		from sessions s join accounts a on a.id = s.account_id
		where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now() and a.deleted_at is null`,
		tokenHash(token), micros(lastSeenResolution)).Scan(
		&sess.ID, &sess.AccountID, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.UserAgent, &sess.IP, &stale,
		&acc.ID, &acc.Email, &acc.EmailConfirmed, &acc.DisplayName, &acc.Locale, &acc.CreatedAt, &acc.Verified)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, Session{}, apperr.ErrUnauthenticated
	}
	if err != nil {
		return Account{}, Session{}, fmt.Errorf("authenticate: %w", err)
	}
	if stale {
		err := s.pool.QueryRow(ctx, `update sessions set last_seen_at = now()
			where id = $1 and last_seen_at < now() - $2::bigint * interval '1 microsecond' returning last_seen_at`,
			sess.ID, micros(lastSeenResolution)).Scan(&sess.LastSeenAt)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) { // no rows: a concurrent request updated it
			return Account{}, Session{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return acc, sess, nil
}

// SessionsTopic is the live topic on which ended sessions are announced,
// so that every instance closes their WebSockets at once rather than at
// their next event.
const SessionsTopic = "sessions"

// SessionsEnded is the event of SessionsTopic: the listed sessions ended,
// or, with Account, every session of that account except Keep.
type SessionsEnded struct {
	Sessions []uuid.UUID `json:"s,omitempty"`
	Account  uuid.UUID   `json:"a,omitzero"`
	Keep     uuid.UUID   `json:"k,omitzero"`
}

// announceEnded publishes e in tx: delivered only if the revocation commits.
func announceEnded(ctx context.Context, tx live.Execer, e SessionsEnded) error {
	return live.Publish(ctx, tx, SessionsTopic, e)
}

// SignOut revokes a session. Revoking a revoked or unknown session is not
// an error.
func (s *Service) SignOut(ctx context.Context, sessionID uuid.UUID) error {
	return s.RevokeSession(ctx, authz.SubjectFrom(ctx).AccountID, sessionID)
}

// Sessions lists an account's active sessions, newest first.
func (s *Service) Sessions(ctx context.Context, accountID uuid.UUID) ([]Session, error) {
	rows, err := s.pool.Query(ctx, `select `+sessionCols+` from sessions s
		where s.account_id = $1 and s.revoked_at is null and s.expires_at > now()
		order by s.created_at desc, s.id desc`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) { return scanSession(r) })
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// RevokeSession revokes one of accountID's own sessions. Another account's
// session answers apperr.ErrNotFound, as if it did not exist; revoking an
// own session twice is not an error.
func (s *Service) RevokeSession(ctx context.Context, accountID, sessionID uuid.UUID) error {
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		_, err := authz.For(ctx, "revoke", func() (uuid.UUID, authz.Object, bool, error) {
			var owner uuid.UUID
			err := tx.QueryRow(ctx, `select account_id from sessions where id = $1 for update`, sessionID).Scan(&owner)
			if errors.Is(err, pgx.ErrNoRows) {
				return owner, authz.Object{}, false, errNotFound
			}
			if err != nil {
				return owner, authz.Object{}, false, fmt.Errorf("revoke session: %w", err)
			}
			obj := authz.Object{Type: "session", ID: sessionID.String(), OwnerID: owner}
			return owner, obj, owner == accountID && authz.Can(ctx, authz.Read, obj), nil
		})
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `update sessions set revoked_at = now() where id = $1 and revoked_at is null`, sessionID)
		if err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil // ended before: nothing to announce
		}
		return announceEnded(ctx, tx, SessionsEnded{Sessions: []uuid.UUID{sessionID}})
	})
}

// RevokeOtherSessions revokes every active session of accountID except
// currentSessionID and returns how many it revoked.
func (s *Service) RevokeOtherSessions(ctx context.Context, accountID, currentSessionID uuid.UUID) (n int64, err error) {
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, err = revokeSessions(ctx, tx, accountID, currentSessionID)
		return err
	})
	return n, err
}

// revokeSessions revokes accountID's active sessions except keep (uuid.Nil
// keeps none) and announces it, within tx.
func revokeSessions(ctx context.Context, tx *db.Tx, accountID, keep uuid.UUID) (int64, error) {
	tag, err := tx.Exec(ctx, `update sessions set revoked_at = now()
		where account_id = $1 and id <> $2 and revoked_at is null and expires_at > now()`, accountID, keep)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	if tag.RowsAffected() > 0 {
		if err := announceEnded(ctx, tx, SessionsEnded{Account: accountID, Keep: keep}); err != nil {
			return 0, err
		}
	}
	return tag.RowsAffected(), nil
}

// ActiveSessions returns those of ids that are still valid (neither
// revoked, expired nor of a deleted account): after the live listener
// reconnects, announcements may have been missed, so open WebSockets are
// checked again in one query.
func (s *Service) ActiveSessions(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := s.pool.Query(ctx, `select s.id from sessions s join accounts a on a.id = s.account_id
		where s.id = any($1) and s.revoked_at is null and s.expires_at > now() and a.deleted_at is null`, ids)
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	active, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	out := make(map[uuid.UUID]bool, len(active))
	for _, id := range active {
		out[id] = true
	}
	return out, nil
}

// DeleteExpiredSessions deletes sessions that expired or were revoked more
// than olderThan ago (with their user agents and IP addresses), for the
// retention job. It returns how many it deleted.
func (s *Service) DeleteExpiredSessions(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `delete from sessions
		where expires_at < now() - $1::bigint * interval '1 microsecond'
		   or revoked_at < now() - $1::bigint * interval '1 microsecond'`, micros(olderThan))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// DeleteExpiredTokens deletes e-mail confirmation and password reset tokens
// that expired more than olderThan ago, for the retention job.
func (s *Service) DeleteExpiredTokens(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `delete from account_tokens where expires_at < now() - $1::bigint * interval '1 microsecond'`, micros(olderThan))
	if err != nil {
		return 0, fmt.Errorf("delete expired tokens: %w", err)
	}
	return tag.RowsAffected(), nil
}

// ForgetSessionIPs blanks the IP address of sessions created more than
// olderThan ago: kept for security review for a while, not for ever.
func (s *Service) ForgetSessionIPs(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `update sessions set ip = ''
		where ip <> '' and created_at < now() - $1::bigint * interval '1 microsecond'`, micros(olderThan))
	if err != nil {
		return 0, fmt.Errorf("forget session ips: %w", err)
	}
	return tag.RowsAffected(), nil
}
