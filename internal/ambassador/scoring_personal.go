package ambassador

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// A juror's share of the GDPR export and erasure (PersonalData).
//
// Erasure keeps a juror's submitted scores and comments counted but
// anonymous: the sheets and comments lose their account (juror_id,
// author_id set null) and keep the juror's number in the edition, so the
// score table still shows "Juror 3" and the ranking does not move. The
// declarations go; before they do, the sheets and comments the juror made
// on a nomination they are in declared or coordinator-added conflict with
// are deleted, since nothing could exclude them any more. (Automatic
// conflicts are read from live role grants, which the erasure has already
// revoked; a juror cannot score a nomination automatically in conflict, so
// only a conflict that arose after scoring is not excluded.)

type personalDeclaration struct {
	NominationID uuid.UUID `json:"nominationId"`
	EditionYear  int       `json:"editionYear"`
	Declaration  string    `json:"declaration"`
	Source       string    `json:"source"`
	Note         string    `json:"note,omitempty"`
	DeclaredAt   time.Time `json:"declaredAt"`
}

type personalScore struct {
	Criterion int    `json:"criterion"` // the criterion's position
	Points    int    `json:"points"`
	Comment   string `json:"comment,omitempty"`
}

type personalSheet struct {
	NominationID uuid.UUID       `json:"nominationId"`
	EditionYear  int             `json:"editionYear"`
	JurorNumber  int             `json:"jurorNumber"`
	SubmittedAt  *time.Time      `json:"submittedAt"`
	UpdatedAt    time.Time       `json:"updatedAt"`
	Scores       []personalScore `json:"scores"`
}

type personalComment struct {
	NominationID uuid.UUID `json:"nominationId"`
	EditionYear  int       `json:"editionYear"`
	Body         string    `json:"body"`
	CreatedAt    time.Time `json:"createdAt"`
}

// exportJury lists the juror's declarations, sheets and comments (the
// sections juryDeclarations, jurySheets, juryComments).
func exportJury(ctx context.Context, tx *db.Tx, account uuid.UUID) (map[string]any, error) {
	rows, err := tx.Query(ctx, `select c.nomination_id, e.year, case when c.conflict then 'conflict' else 'none' end, c.source,
			coalesce(c.note, ''), c.declared_at
		from ambassador_conflicts c join ambassador_nominations n on n.id = c.nomination_id
		join ambassador_editions e on e.id = n.edition_id where c.juror_id = $1 order by c.declared_at, c.nomination_id`, account)
	if err != nil {
		return nil, fmt.Errorf("export declarations: %w", err)
	}
	decls, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalDeclaration, error) {
		var d personalDeclaration
		return d, r.Scan(&d.NominationID, &d.EditionYear, &d.Declaration, &d.Source, &d.Note, &d.DeclaredAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export declarations: %w", err)
	}
	rows, err = tx.Query(ctx, `select sh.nomination_id, e.year, sh.juror_number, sh.submitted_at, sh.updated_at,
			coalesce(array_agg(c.position order by c.position) filter (where sc.sheet_id is not null), '{}'),
			coalesce(array_agg(sc.points order by c.position) filter (where sc.sheet_id is not null), '{}'),
			coalesce(array_agg(coalesce(sc.comment, '') order by c.position) filter (where sc.sheet_id is not null), '{}')
		from ambassador_sheets sh join ambassador_editions e on e.id = sh.edition_id
		left join ambassador_scores sc on sc.sheet_id = sh.id left join ambassador_criteria c on c.id = sc.criterion_id
		where sh.juror_id = $1 group by sh.id, e.year order by sh.created_at, sh.id`, account)
	if err != nil {
		return nil, fmt.Errorf("export sheets: %w", err)
	}
	sheets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalSheet, error) {
		var p personalSheet
		var pos, pts []int
		var comments []string
		if err := r.Scan(&p.NominationID, &p.EditionYear, &p.JurorNumber, &p.SubmittedAt, &p.UpdatedAt, &pos, &pts, &comments); err != nil {
			return p, err
		}
		p.Scores = []personalScore{}
		for i := range pos {
			p.Scores = append(p.Scores, personalScore{Criterion: pos[i], Points: pts[i], Comment: comments[i]})
		}
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("export sheets: %w", err)
	}
	rows, err = tx.Query(ctx, `select c.nomination_id, e.year, c.body, c.created_at from ambassador_comments c
		join ambassador_editions e on e.id = c.edition_id where c.author_id = $1 order by c.created_at, c.id`, account)
	if err != nil {
		return nil, fmt.Errorf("export comments: %w", err)
	}
	comments, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalComment, error) {
		var c personalComment
		return c, r.Scan(&c.NominationID, &c.EditionYear, &c.Body, &c.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export comments: %w", err)
	}
	if decls == nil {
		decls = []personalDeclaration{}
	}
	if sheets == nil {
		sheets = []personalSheet{}
	}
	if comments == nil {
		comments = []personalComment{}
	}
	return map[string]any{"juryDeclarations": decls, "jurySheets": sheets, "juryComments": comments}, nil
}

// eraseJury applies the erasure rule above.
func eraseJury(ctx context.Context, tx *db.Tx, account uuid.UUID) error {
	for _, q := range []string{
		`delete from ambassador_sheets sh using ambassador_conflicts c
			where c.juror_id = $1 and c.conflict and sh.juror_id = $1 and sh.nomination_id = c.nomination_id`,
		`delete from ambassador_comments m using ambassador_conflicts c
			where c.juror_id = $1 and c.conflict and m.author_id = $1 and m.juror_number is not null and m.nomination_id = c.nomination_id`,
		`delete from ambassador_conflicts where juror_id = $1`,
		`update ambassador_sheets set juror_id = null where juror_id = $1`,
		`update ambassador_comments set author_id = null where author_id = $1`,
		`update ambassador_juror_numbers set juror_id = null where juror_id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, account); err != nil {
			return fmt.Errorf("erase juror: %w", err)
		}
	}
	return nil
}
