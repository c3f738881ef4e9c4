package consultation

import (
	"context"
	"fmt"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Interests are the districts and topics (tags) a person follows.
type Interests struct {
	Districts []string `json:"districts"`
	Tags      []string `json:"tags"`
}

// SetInterests replaces the caller's followed districts and topics.
func (s *Service) SetInterests(ctx context.Context, in Interests) (Interests, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return Interests{}, apperr.ErrUnauthenticated
	}
	districts, err := normaliseDistricts(in.Districts)
	if err != nil {
		return Interests{}, err
	}
	tags, err := normaliseTags(in.Tags)
	if err != nil {
		return Interests{}, err
	}
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `delete from consultation_interests where account_id = $1`, sub.AccountID); err != nil {
			return fmt.Errorf("interests: %w", err)
		}
		_, err := tx.Exec(ctx, `insert into consultation_interests (account_id, kind, value)
			select $1::uuid, 'district', d from unnest($2::text[]) d
			union select $1::uuid, 'tag', t from unnest($3::text[]) t`, sub.AccountID, districts, tags)
		if err != nil {
			return fmt.Errorf("interests: %w", err)
		}
		return nil
	})
	if err != nil {
		return Interests{}, err
	}
	return s.MyInterests(ctx)
}

// MyInterests returns the caller's followed districts and topics.
func (s *Service) MyInterests(ctx context.Context) (Interests, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return Interests{}, apperr.ErrUnauthenticated
	}
	out := Interests{Districts: []string{}, Tags: []string{}}
	rows, err := s.pool.Query(ctx, `select kind, value from consultation_interests where account_id = $1 order by kind, value`, sub.AccountID)
	if err != nil {
		return Interests{}, fmt.Errorf("interests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, value string
		if err := rows.Scan(&kind, &value); err != nil {
			return Interests{}, err
		}
		if kind == "district" {
			out.Districts = append(out.Districts, value)
		} else {
			out.Tags = append(out.Tags, value)
		}
	}
	return out, rows.Err()
}
