-- 012_budget_voting: voting channels — ballot change, one-time voting codes,
-- voting points with paper ballots entered twice, guardians of children.

-- Codes a ballot officer may issue per edition (officials, coordinators and
-- admins are not limited).
alter table budget_editions add column code_quota int not null default 500 check (code_quota >= 0);

-- A child on the roll, registered by (and voting through) a guardian.
alter table budget_voters add column guardian_account_id uuid references accounts (id) on delete set null;
create index budget_voters_guardian_idx on budget_voters (edition_id, guardian_account_id)
    where guardian_account_id is not null;

-- How the ballot came in; never which ballot.
alter table budget_ballot_markers
    add column channel text not null default 'account' check (channel in ('account', 'code', 'paper')),
    add column cast_by_guardian boolean not null default false;

-- One live voting code per voter: re-issuing replaces the hash, which
-- revokes the previous code. Only a hash of the code is stored.
create table budget_voting_codes (
    voter_id   uuid primary key references budget_voters (id) on delete cascade,
    edition_id uuid not null references budget_editions (id) on delete cascade,
    code_hash  bytea not null unique,
    issued_by  uuid references accounts (id) on delete set null,
    issued_at  timestamptz not null default now(),
    used_at    timestamptz
);

-- Codes issued per officer and edition (re-issues count), for the quota.
create table budget_code_issuers (
    edition_id uuid not null references budget_editions (id) on delete cascade,
    account_id uuid not null references accounts (id) on delete cascade,
    issued     int not null default 0,
    primary key (edition_id, account_id)
);

create table budget_voting_points (
    id         uuid primary key default gen_random_uuid(),
    edition_id uuid not null references budget_editions (id) on delete cascade,
    name       text not null check (name <> ''),
    address    text not null default '',
    created_by uuid references accounts (id) on delete set null,
    created_at timestamptz not null default now(),
    unique (edition_id, name)
);

-- Ballot officers assigned to a point (the role itself is a role grant in
-- the edition's domain).
create table budget_point_officers (
    point_id    uuid not null references budget_voting_points (id) on delete cascade,
    account_id  uuid not null references accounts (id) on delete cascade,
    assigned_by uuid references accounts (id) on delete set null,
    assigned_at timestamptz not null default now(),
    primary key (point_id, account_id)
);

-- A paper ballot sheet, entered twice by different people. Its status:
-- pending (one entry), mismatch (two different entries, awaiting the
-- commission), counted, invalid (breaks the rules: reason), rejected (the
-- person had already voted).
create table budget_paper_sheets (
    id           uuid primary key default gen_random_uuid(),
    point_id     uuid not null references budget_voting_points (id) on delete cascade,
    edition_id   uuid not null references budget_editions (id) on delete cascade,
    sheet_number text not null check (sheet_number <> ''),
    status       text not null default 'pending'
                 check (status in ('pending', 'mismatch', 'counted', 'invalid', 'rejected')),
    reason       text,
    created_at   timestamptz not null default now(),
    decided_at   timestamptz,
    unique (point_id, sheet_number)
);
create index budget_paper_sheets_edition_idx on budget_paper_sheets (edition_id, status);

-- One entry of a sheet. The voter's hash and the picks are erased once the
-- sheet is decided, so the paper trail does not link voters to contents.
create table budget_paper_entries (
    id             uuid primary key default gen_random_uuid(),
    sheet_id       uuid not null references budget_paper_sheets (id) on delete cascade,
    entered_by     uuid not null references accounts (id),
    resolution     boolean not null default false,
    voter_hash     bytea,
    key_id         text,
    district       text,
    by_guardian    boolean,
    picks          jsonb,
    content_hash   bytea,
    entered_at     timestamptz not null default now()
);
create index budget_paper_entries_sheet_idx on budget_paper_entries (sheet_id);
