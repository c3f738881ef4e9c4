package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
)

// Voter is one vote in a body at a time. Key is whose vote it is, as the
// voting mechanism records it: poll.Person(account) for a person member,
// poll.Org(organisation) for an organisation (one vote, whichever delegate
// casts it).
type Voter struct {
	MemberID uuid.UUID
	Key      poll.VoterKey
	Role     Role
	// Accounts are those entitled to cast this vote: the person, or the
	// organisation's main and substitute delegates at the time (main ones
	// first).
	Accounts []uuid.UUID
}

// VotingMembers returns the votes of a body at time at, in the order the
// terms began: every membership active then whose role votes (guests and
// observers never do), one vote per member. An organisation's vote may be
// cast by any of its delegates at that time; a person delegated by two
// organisations appears under both, and so casts two votes, each recorded
// under its organisation (DESIGN, Decisions). A dissolved body has none
// after its dissolution (its memberships ended then).
//
// It checks no permission: meetings and votes call it after their own
// check. Deleted accounts cast nothing (their memberships and delegations
// ended at erasure).
func VotingMembers(ctx context.Context, q db.Querier, bodyID uuid.UUID, at time.Time) ([]Voter, error) {
	return voters(ctx, q, `m.body_id = $1`, []any{bodyID}, at)
}

// VotesOf returns the votes account may cast in a body at time at: its own
// as a person member, and one per organisation member it is a delegate of.
func VotesOf(ctx context.Context, q db.Querier, bodyID, account uuid.UUID, at time.Time) ([]Voter, error) {
	all, err := VotingMembers(ctx, q, bodyID, at)
	if err != nil {
		return nil, err
	}
	var out []Voter
	for _, v := range all {
		for _, a := range v.Accounts {
			if a == account {
				out = append(out, v)
				break
			}
		}
	}
	return out, nil
}

// MayVote reports whether account may cast the vote of member memberID at
// time at: the membership is active then, its role votes, and the account
// is the person or one of the organisation's delegates then.
func MayVote(ctx context.Context, q db.Querier, account, memberID uuid.UUID, at time.Time) (bool, error) {
	vs, err := voters(ctx, q, `m.id = $1`, []any{memberID}, at)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		for _, a := range v.Accounts {
			if a == account {
				return true, nil
			}
		}
	}
	return false, nil
}

func voters(ctx context.Context, q db.Querier, where string, args []any, at time.Time) ([]Voter, error) {
	n := len(args) + 1
	t := fmt.Sprintf("$%d", n)
	rows, err := q.Query(ctx, `select m.id, m.role, m.account_id, m.organisation_id, d.account_id
		from dialogue_members m
		left join dialogue_delegates d on d.member_id = m.id and `+delegateAt("d", t)+`
		left join accounts a on a.id = coalesce(d.account_id, m.account_id)
		where `+where+` and `+activeAt("m", t)+` and m.role not in ('guest', 'observer')
		  and (a.id is null or a.deleted_at is null)
		order by m.term_start, m.id, d.kind, d.account_id`, append(args, at)...)
	if err != nil {
		return nil, fmt.Errorf("read voting members: %w", err)
	}
	defer rows.Close()
	var out []Voter
	for rows.Next() {
		var (
			id          uuid.UUID
			role        Role
			person, org *uuid.UUID
			delegate    *uuid.UUID
		)
		if err := rows.Scan(&id, &role, &person, &org, &delegate); err != nil {
			return nil, fmt.Errorf("read voting members: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].MemberID != id {
			v := Voter{MemberID: id, Role: role, Accounts: []uuid.UUID{}}
			if person != nil {
				v.Key = poll.Person(*person)
				v.Accounts = append(v.Accounts, *person)
			} else {
				v.Key = poll.Org(*org)
			}
			out = append(out, v)
		}
		if delegate != nil {
			last := &out[len(out)-1]
			last.Accounts = append(last.Accounts, *delegate)
		}
	}
	return out, rows.Err()
}
