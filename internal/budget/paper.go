package budget

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/page"
)

// PaperCounts are an edition's paper ballots by state.
type PaperCounts struct {
	Counted  int // entered twice alike and counted
	Invalid  int // entered twice alike, breaking the ballot rules: not counted
	Pending  int // awaiting a second entry or a resolution of a mismatch
	Rejected int // the voter had already voted through another channel
}

// paperCounts counts an edition's paper ballots. (Filled in by the voting
// area.)
func (s *Service) paperCounts(ctx context.Context, q db.Querier, editionID uuid.UUID) (PaperCounts, error) {
	var c PaperCounts
	err := q.QueryRow(ctx, `select count(*) filter (where status = 'counted'), count(*) filter (where status = 'invalid'),
		count(*) filter (where status in ('pending', 'mismatch')), count(*) filter (where status = 'rejected')
		from budget_paper_sheets where edition_id = $1`, editionID).Scan(&c.Counted, &c.Invalid, &c.Pending, &c.Rejected)
	if err != nil {
		return PaperCounts{}, fmt.Errorf("count paper ballots: %w", err)
	}
	return c, nil
}

// PaperStatus is the state of a paper ballot sheet.
type PaperStatus string

const (
	PaperPending  PaperStatus = "pending"  // entered once
	PaperMismatch PaperStatus = "mismatch" // two entries differ: the commission resolves it
	PaperCounted  PaperStatus = "counted"
	PaperInvalid  PaperStatus = "invalid"  // breaks the ballot rules (Reason): not counted
	PaperRejected PaperStatus = "rejected" // the person had already voted
)

// Paper-entry errors.
var (
	ErrSameEnterer     = apperr.New(apperr.Conflict, "ballot.second_entry_same_person")
	ErrSheetDecided    = apperr.New(apperr.Conflict, "ballot.sheet_decided")
	ErrSheetMismatch   = apperr.New(apperr.Conflict, "ballot.sheet_mismatch")
	ErrSheetNotPending = apperr.New(apperr.Conflict, "ballot.sheet_not_mismatched")
	ErrNotAtPoint      = apperr.New(apperr.Forbidden, "budget.point_not_assigned")
	ErrPaperClosed     = apperr.New(apperr.PhaseClosed, "budget.paper_closed")
)

// PaperSheet is a paper ballot sheet as staff see it: never the voter or
// the picks.
type PaperSheet struct {
	ID          uuid.UUID
	PointID     uuid.UUID
	EditionID   uuid.UUID
	SheetNumber string
	Status      PaperStatus
	// Reason is why a sheet is invalid (the validator's message key) or
	// rejected ("ballot.already_cast").
	Reason    string
	Entries   int
	CreatedAt time.Time
	DecidedAt *time.Time
}

// PaperEntryInput is one entry of a paper ballot sheet.
type PaperEntryInput struct {
	PointID     uuid.UUID
	SheetNumber string
	Voter       VoterEntry
	ByGuardian  bool
	Picks       map[uuid.UUID][]uuid.UUID
}

// paperEntry is an entry ready to store and compare.
type paperEntry struct {
	voterHash  []byte
	keyID      string
	district   string
	byGuardian bool
	picks      map[uuid.UUID][]uuid.UUID
	content    []byte
	// retryCheck (EnterPaperBallot only) stays after the sheet is decided.
	retryCheck []byte
}

func (s *Service) paperEntry(voter VoterEntry, byGuardian bool, picks map[uuid.UUID][]uuid.UUID) (*paperEntry, error) {
	h, keyID, err := s.hash(voter.IdentifierType, voter.Identifier)
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, fieldError(err, "voter."+ae.Field)
		}
		return nil, err
	}
	pe := &paperEntry{voterHash: h, keyID: keyID, district: strings.TrimSpace(voter.District), byGuardian: byGuardian, picks: picks}
	// The content as entered, in a canonical form: two entries are alike
	// when the person, the district, the guardian flag and every pool's
	// picks in order are.
	var b strings.Builder
	b.WriteString(hex.EncodeToString(h) + "|" + pe.district + "|" + strconv.FormatBool(byGuardian))
	pools := make([]uuid.UUID, 0, len(picks))
	for id, got := range picks {
		if len(got) > 0 {
			pools = append(pools, id)
		}
	}
	slices.SortFunc(pools, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	for _, id := range pools {
		b.WriteString("|" + id.String() + ":")
		for _, p := range picks[id] {
			b.WriteString(p.String() + ",")
		}
	}
	c := sha256.Sum256([]byte(b.String()))
	pe.content = c[:]
	return pe, nil
}

// paperRetryCheck is what an entry keeps of its point, sheet number and
// content after the sheet is decided, to recognise a retry: a keyed hash
// (the identifier key, through s.hash), because the content is the voter
// with their picks, few enough to search for under a plain hash.
func (s *Service) paperRetryCheck(pointID uuid.UUID, number string, pe *paperEntry) ([]byte, error) {
	d := sha256.Sum256([]byte("paper-entry\x00" + pointID.String() + "\x00" + number + "\x00" + string(pe.content)))
	h, _, err := s.hash(identity.IdentifierOther, "PAPER/"+hex.EncodeToString(d[:29]))
	if err != nil {
		return nil, fmt.Errorf("paper retry check: %w", err)
	}
	return h, nil
}

// paperOpen reports whether paper ballots may be entered: from the opening
// of the vote until results are published (sheets from the last day are
// entered after the close).
func (e *Edition) paperOpen(now time.Time) bool {
	return (e.Status == StatusVoting || e.Status == StatusClosed) && e.VotingOpensAt != nil && !now.Before(*e.VotingOpensAt)
}

// EnterPaperBallot records one entry of a paper ballot sheet
// ("enter_paper": ballot officers at the points they are assigned to, the
// unit's officials, coordinators and admins anywhere). The first entry
// leaves the sheet pending; a second one by another person decides it when
// both are alike (counted, invalid or rejected) and marks it mismatched
// otherwise, for the commission to resolve. The same person entering a
// sheet again with the same content (a retry of an entry whose answer was
// lost) gets the sheet as it is now and changes nothing; with other content
// it is ErrSameEnterer (or ErrSheetDecided, ErrSheetMismatch).
func (s *Service) EnterPaperBallot(ctx context.Context, in PaperEntryInput) (*PaperSheet, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	number := strings.TrimSpace(in.SheetNumber)
	if number == "" || len(number) > 100 {
		return nil, apperr.Invalid("sheetNumber", "budget.sheet_number_invalid")
	}
	pe, err := s.paperEntry(in.Voter, in.ByGuardian, in.Picks)
	if err != nil {
		return nil, err
	}
	if pe.retryCheck, err = s.paperRetryCheck(in.PointID, number, pe); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var sheetID uuid.UUID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, err := loadPoint(ctx, tx, in.PointID)
		if err != nil {
			return err
		}
		e, err := editionFor(ctx, tx, p.EditionID, ActEnterPaper, "for share")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActManage, e.Object()) {
			var assigned bool
			if err := tx.QueryRow(ctx, `select exists (select 1 from budget_point_officers where point_id = $1 and account_id = $2)`,
				p.ID, actor).Scan(&assigned); err != nil {
				return fmt.Errorf("read assignment: %w", err)
			}
			if !assigned {
				return ErrNotAtPoint
			}
		}
		if !e.paperOpen(s.now()) {
			return ErrPaperClosed
		}
		if _, err := tx.Exec(ctx, `insert into budget_paper_sheets (point_id, edition_id, sheet_number) values ($1, $2, $3)
			on conflict (point_id, sheet_number) do nothing`, p.ID, e.ID, number); err != nil {
			return fmt.Errorf("insert sheet: %w", err)
		}
		var status PaperStatus
		if err := tx.QueryRow(ctx, `select id, status from budget_paper_sheets where point_id = $1 and sheet_number = $2 for update`,
			p.ID, number).Scan(&sheetID, &status); err != nil {
			return fmt.Errorf("read sheet: %w", err)
		}
		// The caller's own earlier entry with this content: a retry.
		var again bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from budget_paper_entries where sheet_id = $1 and entered_by = $2
			and not resolution and retry_check = $3)`, sheetID, actor, pe.retryCheck).Scan(&again); err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		if again {
			return nil
		}
		switch status {
		case PaperMismatch:
			return ErrSheetMismatch
		case PaperPending:
		default:
			return ErrSheetDecided
		}
		rows, err := tx.Query(ctx, `select entered_by, content_hash from budget_paper_entries where sheet_id = $1 and not resolution`, sheetID)
		if err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		type prior struct {
			by      *uuid.UUID
			content []byte
		}
		var entries []prior
		for rows.Next() {
			var x prior
			if err := rows.Scan(&x.by, &x.content); err != nil {
				rows.Close()
				return fmt.Errorf("scan entry: %w", err)
			}
			entries = append(entries, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		for _, x := range entries {
			if x.by != nil && *x.by == actor {
				return ErrSameEnterer
			}
		}
		if err := insertPaperEntry(ctx, tx, sheetID, actor, false, pe); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.paper_entry", ObjectType: "budget_paper_sheet",
			ObjectID: sheetID.String(), Data: map[string]any{"point_id": p.ID.String(), "edition_id": e.ID.String()}}); err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		if string(entries[0].content) != string(pe.content) {
			_, err := tx.Exec(ctx, `update budget_paper_sheets set status = 'mismatch' where id = $1`, sheetID)
			return err
		}
		return s.decidePaper(ctx, tx, e, sheetID, pe, actor)
	})
	if err != nil {
		return nil, err
	}
	return loadSheet(ctx, s.pool, sheetID)
}

// ResolvePaperBallot decides a mismatched sheet with the commission's
// reading of it ("manage").
func (s *Service) ResolvePaperBallot(ctx context.Context, sheetID uuid.UUID, voter VoterEntry, byGuardian bool,
	picks map[uuid.UUID][]uuid.UUID) (*PaperSheet, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	pe, err := s.paperEntry(voter, byGuardian, picks)
	if err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var editionID uuid.UUID
		var status PaperStatus
		err := tx.QueryRow(ctx, `select edition_id, status from budget_paper_sheets where id = $1 for update`, sheetID).
			Scan(&editionID, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read sheet: %w", err)
		}
		e, err := loadEdition(ctx, tx, editionID, "for share")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActEnterPaper, e.Object()) {
			return apperr.ErrNotFound // sheets are for the staff of the edition only
		}
		if err := authz.Require(ctx, ActManage, e.Object()); err != nil {
			return err
		}
		if !e.paperOpen(s.now()) {
			return ErrPaperClosed
		}
		if status != PaperMismatch {
			return ErrSheetNotPending
		}
		if err := insertPaperEntry(ctx, tx, sheetID, actor, true, pe); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.paper_resolve", ObjectType: "budget_paper_sheet",
			ObjectID: sheetID.String(), Data: map[string]any{"edition_id": e.ID.String()}}); err != nil {
			return err
		}
		return s.decidePaper(ctx, tx, e, sheetID, pe, actor)
	})
	if err != nil {
		return nil, err
	}
	return loadSheet(ctx, s.pool, sheetID)
}

func insertPaperEntry(ctx context.Context, tx *db.Tx, sheetID, actor uuid.UUID, resolution bool, pe *paperEntry) error {
	picks := make(map[string][]string, len(pe.picks))
	for pool, ids := range pe.picks {
		for _, id := range ids {
			picks[pool.String()] = append(picks[pool.String()], id.String())
		}
	}
	if _, err := tx.Exec(ctx, `insert into budget_paper_entries (sheet_id, entered_by, resolution, voter_hash, key_id, district,
		by_guardian, picks, content_hash, retry_check) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		sheetID, actor, resolution, pe.voterHash, pe.keyID, pe.district, pe.byGuardian, picks, pe.content, pe.retryCheck); err != nil {
		return fmt.Errorf("insert paper entry: %w", err)
	}
	return nil
}

// decidePaper counts a sheet whose content is settled: the person is found
// on the roll by their identifier hash (or put on it), and the ballot is
// cast through castFor (channel paper). A person who had already voted
// makes the sheet rejected; a ballot breaking the rules is not refused but
// stored as invalid with the validator's reason — the person has then voted
// (their marker is written, with no ballot), as with an invalid paper
// ballot in the box. Finally the entries lose the voter hash and the picks.
func (s *Service) decidePaper(ctx context.Context, tx *db.Tx, e *Edition, sheetID uuid.UUID, pe *paperEntry, actor uuid.UUID) error {
	status, reason, err := s.countPaper(ctx, tx, e, pe, actor)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `update budget_paper_sheets set status = $2, reason = nullif($3, ''), decided_at = now() where id = $1`,
		sheetID, status, reason); err != nil {
		return fmt.Errorf("decide sheet: %w", err)
	}
	if _, err := tx.Exec(ctx, `update budget_paper_entries set voter_hash = null, key_id = null, district = null, by_guardian = null,
		picks = null, content_hash = null where sheet_id = $1`, sheetID); err != nil {
		return fmt.Errorf("erase entries: %w", err)
	}
	return nil
}

func (s *Service) countPaper(ctx context.Context, tx *db.Tx, e *Edition, pe *paperEntry, actor uuid.UUID) (PaperStatus, string, error) {
	var voterID uuid.UUID
	district := pe.district
	err := tx.QueryRow(ctx, `select id, district from budget_voters where edition_id = $1 and identifier_hash = $2`,
		e.ID, pe.voterHash).Scan(&voterID, &district)
	if errors.Is(err, pgx.ErrNoRows) {
		known, err := districtsOf(ctx, tx, e.ID)
		if err != nil {
			return "", "", err
		}
		if !known[district] {
			return PaperInvalid, "budget.district_unknown", nil
		}
		// on conflict: put on the roll concurrently through another channel.
		err = tx.QueryRow(ctx, `insert into budget_voters (edition_id, identifier_hash, key_id, district, registered_by)
			values ($1, $2, $3, $4, $5) on conflict (edition_id, identifier_hash) do update set district = budget_voters.district
			returning id, district`, e.ID, pe.voterHash, pe.keyID, district, actorOrNil(actor)).Scan(&voterID, &district)
		if err != nil {
			return "", "", fmt.Errorf("insert voter: %w", err)
		}
	} else if err != nil {
		return "", "", fmt.Errorf("read voter: %w", err)
	}
	key := randomKey()
	_, _, verr := s.validate(ctx, tx, e, district, pe.picks)
	if apperr.CodeOf(verr) == apperr.InvalidInput {
		var ae *apperr.Error
		errors.As(verr, &ae)
		keyHash, check := keyHashes(e.ID, key, "invalid")
		tag, err := tx.Exec(ctx, `insert into budget_ballot_markers (voter_id, edition_id, ballot_key_hash, content_check, channel, cast_by_guardian)
			values ($1, $2, $3, $4, 'paper', $5) on conflict (voter_id) do nothing`, voterID, e.ID, keyHash, check, pe.byGuardian)
		if err != nil {
			return "", "", fmt.Errorf("insert marker: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return PaperRejected, ErrAlreadyVoted.Key, nil
		}
		return PaperInvalid, ae.Key, nil
	}
	if verr != nil {
		return "", "", verr
	}
	_, _, err = s.castFor(ctx, tx, e, voterID, district, BallotInput{EditionID: e.ID, BallotKey: key, Picks: pe.picks},
		ChannelPaper, pe.byGuardian)
	if errors.Is(err, ErrAlreadyVoted) {
		return PaperRejected, ErrAlreadyVoted.Key, nil
	}
	if err != nil {
		return "", "", err
	}
	return PaperCounted, "", nil
}

// randomKey is the ballot key of a paper ballot: known to nobody.
func randomKey() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

const sheetColumns = `s.id, s.point_id, s.edition_id, s.sheet_number, s.status, coalesce(s.reason, ''), s.created_at, s.decided_at,
	(select count(*) from budget_paper_entries x where x.sheet_id = s.id)`

func scanSheet(row pgx.Row) (*PaperSheet, error) {
	var p PaperSheet
	err := row.Scan(&p.ID, &p.PointID, &p.EditionID, &p.SheetNumber, &p.Status, &p.Reason, &p.CreatedAt, &p.DecidedAt, &p.Entries)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read sheet: %w", err)
	}
	return &p, nil
}

func loadSheet(ctx context.Context, q db.Querier, id uuid.UUID) (*PaperSheet, error) {
	return scanSheet(q.QueryRow(ctx, `select `+sheetColumns+` from budget_paper_sheets s where s.id = $1`, id))
}

// PaperFilter narrows a list of paper ballot sheets.
type PaperFilter struct {
	PointID uuid.UUID   // zero: every point
	Status  PaperStatus // "": every status
}

// Cursor is p's position in PaperBallots.
func (p PaperSheet) Cursor() string {
	return page.Cursor("paper_ballots", page.Key{At: p.CreatedAt, ID: p.ID})
}

// PaperBallots lists an edition's paper ballot sheets, oldest first, to
// whoever may enter them ("enter_paper"), with the total count.
func (s *Service) PaperBallots(ctx context.Context, editionID uuid.UUID, f PaperFilter, first int, after string) (page.Page[PaperSheet], error) {
	var none page.Page[PaperSheet]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("paper_ballots", after, &cur)
	if err != nil {
		return none, err
	}
	e, err := loadEdition(ctx, s.pool, editionID, "")
	if err != nil {
		return none, err
	}
	if !authz.Can(ctx, ActEnterPaper, e.Object()) {
		return none, apperr.ErrNotFound
	}
	where := `s.edition_id = $1 and ($2::uuid is null or s.point_id = $2) and ($3::text = '' or s.status = $3)`
	var point *uuid.UUID
	if f.PointID != uuid.Nil {
		point = &f.PointID
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from budget_paper_sheets s where `+where, e.ID, point, string(f.Status)).
		Scan(&total); err != nil {
		return none, fmt.Errorf("count sheets: %w", err)
	}
	var at *time.Time
	var afterID uuid.UUID
	if resume {
		at, afterID = &cur.At, cur.ID
	}
	rows, err := s.pool.Query(ctx, `select `+sheetColumns+` from budget_paper_sheets s where `+where+`
		and ($4::timestamptz is null or (s.created_at, s.id) > ($4, $5)) order by s.created_at, s.id limit $6`,
		e.ID, point, string(f.Status), at, afterID, first+1)
	if err != nil {
		return none, fmt.Errorf("read sheets: %w", err)
	}
	defer rows.Close()
	var out []PaperSheet
	for rows.Next() {
		sheet, err := scanSheet(rows)
		if err != nil {
			return none, err
		}
		out = append(out, *sheet)
	}
	if err := rows.Err(); err != nil {
		return none, fmt.Errorf("read sheets: %w", err)
	}
	return page.Of(out, first, total), nil
}
