-- Polls (internal/poll): the one voting mechanism of dialogue bodies
-- (motions in a meeting, written votes between meetings, secret votes and
-- elections of persons) and, next, of the Ambassador jury and audience. The
-- domains say who may vote and how many count; the mechanism keeps the
-- rules: one vote per voter key, deadlines, closing once, the tally.

create table polls (
    id             uuid primary key default gen_random_uuid(),
    -- Which domain's poll this is ('body_motion', ...), and what it belongs
    -- to in that domain. There is no foreign key yet: the owners' tables
    -- come with their domains, which add a generated reference column for
    -- their kind here (as gatherings do) so that deleting an owner deletes
    -- its polls.
    kind           text not null check (kind ~ '^[a-z][a-z0-9_]*$'),
    owner_id       uuid not null,
    -- The domain's own sub-kind; the mechanism does not read it.
    format         text not null default '',
    -- 'motion': yes / no / abstain, decided by internal/tally under rule;
    -- 'election': up to picks of the candidates, seats of them elected.
    form           text not null check (form in ('motion', 'election')),
    secret         boolean not null,
    -- tally.Rule as JSON (quorum, base, share, casting vote).
    rule           jsonb not null,
    -- An open vote may be changed until the poll closes; the latest counts.
    allow_change   boolean not null default false,
    -- The voter key whose vote is the chair's casting vote on a tie.
    casting_kind   text check (casting_kind in ('person', 'org')),
    casting_id     uuid,
    picks          int not null default 1 check (picks >= 1),
    seats          int not null default 1 check (seats >= 1),
    -- A written vote closes itself at its deadline (a River job).
    deadline       timestamptz,
    status         text not null default 'open' check (status in ('open', 'closed')),
    -- At the close: 'adopted', 'rejected' or 'invalid' (no quorum) for a
    -- motion; 'elected', 'tied' (waiting for the recorded tie-break) or
    -- 'invalid' for an election. result holds the numbers.
    outcome        text check (outcome in ('adopted', 'rejected', 'invalid', 'elected', 'tied')),
    result         jsonb,
    -- The tie-break of an election, recorded by a manager with a public note.
    tie_break      uuid[],
    tie_break_note text not null default '',
    tie_broken_by  uuid references accounts (id) on delete set null,
    tie_broken_at  timestamptz,
    opened_by      uuid references accounts (id) on delete set null,
    created_at     timestamptz not null default now(),
    closed_by      uuid references accounts (id) on delete set null,
    closed_at      timestamptz,
    check (form = 'motion' or secret),
    check (not (secret and allow_change)),
    check ((casting_kind is null) = (casting_id is null)),
    check ((status = 'closed') = (closed_at is not null)),
    check ((status = 'closed') = (outcome is not null))
);
create index polls_owner_idx on polls (kind, owner_id, created_at, id);

-- The candidates of an election, in the domain's order.
create table poll_candidates (
    poll_id  uuid not null references polls (id) on delete cascade,
    id       uuid not null,
    label    text not null check (label <> ''),
    position int not null,
    primary key (poll_id, id),
    unique (poll_id, position)
);

-- Open votes: the roll call. One row per voter key (a person, or an
-- organisation whichever of its delegates cast it); the primary key is the
-- once-per-voter rule.
create table poll_votes (
    poll_id    uuid not null references polls (id) on delete cascade,
    voter_kind text not null check (voter_kind in ('person', 'org')),
    voter_id   uuid not null,
    choice     text not null check (choice in ('yes', 'no', 'abstain')),
    cast_by    uuid references accounts (id) on delete set null,
    cast_at    timestamptz not null,
    primary key (poll_id, voter_kind, voter_id)
);

-- Open votes that were changed before the close: what they were.
create table poll_vote_history (
    poll_id     uuid not null references polls (id) on delete cascade,
    voter_kind  text not null,
    voter_id    uuid not null,
    choice      text not null,
    cast_by     uuid references accounts (id) on delete set null,
    cast_at     timestamptz not null,
    replaced_at timestamptz not null
);
create index poll_vote_history_idx on poll_vote_history (poll_id, voter_kind, voter_id, cast_at);

-- Secret polls: who has voted (the marker), with the day only. The ballot
-- goes into the ballot box in the same transaction and is written to
-- poll_ballots later, mixed with others.
create table poll_markers (
    poll_id    uuid not null references polls (id) on delete cascade,
    voter_kind text not null check (voter_kind in ('person', 'org')),
    voter_id   uuid not null,
    cast_on    date not null,
    primary key (poll_id, voter_kind, voter_id)
);

-- Secret ballots, without voter or time; ids are random and rows are
-- written in id order, many per transaction.
create table poll_ballots (
    id      uuid primary key,
    poll_id uuid not null references polls (id) on delete cascade,
    -- A motion's choice, or an election's picks (none: a blank ballot).
    choice  text check (choice in ('yes', 'no', 'abstain')),
    picks   uuid[] not null default '{}'
);
create index poll_ballots_poll_idx on poll_ballots (poll_id);

create trigger polls_phase_changes after delete on polls
    for each row execute function phase_changes_forget('poll');
