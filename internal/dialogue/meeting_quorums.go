package dialogue

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/tally"
)

// Quorums are the quorums now of the meetings ids, as Quorum gives each
// (votes present by open stays, against VotingMembers now), read in four
// statements whatever the number of meetings and bodies, so that a page of
// meetings costs the same at any size (graph's dataloader). An id that is
// no body's meeting is left out. It checks no permission: the caller sees
// the meetings already.
func (s *Service) Quorums(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]*Quorum, error) {
	out := make(map[uuid.UUID]*Quorum, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	now := s.now()

	// The meetings' bodies, with their rules.
	rows, err := q.Query(ctx, `select `+bodyColumns+`, g.id from gatherings g join dialogue_bodies b on b.id = g.owner_id
		where g.id = any($1) and g.kind = $2`, ids, MeetingGatheringKind)
	if err != nil {
		return nil, fmt.Errorf("read meetings' bodies: %w", err)
	}
	bodyOf := map[uuid.UUID]*Body{}
	seen := map[uuid.UUID]bool{}
	var bodies []uuid.UUID
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var meeting uuid.UUID
		b, err := scanBody(r, &meeting)
		if err != nil {
			return struct{}{}, err
		}
		bodyOf[meeting] = b
		if !seen[b.ID] {
			seen[b.ID] = true
			bodies = append(bodies, b.ID)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read meetings' bodies: %w", err)
	}
	if len(bodies) == 0 {
		return out, nil
	}

	// Who is present at each meeting now, and how.
	rows, err = q.Query(ctx, `select gathering_id, account_id, mode from gathering_presence
		where gathering_id = any($1) and left_at is null`, ids)
	if err != nil {
		return nil, fmt.Errorf("read presence: %w", err)
	}
	here := map[uuid.UUID]map[uuid.UUID]bool{} // meeting → accounts counted present
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var meeting, account uuid.UUID
		var mode string
		if err := r.Scan(&meeting, &account, &mode); err != nil {
			return struct{}{}, err
		}
		b := bodyOf[meeting]
		if b != nil && (mode == gathering.InPerson || b.Rules.RemoteAttendanceCounts) {
			if here[meeting] == nil {
				here[meeting] = map[uuid.UUID]bool{}
			}
			here[meeting][account] = true
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read presence: %w", err)
	}

	// The votes of every body now, and which body each membership is of.
	all, err := voters(ctx, q, `m.body_id = any($1)`, []any{bodies}, now)
	if err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `select id, body_id from dialogue_members where body_id = any($1)`, bodies)
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	memberBody := map[uuid.UUID]uuid.UUID{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var m, b uuid.UUID
		if err := r.Scan(&m, &b); err != nil {
			return struct{}{}, err
		}
		memberBody[m] = b
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	votersOf := map[uuid.UUID][]Voter{}
	for _, v := range all {
		votersOf[memberBody[v.MemberID]] = append(votersOf[memberBody[v.MemberID]], v)
	}

	for meeting, b := range bodyOf {
		present := 0
		for _, v := range votersOf[b.ID] {
			for _, a := range v.Accounts {
				if here[meeting][a] {
					present++
					break
				}
			}
		}
		qu, err := quorumOf(b.Rules, present, len(votersOf[b.ID]))
		if err != nil {
			return nil, err
		}
		out[meeting] = qu
	}
	return out, nil
}

// quorumOf is the quorum of present votes out of members under rules: the
// quorum of any motion is the quorum of the meeting, so tally decides an
// empty vote of these numbers, and its Invalid means no quorum.
func quorumOf(rules Rules, present, members int) (*Quorum, error) {
	res, err := tally.Decide(rules.Tally(""), tally.Vote{Members: members, Present: present})
	if err != nil {
		return nil, fmt.Errorf("quorum: %w", err)
	}
	return &Quorum{Present: present, Members: members, Required: res.Quorum,
		Reached: members > 0 && res.Outcome != tally.Invalid}, nil
}
