package ambassador

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is the Ambassador's share of a person's data for the GDPR
// export and erasure (identity.PersonalData): the nominations the person
// made, and those of them (found by their account's e-mail as the nominee's
// or guardian's contact).
//
// Erasure: the person's own nominations stay for the edition's record but
// lose their nominator (as public contributions become "deleted account");
// nominations of the person are withdrawn unless already checked and their
// nominee's name and contacts erased, so that nothing names them any more.
// Audience votes stay counted: the ballots carry no voter, and the markers
// hold the verification's keyed hash, which the erasure unlinks from the
// account (identity deletes the verification).
// A juror's declarations, sheets and comments: scoring_personal.go.
type PersonalData struct{ s *Service }

// PersonalData returns the Ambassador's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{s: s} }

// Name is the export section.
func (PersonalData) Name() string { return "ambassador" }

type personalNomination struct {
	NominationID uuid.UUID  `json:"nominationId"`
	EditionYear  int        `json:"editionYear"`
	Category     string     `json:"category"`
	NomineeName  string     `json:"nomineeName"`
	NomineeEmail string     `json:"nomineeEmail,omitempty"`
	Status       string     `json:"status"`
	Channel      string     `json:"channel"`
	ReceivedAt   time.Time  `json:"receivedAt"`
	ConsentAt    *time.Time `json:"consentAt"`
	Links        []string   `json:"links"`
	// Award is the outcome once the edition is announced: "laureate",
	// "distinction", or "" (not awarded, or not announced yet).
	Award string `json:"award,omitempty"`
}

// Export lists the nominations the person made and those of them.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var email string
	if err := tx.QueryRow(ctx, `select email from accounts where id = $1`, accountID).Scan(&email); err != nil {
		return nil, fmt.Errorf("export ambassador: %w", err)
	}
	read := func(where string, arg any) ([]personalNomination, error) {
		rows, err := tx.Query(ctx, `select n.id, e.year, c.kind, n.nominee_name, coalesce(n.nominee_email, ''), n.status, n.channel,
				n.received_at, n.consent_at, n.links, coalesce(case when e.announced_at is not null then
					(select x.rank from ambassador_award_entries x where x.nomination_id = n.id) end, '')
			from ambassador_nominations n join ambassador_editions e on e.id = n.edition_id
			join ambassador_categories c on c.id = n.category_id where `+where+` order by n.created_at, n.id`, arg)
		if err != nil {
			return nil, err
		}
		out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalNomination, error) {
			var p personalNomination
			return p, r.Scan(&p.NominationID, &p.EditionYear, &p.Category, &p.NomineeName, &p.NomineeEmail, &p.Status,
				&p.Channel, &p.ReceivedAt, &p.ConsentAt, &p.Links, &p.Award)
		})
		if out == nil {
			out = []personalNomination{}
		}
		return out, err
	}
	made, err := read(`n.nominator_id = $1`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export nominations made: %w", err)
	}
	of, err := read(`(n.nominee_email = $1 or n.guardian_email = $1)`, email)
	if err != nil {
		return nil, fmt.Errorf("export nominations received: %w", err)
	}
	// The audience vote: the categories voted in, never the choice.
	voted, err := audienceVotedIn(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	jury, err := exportJury(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"nominationsMade": made, "nominationsOfMe": of, "audienceVotes": voted}
	for k, v := range jury {
		out[k] = v
	}
	return out, nil
}

// Erase applies PersonalData's erasure rule.
func (p PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if err := eraseJury(ctx, tx, accountID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `update ambassador_nominations set nominator_id = null where nominator_id = $1`, accountID); err != nil {
		return fmt.Errorf("erase nominator: %w", err)
	}
	var email string
	if err := tx.QueryRow(ctx, `select email from accounts where id = $1`, accountID).Scan(&email); err != nil {
		return fmt.Errorf("erase nominee: %w", err)
	}
	now := p.s.now()
	if _, err := tx.Exec(ctx, `update ambassador_consent_tokens t set revoked_at = $2 from ambassador_nominations n
		where t.nomination_id = n.id and (n.nominee_email = $1 or n.guardian_email = $1) and t.used_at is null and t.revoked_at is null`,
		email, now); err != nil {
		return fmt.Errorf("erase nominee: %w", err)
	}
	ids, err := nominationsOf(ctx, tx, email)
	if err != nil {
		return err
	}
	for _, f := range p.s.nomineeErased {
		if err := f(ctx, tx, ids); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `update ambassador_nominations set
			status = case when status = 'submitted' then 'withdrawn' else status end,
			withdrawn_at = case when status = 'submitted' then $2 else withdrawn_at end,
			nominee_name = '(erased)', nominee_email = null, nominee_org_id = null,
			guardian_name = case when nominee_minor then '(erased)' end, guardian_email = null, updated_at = $2
		where nominee_email = $1 or guardian_email = $1`, email, now); err != nil {
		return fmt.Errorf("erase nominee: %w", err)
	}
	return nil
}
