package dialogue

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/poll"
)

// MotionDetail is what a list of motions shows of each beyond the motion
// itself: its vote (nil before one is opened) with the live numbers and
// the result once closed, and what the caller may do with it.
type MotionDetail struct {
	Poll    *poll.Poll
	Live    *poll.Live
	Result  *poll.Result
	Actions MotionActions
}

// Details returns the details of motions ids for the caller in a number of
// statements that does not grow with the number of motions (one more per
// meeting whose votes the caller may cast in). Each id must be of a motion
// the caller has been shown (List, Motion, OfMeeting): Details checks what
// the caller may do, not whether they may see it; unknown ids are left out.
func (m *Motions) Details(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*MotionDetail, error) {
	out := make(map[uuid.UUID]*MotionDetail, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// The motion, whether an amendment of it is still undecided, and its
	// parent's status: what votable reads, for all at once.
	rows, err := m.s.pool.Query(ctx, `select `+motionColumns+`,
			exists (select 1 from dialogue_motions x where x.parent_id = m.id and x.status in ('tabled', 'voting')),
			(select p.status from dialogue_motions p where p.id = m.parent_id)
		from dialogue_motions m where m.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("read motions: %w", err)
	}
	type row struct {
		mo            *Motion
		openAmendment bool
		parentStatus  *MotionStatus
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var err error
		x.mo, err = scanMotion(extraColumns{r, []any{&x.openAmendment, &x.parentStatus}})
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("read motions: %w", err)
	}
	var pollIDs []uuid.UUID
	for _, x := range list {
		if x.mo.PollID != nil {
			pollIDs = append(pollIDs, *x.mo.PollID)
		}
	}
	polls, err := m.polls.ByIDs(ctx, m.s.pool, pollIDs)
	if err != nil {
		return nil, err
	}
	ps := make([]*poll.Poll, 0, len(polls))
	for _, p := range polls {
		ps = append(ps, p)
	}
	lives, err := m.polls.Lives(ctx, m.s.pool, ps)
	if err != nil {
		return nil, err
	}
	sums, err := m.polls.Summaries(ctx, m.s.pool, pollIDs)
	if err != nil {
		return nil, err
	}
	for _, x := range list {
		d := &MotionDetail{}
		out[x.mo.ID] = d
		if x.mo.PollID != nil {
			d.Poll, d.Live, d.Result = polls[*x.mo.PollID], lives[*x.mo.PollID], sums[*x.mo.PollID].Result
		}
	}
	if authz.SubjectFrom(ctx).Anonymous() {
		return out, nil
	}
	// What the caller may do: per body once, then per motion from what
	// was read above; the votes the caller could still cast in one go.
	bodies := map[uuid.UUID]*motionBody{}
	var casting []*poll.Poll
	castKeys := map[uuid.UUID][]poll.VoterKey{} // by poll
	var allKeys []poll.VoterKey
	meetingKeys := map[uuid.UUID][]poll.VoterKey{}
	account := authz.SubjectFrom(ctx).AccountID
	for _, x := range list {
		mo, d := x.mo, out[x.mo.ID]
		mb := bodies[mo.BodyID]
		if mb == nil {
			if mb, err = m.motionBody(ctx, mo.BodyID); err != nil {
				return nil, err
			}
			bodies[mo.BodyID] = mb
		}
		if !mb.active {
			continue
		}
		a := &d.Actions
		switch mo.Status {
		case MotionTabled:
			a.Withdraw = m.mayWithdraw(ctx, mo, mb.b)
			a.ProposeAmendment = mo.ParentID == nil && (len(mb.votes) > 0 || mb.table)
			a.OpenVote = mb.manage && !x.openAmendment && (x.parentStatus == nil || *x.parentStatus == MotionTabled)
		case MotionVoting:
			if d.Poll == nil {
				continue
			}
			p := d.Poll
			a.CloseVote = mb.manage && p.Status == poll.Open
			if len(mb.votes) == 0 || p.Status != poll.Open || (p.Deadline != nil && !m.s.now().Before(*p.Deadline)) {
				continue
			}
			keys := voterKeys(mb.votes)
			if p.Format == FormatMeeting {
				if mo.MeetingID == nil {
					continue // the meeting is gone: nothing more is voted in it
				}
				mk, seen := meetingKeys[*mo.MeetingID]
				if !seen {
					mk, err = m.s.meetingVotesOf(ctx, m.s.pool, *mo.MeetingID, account)
					if ok, err := refusedOnly(err); err != nil {
						return nil, err
					} else if !ok {
						mk = nil
					}
					meetingKeys[*mo.MeetingID] = mk
				}
				keys = mk
			}
			if len(keys) > 0 {
				casting = append(casting, p)
				castKeys[p.ID] = keys
				allKeys = append(allKeys, keys...)
			}
		}
	}
	voted, err := m.polls.VotedIn(ctx, m.s.pool, casting, union(allKeys, nil))
	if err != nil {
		return nil, err
	}
	for _, x := range list {
		d := out[x.mo.ID]
		if d.Poll == nil {
			continue
		}
		for _, k := range castKeys[d.Poll.ID] {
			d.Actions.Cast = d.Actions.Cast || !voted[d.Poll.ID][k] || d.Poll.AllowChange
		}
	}
	return out, nil
}

// motionBody is what the caller may do in a body's motions, whatever the
// motion.
type motionBody struct {
	b                     *Body
	active, manage, table bool
	votes                 []Voter
}

func (m *Motions) motionBody(ctx context.Context, bodyID uuid.UUID) (*motionBody, error) {
	b, obj, visible, err := m.bodyView(ctx, m.s.pool, bodyID)
	if err != nil || !visible || b.Status != StatusActive {
		return &motionBody{}, err
	}
	mb := &motionBody{b: b, active: true, manage: authz.Can(ctx, ActManage, obj), table: authz.Can(ctx, ActTable, obj)}
	if mb.votes, err = VotesOf(ctx, m.s.pool, b.ID, authz.SubjectFrom(ctx).AccountID, m.s.now()); err != nil {
		return nil, err
	}
	return mb, nil
}

// extraColumns scans a row's leading columns into a scanner's destinations
// and its trailing ones into extra.
type extraColumns struct {
	row   pgx.Row
	extra []any
}

func (e extraColumns) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

// FirstAmendments returns the first page (first items, newest first, as
// List) of the amendments of each of motions parents in two statements.
// Each parent must be a motion the caller has been shown: its amendments
// are in its body.
func (m *Motions) FirstAmendments(ctx context.Context, parents []uuid.UUID, first int) (map[uuid.UUID]page.Page[*Motion], error) {
	if err := page.Check(first); err != nil {
		return nil, err
	}
	rows, err := m.s.pool.Query(ctx, `select `+motionColumns+`, n from (select m.*,
			count(*) over (partition by m.parent_id) n,
			row_number() over (partition by m.parent_id order by m.tabled_at desc, m.id desc) rn
		from dialogue_motions m where m.parent_id = any($1)) m where rn <= $2 order by m.tabled_at desc, m.id desc`, parents, first+1)
	if err != nil {
		return nil, fmt.Errorf("list amendments: %w", err)
	}
	type row struct {
		mo    *Motion
		total int
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var err error
		x.mo, err = scanMotion(extraColumns{r, []any{&x.total}})
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("list amendments: %w", err)
	}
	items, totals := map[uuid.UUID][]*Motion{}, map[uuid.UUID]int{}
	for _, x := range list {
		items[*x.mo.ParentID] = append(items[*x.mo.ParentID], x.mo)
		totals[*x.mo.ParentID] = x.total
	}
	out := make(map[uuid.UUID]page.Page[*Motion], len(parents))
	for _, p := range parents {
		out[p] = page.Of(items[p], first, totals[p])
	}
	return out, nil
}
