package budget

import (
	"context"
	"fmt"

	"github.com/otwarty/otwarty/internal/authz"
)

// MaxPublicEditions bounds PublicEditions: a city runs one edition a year.
const MaxPublicEditions = 20

// PublicEditions lists the editions past their draft that the caller may
// read, newest year first, at most limit (1..MaxPublicEditions), in one
// statement: the residents' pages list them. Drafts are for the staff's
// tools, which read an edition by id.
func (s *Service) PublicEditions(ctx context.Context, limit int) ([]*Edition, error) {
	if limit < 1 || limit > MaxPublicEditions {
		limit = MaxPublicEditions
	}
	rows, err := s.pool.Query(ctx, `select `+editionColumns+` from budget_editions where status <> 'draft'
		order by year desc, created_at desc, id limit $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list editions: %w", err)
	}
	defer rows.Close()
	var out []*Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, fmt.Errorf("scan edition: %w", err)
		}
		if authz.Can(ctx, ActRead, e.Object()) {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list editions: %w", err)
	}
	return out, nil
}
