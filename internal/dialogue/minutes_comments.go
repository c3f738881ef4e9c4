package dialogue

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
	"github.com/otwarty/otwarty/internal/page"
)

// Comments on a draft open for comments: written by the body's roll and
// staff (ActReviewMinutes), seen by them only, never by the public; each
// author edits and deletes their own until the approval (the policy's
// owner rule on MinutesCommentType). A comment remembers the version it was
// written on.

// MinutesCommentType is a comment as an authorization object (its author
// is the owner).
const MinutesCommentType = "body_minutes_comment"

// Actions on MinutesCommentType.
const (
	ActEditComment   = "edit"
	ActDeleteComment = "delete"
)

// MinutesComment is one comment on a draft.
type MinutesComment struct {
	ID         uuid.UUID
	MeetingID  uuid.UUID
	Version    int
	AuthorID   *uuid.UUID // nil once the author's account is erased
	AuthorName string     // "" for an erased or deleted account
	Body       string
	CreatedAt  time.Time
	EditedAt   *time.Time
}

// Cursor is c's position in its minutes' Comments.
func (c *MinutesComment) Cursor() string {
	return page.Cursor("dialogue_minutes_comments", page.Key{At: c.CreatedAt, ID: c.ID})
}

func checkComment(text string) (string, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" || !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return "", errCommentText
	}
	if utf8.RuneCountInString(text) > MaxCommentRunes {
		return "", errCommentTooLong.With(map[string]any{"max": MaxCommentRunes})
	}
	return text, nil
}

// commentable refuses a comment (or a change of one) on t's minutes unless
// they are open for comments.
func commentable(t *minutesTarget) error {
	switch {
	case t.mm == nil || t.mm.Status == MinutesDraft:
		return ErrMinutesNotOpen
	case t.mm.Status == MinutesApproved:
		return ErrMinutesApproved
	}
	return nil
}

// Comment adds the caller's comment on meeting meetingID's draft, open for
// comments: the body's roll and staff (ActReviewMinutes). Not open yet or
// approved: PHASE_CLOSED.
func (m *Minutes) Comment(ctx context.Context, meetingID uuid.UUID, text string) (*MinutesComment, error) {
	var id uuid.UUID
	_, err := m.change(ctx, meetingID, ActReviewMinutes, "", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if err := commentable(t); err != nil {
			return nil, err
		}
		text, err := checkComment(text)
		if err != nil {
			return nil, err
		}
		err = tx.QueryRow(ctx, `insert into dialogue_minutes_comments (meeting_id, version, author_id, body, created_at)
			values ($1, $2, $3, $4, $5) returning id`, meetingID, t.mm.Version, authz.SubjectFrom(ctx).AccountID, text, m.s.now()).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("add comment: %w", err)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return m.comment(ctx, m.s.pool, id)
}

// onComment runs f on comment id, which the caller must see (NOT_FOUND
// otherwise) and own (act by the owner rule: FORBIDDEN), while its minutes
// are open for comments.
func (m *Minutes) onComment(ctx context.Context, id uuid.UUID, act string, f func(tx *db.Tx) error) (uuid.UUID, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return uuid.Nil, apperr.ErrUnauthenticated
	}
	c, err := m.comment(ctx, m.s.pool, id)
	if err != nil {
		return uuid.Nil, err
	}
	_, err = m.change(ctx, c.MeetingID, ActReviewMinutes, "", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if err := authz.Require(ctx, act, commentObject(c)); err != nil {
			if apperr.CodeOf(err) == apperr.Forbidden {
				return nil, errNotCommentAuthor
			}
			return nil, err
		}
		if err := commentable(t); err != nil {
			return nil, err
		}
		return nil, f(tx)
	})
	if apperr.CodeOf(err) == apperr.Forbidden && !errors.Is(err, errNotCommentAuthor) {
		// The roll's right to review ended: the comment is not there for
		// the caller any more.
		return uuid.Nil, apperr.ErrNotFound
	}
	return c.MeetingID, err
}

func commentObject(c *MinutesComment) authz.Object {
	o := authz.Object{Type: MinutesCommentType, ID: c.ID.String()}
	if c.AuthorID != nil {
		o.OwnerID = *c.AuthorID
	}
	return o
}

// EditComment replaces the text of the caller's own comment id until the
// approval.
func (m *Minutes) EditComment(ctx context.Context, id uuid.UUID, text string) (*MinutesComment, error) {
	_, err := m.onComment(ctx, id, ActEditComment, func(tx *db.Tx) error {
		text, err := checkComment(text)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update dialogue_minutes_comments set body = $2, edited_at = $3 where id = $1 and body <> $2`,
			id, text, m.s.now()); err != nil {
			return fmt.Errorf("edit comment: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m.comment(ctx, m.s.pool, id)
}

// DeleteComment deletes the caller's own comment id until the approval; it
// returns the comment's meeting.
func (m *Minutes) DeleteComment(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	return m.onComment(ctx, id, ActDeleteComment, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `delete from dialogue_minutes_comments where id = $1`, id); err != nil {
			return fmt.Errorf("delete comment: %w", err)
		}
		return nil
	})
}

const commentColumns = `c.id, c.meeting_id, c.version, c.author_id,
	coalesce(case when a.deleted_at is null then a.display_name end, ''), c.body, c.created_at, c.edited_at`

const commentFrom = ` from dialogue_minutes_comments c left join accounts a on a.id = c.author_id`

func scanComment(row pgx.Row) (*MinutesComment, error) {
	var c MinutesComment
	return &c, row.Scan(&c.ID, &c.MeetingID, &c.Version, &c.AuthorID, &c.AuthorName, &c.Body, &c.CreatedAt, &c.EditedAt)
}

// comment reads comment id if the caller sees its minutes' comments
// (NOT_FOUND otherwise).
func (m *Minutes) comment(ctx context.Context, q db.Querier, id uuid.UUID) (*MinutesComment, error) {
	c, err := scanComment(q.QueryRow(ctx, `select `+commentColumns+commentFrom+` where c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read comment: %w", err)
	}
	mm, err := m.Get(ctx, c.MeetingID)
	if err != nil {
		return nil, err
	}
	if !mm.view.seesWork() {
		return nil, apperr.ErrNotFound
	}
	return c, nil
}

// MayChangeComment says whether the caller may edit and delete c now (its
// author, while its minutes are open for comments).
func (m *Minutes) MayChangeComment(ctx context.Context, mm *MeetingMinutes, c *MinutesComment) bool {
	return mm.Status == MinutesOpen && authz.Can(ctx, ActEditComment, commentObject(c))
}

// Comments lists mm's comments, oldest first, for who sees the work on the
// minutes (the roll and staff); nobody else sees any (an empty page).
func (m *Minutes) Comments(ctx context.Context, mm *MeetingMinutes, first int, after string) (page.Page[*MinutesComment], error) {
	var none page.Page[*MinutesComment]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("dialogue_minutes_comments", after, &cur)
	if err != nil {
		return none, err
	}
	if !mm.view.seesWork() {
		return page.Of([]*MinutesComment{}, first, 0), nil
	}
	var total int
	if err := m.s.pool.QueryRow(ctx, `select count(*) from dialogue_minutes_comments where meeting_id = $1`, mm.MeetingID).
		Scan(&total); err != nil {
		return none, fmt.Errorf("count comments: %w", err)
	}
	q := `select ` + commentColumns + commentFrom + ` where c.meeting_id = $1`
	args := []any{mm.MeetingID}
	if more {
		q += ` and (c.created_at, c.id) > ($2, $3)`
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by c.created_at, c.id limit %d`, first+1)
	rows, err := m.s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list comments: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*MinutesComment, error) { return scanComment(r) })
	if err != nil {
		return none, fmt.Errorf("list comments: %w", err)
	}
	return page.Of(list, first, total), nil
}

// CommentOf returns comment id and its minutes if the caller sees the
// minutes' comments (NOT_FOUND otherwise).
func (m *Minutes) CommentOf(ctx context.Context, id uuid.UUID) (*MinutesComment, *MeetingMinutes, error) {
	c, err := m.comment(ctx, m.s.pool, id)
	if err != nil {
		return nil, nil, err
	}
	mm, err := m.Get(ctx, c.MeetingID)
	if err != nil {
		return nil, nil, err
	}
	return c, mm, nil
}
