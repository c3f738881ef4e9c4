-- Civic budget (Budżet Obywatelski): editions, pools, projects, voters,
-- ballots and results.

create table budget_editions (
    id                  uuid primary key default gen_random_uuid(),
    unit_id             uuid not null references organisations (id),
    year                int not null check (year between 2000 and 2100),
    currency            text not null default 'PLN' check (currency = 'PLN'),
    status              text not null default 'draft'
                        check (status in ('draft', 'voting', 'closed', 'results_published')),
    voting_opens_at     timestamptz,
    voting_closes_at    timestamptz,
    allow_ballot_change boolean not null default false,
    -- Live standings of a pool are withheld until it has this many ballots.
    live_threshold      int not null default 10 check (live_threshold >= 0),
    created_by          uuid references accounts (id) on delete set null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (voting_closes_at is null or voting_opens_at is null or voting_closes_at > voting_opens_at)
);

-- A pool: the city-wide one or a district's, with its budget, counting rule
-- and ballot rule (how many picks, ranked with points or approval, and
-- whether a voter must fill it).
create table budget_pools (
    id          uuid primary key default gen_random_uuid(),
    edition_id  uuid not null references budget_editions (id) on delete cascade,
    position    int not null,
    name        text not null check (name <> ''),
    kind        text not null check (kind in ('city', 'district')),
    district    text,
    budget      bigint not null check (budget > 0),
    rule        text not null,
    pick_mode   text not null check (pick_mode in ('exactly', 'at_least', 'at_most')),
    pick_count  int not null check (pick_count > 0),
    ballot_kind text not null check (ballot_kind in ('ranked', 'approval')),
    points      bigint[] not null default '{}',
    required    boolean not null default true,
    check ((kind = 'city') = (district is null))
);
create unique index budget_pools_district_idx on budget_pools (edition_id, district) where kind = 'district';
create unique index budget_pools_city_idx on budget_pools (edition_id) where kind = 'city';

create table budget_projects (
    id         uuid primary key default gen_random_uuid(),
    pool_id    uuid not null references budget_pools (id) on delete cascade,
    code       text not null check (code <> ''),
    title      text not null check (title <> ''),
    cost       bigint not null check (cost > 0),
    created_at timestamptz not null default now(),
    unique (pool_id, code)
);

-- A voter: one person in one edition, whatever the channel, found by the
-- keyed hash of the identifier presented. account_id is set for a voter who
-- votes through their verified account.
create table budget_voters (
    id              uuid primary key default gen_random_uuid(),
    edition_id      uuid not null references budget_editions (id) on delete cascade,
    identifier_hash bytea not null,
    key_id          text not null,
    district        text not null,
    account_id      uuid references accounts (id) on delete set null,
    registered_by   uuid references accounts (id) on delete set null,
    created_at      timestamptz not null default now(),
    unique (edition_id, identifier_hash),
    unique (edition_id, account_id)
);

-- The "has voted" marker: one per voter (the primary key is what makes one
-- ballot per person hold under concurrency). It holds hashes of the
-- client's ballot key only: nothing here names the ballot.
create table budget_ballot_markers (
    voter_id        uuid primary key references budget_voters (id) on delete cascade,
    edition_id      uuid not null references budget_editions (id) on delete cascade,
    ballot_key_hash bytea not null,
    -- Hash of the key and the content, so a retry with other content under
    -- the same key is told apart; without the key it reveals nothing.
    content_check   bytea not null,
    voted_at        timestamptz not null default now()
);

-- Ballot contents: no voter, no time finer than the day. The id is derived
-- from the client's ballot key, which is not stored anywhere.
create table budget_ballots (
    id         uuid primary key,
    edition_id uuid not null references budget_editions (id) on delete cascade,
    cast_on    date not null
);

create table budget_ballot_picks (
    ballot_id  uuid not null references budget_ballots (id) on delete cascade,
    pool_id    uuid not null references budget_pools (id) on delete cascade,
    project_id uuid not null references budget_projects (id) on delete cascade,
    rank       int not null check (rank > 0),
    primary key (ballot_id, pool_id, rank),
    unique (ballot_id, project_id)
);
create index budget_ballot_picks_pool_idx on budget_ballot_picks (pool_id);

-- Provisional (and later published) results per pool.
create table budget_results (
    pool_id     uuid primary key references budget_pools (id) on delete cascade,
    edition_id  uuid not null references budget_editions (id) on delete cascade,
    rule        text not null,
    ballots     int not null,
    selected    uuid[] not null,
    cost        bigint not null,
    computed_at timestamptz not null default now(),
    computed_by uuid references accounts (id) on delete set null
);

create table budget_result_projects (
    pool_id    uuid not null references budget_results (pool_id) on delete cascade,
    project_id uuid not null references budget_projects (id) on delete cascade,
    votes      bigint not null,
    score      bigint not null,
    position   int, -- order of selection; null when not selected
    primary key (pool_id, project_id)
);
