package ambassador

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
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// The jury's scoring (HotCRP's and OpenReview's habits): from SCORING on the
// edition's jurors see its eligible nominations (never the nominee's or a
// guardian's contact, the scans or the nominator); each juror declares, per
// nomination, none or a conflict before anything else; a juror without a
// conflict scores every criterion on a sheet saved as a draft and then
// submitted; other jurors' sheets and the discussion show only to a juror
// who has submitted their own sheet for that nomination, or once scoring
// has closed, and never to a juror in conflict with it (conflicts(), the
// one reader of conflicts). Staff (coordinators, admins) see everything.

// Actions of the jury (internal/authz/policy.csv).
const (
	ActDeclare        = "declare"
	ActScore          = "score"
	ActComment        = "comment"
	ActReadRanking    = "read_ranking"
	ActReadScoreTable = "read_score_table"
)

// Declarations a juror makes per nomination.
const (
	DeclarationNone     = "none"
	DeclarationConflict = "conflict"
)

const (
	maxNote    = 2000
	maxComment = 4000
)

var (
	errScoringClosed    = apperr.New(apperr.PhaseClosed, "ambassador.scoring_closed")
	errDiscussionClosed = apperr.New(apperr.PhaseClosed, "ambassador.jury_discussion_closed")
	errConflictsClosed  = apperr.New(apperr.PhaseClosed, "ambassador.conflicts_closed")
	errDeclareFirst     = apperr.Invalid("declaration", "ambassador.declare_first")
	errConflicted       = apperr.New(apperr.Forbidden, "ambassador.conflicted")
	errConflictFixed    = apperr.New(apperr.Conflict, "ambassador.conflict_fixed")
	errSubmitFirst      = apperr.Invalid("sheet", "ambassador.submit_first")
	errSheetSubmitted   = apperr.New(apperr.Conflict, "ambassador.sheet_submitted")
	errSheetIncomplete  = apperr.Invalid("scores", "ambassador.sheet_incomplete")
	errScores           = apperr.Invalid("scores", "ambassador.scores_invalid")
	errNoteLong         = apperr.Invalid("note", "ambassador.note_too_long")
	errCommentBody      = apperr.Invalid("body", "ambassador.comment_invalid")
	errNotEligible      = apperr.New(apperr.Conflict, "ambassador.nomination_not_eligible")
)

// juryOpen: the jury sees the eligible nominations from SCORING on.
func juryOpen(p Phase) bool {
	return p == PhaseScoring || p == PhaseDecision || p == PhaseAudienceVote || p == PhaseAnnouncement
}

// scoringClosed: after SCORING every juror without a conflict sees the scores.
func scoringClosed(p Phase) bool {
	return p == PhaseDecision || p == PhaseAudienceVote || p == PhaseAnnouncement
}

// juryObject is n as its edition's jury meets it: attr jury=open once the
// jury may see it (an eligible nomination, from SCORING on).
func juryObject(n *Nomination, e *Edition) authz.Object {
	o := n.object()
	if n.Status == NominationEligible && juryOpen(e.Phase) {
		o.Attrs["jury"] = "open"
	}
	return o
}

// scoresObject is e for reading its ranking and score table: attrs scoring
// (open, closed) and public (true from the announcement).
func scoresObject(e *Edition) authz.Object {
	o := e.object()
	o.Attrs["scoring"] = "open"
	if scoringClosed(e.Phase) {
		o.Attrs["scoring"] = "closed"
	}
	o.Attrs["public"] = "false"
	if e.Phase == PhaseAnnouncement {
		o.Attrs["public"] = "true"
	}
	return o
}

// jurySees reports whether the caller sees n as a juror of its edition.
func (s *Service) jurySees(ctx context.Context, q db.Querier, n *Nomination) bool {
	e, err := s.loadEdition(ctx, q, n.EditionID)
	if err != nil {
		return false
	}
	return authz.Can(ctx, authz.Read, juryObject(n, e))
}

// juryLists reports whether the caller lists e's eligible nominations as a
// juror (the same rule as jurySees, for the list's SQL filter).
func juryLists(ctx context.Context, e *Edition) bool {
	return juryOpen(e.Phase) && authz.Can(ctx, authz.Read,
		authz.Object{Type: NominationType, Domains: []string{Domain(e.ID)}, Attrs: map[string]string{"jury": "open"}})
}

// SeesPrivate reports whether the caller sees n's private parts (the
// nominee's and guardian's contacts, the nominator, the check's note): its
// nominator and staff, never the jury.
func (s *Service) SeesPrivate(ctx context.Context, n *Nomination) bool {
	subj := authz.SubjectFrom(ctx)
	return (n.NominatorID != nil && !subj.Anonymous() && *n.NominatorID == subj.AccountID) || s.Manages(ctx, n)
}

// Score is one criterion's points on a sheet, with an optional comment.
type Score struct {
	CriterionID uuid.UUID
	Points      int
	Comment     string
}

// Sheet is one juror's score sheet for one nomination.
type Sheet struct {
	ID           uuid.UUID
	NominationID uuid.UUID
	JurorNumber  int
	JurorID      *uuid.UUID // nil once the juror's account is erased
	JurorName    string     // "" once erased
	Scores       []Score    // in the criteria's order
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SubmittedAt  *time.Time
	// Recused: the juror is now in conflict with the nomination; the sheet
	// does not count (staff see it marked, nobody else sees it).
	Recused bool
}

// Comment is one contribution to a nomination's discussion.
type Comment struct {
	ID           uuid.UUID
	NominationID uuid.UUID
	JurorNumber  int // 0 for staff
	AuthorID     *uuid.UUID
	AuthorName   string
	Body         string
	CreatedAt    time.Time
	Recused      bool // a juror now in conflict: not shown to the jury
}

// Review is the caller's own standing as a juror on a nomination.
type Review struct {
	// Declaration is the caller's own: "", DeclarationNone or
	// DeclarationConflict (a conflict added by the coordinator counts as
	// declared).
	Declaration string
	// Conflict is the reason the caller is in conflict (ConflictNominator …
	// ConflictCoordinator), "" for none.
	Conflict string
	// ConflictFixed: the conflict is automatic or the coordinator's; the
	// juror cannot declare none.
	ConflictFixed bool
	Sheet         *Sheet
	// SeesScores: the caller sees the other jurors' sheets and the discussion.
	SeesScores bool
	// MayScore: the caller may save a sheet now.
	MayScore bool
}

// access is the caller's standing on one nomination, everything the
// hiding rules need.
type access struct {
	staff       bool
	juror       bool
	number      int
	declaration string // own row: none, conflict; "" undeclared
	source      string // own row's source: juror, coordinator
	conflict    string // from conflicts()
	submitted   bool
	closed      bool
}

func (a access) seesScores() bool {
	if a.staff {
		return true
	}
	return a.juror && a.declaration != "" && a.conflict == "" && (a.submitted || a.closed)
}

// fixed: a conflict the juror cannot take back.
func fixedConflict(reason string) bool {
	return reason != "" && reason != ConflictDeclared
}

// accessTo reads the caller's standing on n; conf is conflicts() of n's
// edition (read once for a list).
func (s *Service) accessTo(ctx context.Context, q db.Querier, e *Edition, n *Nomination, conf map[JurorNomination]string) (access, error) {
	var row reviewRow
	if subj := authz.SubjectFrom(ctx); !subj.Anonymous() {
		rows, err := reviewRows(ctx, q, subj.AccountID, []uuid.UUID{n.ID})
		if err != nil {
			return access{}, err
		}
		row = rows[n.ID]
	}
	return s.accessFrom(ctx, e, n, conf, row), nil
}

// juryNomination loads a nomination and its edition, the nomination locked,
// for a jury's act in authz.For's order (seen as staff, nominator or juror).
func (s *Service) juryNomination(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Nomination, *Edition, error) {
	var e *Edition
	n, err := authz.For(ctx, act, func() (*Nomination, authz.Object, bool, error) {
		n, err := scanNomination(tx.QueryRow(ctx, `select `+nominationCols+nominationFrom+` where n.id = $1 for update of n`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load nomination: %w", err)
		}
		if e, err = s.loadEdition(ctx, tx, n.EditionID); err != nil {
			return nil, authz.Object{}, false, err
		}
		o := juryObject(n, e)
		return n, o, authz.Can(ctx, authz.Read, o) || authz.Can(ctx, authz.Read, n.object()), nil
	})
	return n, e, err
}

// jurorNumber is the juror's number in the edition, given now if they have
// none yet (numbers are given in order, one at a time per edition).
func jurorNumber(ctx context.Context, tx *db.Tx, edition, juror uuid.UUID) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `select number from ambassador_juror_numbers where edition_id = $1 and juror_id = $2`, edition, juror).Scan(&n)
	if err == nil {
		return n, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("juror number: %w", err)
	}
	if _, err := tx.Exec(ctx, `select 1 from ambassador_editions where id = $1 for no key update`, edition); err != nil {
		return 0, fmt.Errorf("juror number: %w", err)
	}
	err = tx.QueryRow(ctx, `insert into ambassador_juror_numbers (edition_id, number, juror_id)
		select $1, coalesce(max(number), 0) + 1, $2 from ambassador_juror_numbers where edition_id = $1
		on conflict (edition_id, juror_id) do update set juror_id = excluded.juror_id
		returning number`, edition, juror).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("juror number: %w", err)
	}
	return n, nil
}

// DeclareConflict records the caller's declaration on an eligible
// nomination ("declare": the edition's jurors) while scoring or the jury's
// decision is open: none, or a conflict with an optional note. A conflict
// may be declared at any time then, and recuses the juror at once (their
// sheet and comments on it stop counting and showing); "none" is refused
// (CONFLICT) when the conflict is automatic or the coordinator's, and a
// juror's own declared conflict may be taken back only while scoring is
// open. Audited.
func (s *Service) DeclareConflict(ctx context.Context, nomination uuid.UUID, declaration, note string) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	note = strings.TrimSpace(note)
	if declaration != DeclarationNone && declaration != DeclarationConflict {
		return nil, apperr.Invalid("declaration", "ambassador.declaration_invalid")
	}
	if utf8.RuneCountInString(note) > maxNote {
		return nil, errNoteLong
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.juryNomination(ctx, tx, nomination, ActDeclare)
		if err != nil {
			return err
		}
		now := s.now()
		if !e.In(PhaseScoring, now) && !e.In(PhaseDecision, now) {
			return errConflictsClosed
		}
		conf, err := conflicts(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		a, err := s.accessTo(ctx, tx, e, n, conf)
		if err != nil {
			return err
		}
		if declaration == DeclarationNone {
			if fixedConflict(a.conflict) || a.source == "coordinator" {
				return errConflictFixed
			}
			if a.declaration == DeclarationConflict && !e.In(PhaseScoring, now) {
				return errConflictFixed
			}
		}
		if _, err := jurorNumber(ctx, tx, e.ID, actor); err != nil {
			return err
		}
		if a.source == "coordinator" {
			// Already a conflict the juror cannot change; the note is the
			// coordinator's.
			return nil
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_conflicts (nomination_id, juror_id, conflict, source, note, declared_by, declared_at)
			values ($1, $2, $3, 'juror', nullif($4, ''), $2, $5)
			on conflict (nomination_id, juror_id) do update set conflict = excluded.conflict, note = excluded.note,
				declared_by = excluded.declared_by, declared_at = excluded.declared_at`,
			n.ID, actor, declaration == DeclarationConflict, note, now); err != nil {
			return fmt.Errorf("declare conflict: %w", err)
		}
		data := map[string]any{"edition_id": e.ID, "declaration": declaration, "previous": a.declaration}
		if a.conflict != "" {
			data["automatic"] = a.conflict
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.conflict_declare", ObjectType: NominationType,
			ObjectID: n.ID.String(), Reason: note, Data: data})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, nomination)
}

// AddConflict records a conflict of one of the edition's jurors with a
// nomination ("manage": the coordinator), with a reason of at least
// MinReasonRunes, from the formal check until the jury's decision closes.
// The juror cannot take it back. Audited.
func (s *Service) AddConflict(ctx context.Context, nomination, juror uuid.UUID, reason string) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	reason = strings.TrimSpace(reason)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, nomination, ActManage)
		if err != nil {
			return err
		}
		now := s.now()
		if !e.In(PhaseFormalCheck, now) && !e.In(PhaseScoring, now) && !e.In(PhaseDecision, now) {
			return errConflictsClosed
		}
		if n.Status == NominationWithdrawn {
			return errNotSubmitted
		}
		if n := utf8.RuneCountInString(reason); n < MinReasonRunes || n > maxNote {
			return apperr.Invalid("reason", "ambassador.reason_required").With(map[string]any{"min": MinReasonRunes})
		}
		var isJuror bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from role_grants where account_id = $1 and role = 'juror' and domain = $2)`,
			juror, Domain(e.ID)).Scan(&isJuror); err != nil {
			return err
		}
		if !isJuror {
			return errNotJuror
		}
		if _, err := jurorNumber(ctx, tx, e.ID, juror); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_conflicts (nomination_id, juror_id, conflict, source, note, declared_by, declared_at)
			values ($1, $2, true, 'coordinator', $3, $4, $5)
			on conflict (nomination_id, juror_id) do update set conflict = true, source = 'coordinator', note = excluded.note,
				declared_by = excluded.declared_by, declared_at = excluded.declared_at`,
			n.ID, juror, reason, actor, now); err != nil {
			return fmt.Errorf("add conflict: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.conflict_add", ObjectType: NominationType,
			ObjectID: n.ID.String(), Reason: reason, Data: map[string]any{"edition_id": e.ID, "juror_id": juror}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, nomination)
}

// SaveSheet saves the caller's score sheet for an eligible nomination
// ("score": the edition's jurors) while scoring is open: the scores given
// replace the sheet's, each on a criterion of the edition within its scale,
// once. submit makes it count and needs every criterion; a submitted sheet
// stays submitted (a save without submit is CONFLICT) and is revised by
// submitting again until scoring closes. A juror must have declared
// (INVALID_INPUT on field declaration) and not be in conflict (FORBIDDEN).
// Audited with the scores.
func (s *Service) SaveSheet(ctx context.Context, nomination uuid.UUID, scores []Score, submit bool) (*Sheet, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	var sheetID uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.juryNomination(ctx, tx, nomination, ActScore)
		if err != nil {
			return err
		}
		if !e.In(PhaseScoring, s.now()) {
			return errScoringClosed
		}
		conf, err := conflicts(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		a, err := s.accessTo(ctx, tx, e, n, conf)
		if err != nil {
			return err
		}
		if a.conflict != "" {
			return errConflicted
		}
		if a.declaration == "" {
			return errDeclareFirst
		}
		if a.submitted && !submit {
			return errSheetSubmitted
		}
		criteria, err := s.Criteria(ctx, e.ID)
		if err != nil {
			return err
		}
		byID := map[uuid.UUID]Criterion{}
		for _, c := range criteria {
			byID[c.ID] = c
		}
		seen := map[uuid.UUID]bool{}
		for i, sc := range scores {
			c, ok := byID[sc.CriterionID]
			if !ok || seen[sc.CriterionID] || sc.Points < c.ScaleMin || sc.Points > c.ScaleMax {
				return errScores
			}
			seen[sc.CriterionID] = true
			scores[i].Comment = strings.TrimSpace(sc.Comment)
			if utf8.RuneCountInString(scores[i].Comment) > maxComment {
				return errScores
			}
		}
		if submit && len(seen) != len(criteria) {
			return errSheetIncomplete
		}
		number, err := jurorNumber(ctx, tx, e.ID, actor)
		if err != nil {
			return err
		}
		now := s.now()
		var submittedAt *time.Time
		if submit {
			submittedAt = &now
		}
		if err := tx.QueryRow(ctx, `insert into ambassador_sheets (nomination_id, edition_id, juror_number, juror_id, created_at, updated_at, submitted_at)
			values ($1, $2, $3, $4, $5, $5, $6)
			on conflict (nomination_id, juror_number) do update set updated_at = excluded.updated_at,
				submitted_at = coalesce(excluded.submitted_at, ambassador_sheets.submitted_at)
			returning id`, n.ID, e.ID, number, actor, now, submittedAt).Scan(&sheetID); err != nil {
			return fmt.Errorf("save sheet: %w", err)
		}
		if _, err := tx.Exec(ctx, `delete from ambassador_scores where sheet_id = $1`, sheetID); err != nil {
			return fmt.Errorf("save sheet: %w", err)
		}
		points := map[string]int{}
		for _, sc := range scores {
			if _, err := tx.Exec(ctx, `insert into ambassador_scores (sheet_id, criterion_id, points, comment) values ($1, $2, $3, nullif($4, ''))`,
				sheetID, sc.CriterionID, sc.Points, sc.Comment); err != nil {
				return fmt.Errorf("save score: %w", err)
			}
			points[sc.CriterionID.String()] = sc.Points
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.sheet_save", ObjectType: NominationType,
			ObjectID: n.ID.String(), Data: map[string]any{"edition_id": e.ID, "juror_number": number, "submitted": submit,
				"revision": a.submitted, "points": points}})
	})
	if err != nil {
		return nil, err
	}
	sheets, err := s.sheets(ctx, s.pool, "sh.id = $1", sheetID)
	if err != nil {
		return nil, err
	}
	if len(sheets) != 1 {
		return nil, apperr.ErrNotFound
	}
	return &sheets[0], nil
}

// AddComment adds to a nomination's discussion ("comment": its jurors and
// staff) while scoring or the jury's decision is open. A juror must have
// declared, be without a conflict and see the discussion (their sheet
// submitted, or scoring closed). Recorded with author and time; audited.
func (s *Service) AddComment(ctx context.Context, nomination uuid.UUID, body string) (*Comment, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > maxComment {
		return nil, errCommentBody
	}
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.juryNomination(ctx, tx, nomination, ActComment)
		if err != nil {
			return err
		}
		now := s.now()
		if !e.In(PhaseScoring, now) && !e.In(PhaseDecision, now) {
			return errDiscussionClosed
		}
		if n.Status != NominationEligible {
			return errNotEligible
		}
		conf, err := conflicts(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		a, err := s.accessTo(ctx, tx, e, n, conf)
		if err != nil {
			return err
		}
		var number *int
		if a.juror && !a.staff {
			switch {
			case a.conflict != "":
				return errConflicted
			case a.declaration == "":
				return errDeclareFirst
			case !a.seesScores():
				return errSubmitFirst
			}
			k, err := jurorNumber(ctx, tx, e.ID, actor)
			if err != nil {
				return err
			}
			number = &k
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_comments (id, nomination_id, edition_id, juror_number, author_id, body, created_at)
			values ($1, $2, $3, $4, $5, $6, $7)`, id, n.ID, e.ID, number, actor, body, now); err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.comment", ObjectType: NominationType,
			ObjectID: n.ID.String(), Data: map[string]any{"edition_id": e.ID, "comment_id": id}})
	})
	if err != nil {
		return nil, err
	}
	cs, err := s.comments(ctx, s.pool, "c.id = $1", id)
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// sheets reads sheets with their scores (where is on sh).
func (s *Service) sheets(ctx context.Context, q db.Querier, where string, args ...any) ([]Sheet, error) {
	rows, err := q.Query(ctx, `select sh.id, sh.nomination_id, sh.juror_number, sh.juror_id,
			coalesce(case when a.deleted_at is null then a.display_name end, ''), sh.created_at, sh.updated_at, sh.submitted_at,
			coalesce(array_agg(sc.criterion_id order by c.position) filter (where sc.sheet_id is not null), '{}'),
			coalesce(array_agg(sc.points order by c.position) filter (where sc.sheet_id is not null), '{}'),
			coalesce(array_agg(coalesce(sc.comment, '') order by c.position) filter (where sc.sheet_id is not null), '{}')
		from ambassador_sheets sh left join accounts a on a.id = sh.juror_id
		left join ambassador_scores sc on sc.sheet_id = sh.id left join ambassador_criteria c on c.id = sc.criterion_id
		where `+where+` group by sh.id, a.deleted_at, a.display_name order by sh.juror_number`, args...)
	if err != nil {
		return nil, fmt.Errorf("load sheets: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Sheet, error) {
		var sh Sheet
		var crit []uuid.UUID
		var pts []int
		var comments []string
		err := r.Scan(&sh.ID, &sh.NominationID, &sh.JurorNumber, &sh.JurorID, &sh.JurorName, &sh.CreatedAt, &sh.UpdatedAt,
			&sh.SubmittedAt, &crit, &pts, &comments)
		for i := range crit {
			sh.Scores = append(sh.Scores, Score{CriterionID: crit[i], Points: pts[i], Comment: comments[i]})
		}
		return sh, err
	})
	if err != nil {
		return nil, fmt.Errorf("load sheets: %w", err)
	}
	return out, nil
}

// comments reads comments (where is on c, one argument), oldest first.
func (s *Service) comments(ctx context.Context, q db.Querier, where string, arg any) ([]Comment, error) {
	rows, err := q.Query(ctx, `select c.id, c.nomination_id, coalesce(c.juror_number, 0), c.author_id,
			coalesce(case when a.deleted_at is null then a.display_name end, ''), c.body, c.created_at
		from ambassador_comments c left join accounts a on a.id = c.author_id
		where `+where+` order by c.created_at, c.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("load comments: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Comment, error) {
		var c Comment
		return c, r.Scan(&c.ID, &c.NominationID, &c.JurorNumber, &c.AuthorID, &c.AuthorName, &c.Body, &c.CreatedAt)
	})
}

// recused reports whether the juror behind a sheet or comment is now in
// conflict with the nomination (an erased juror's conflicts were settled
// at the erasure).
func recused(conf map[JurorNomination]string, juror *uuid.UUID, nomination uuid.UUID) bool {
	return juror != nil && conf[JurorNomination{Juror: *juror, Nomination: nomination}] != ""
}

// JurorConflict is one juror's standing on a nomination, for staff.
type JurorConflict struct {
	JurorID     uuid.UUID
	JurorName   string
	Declaration string // "", none, conflict
	Conflict    string // reason, "" none
	Note        string
	DeclaredAt  *time.Time
}
