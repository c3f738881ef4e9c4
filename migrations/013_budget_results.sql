-- 013_budget_results: the results' life after the vote closes: the
-- computation number and time, the commission's settings and sign-off,
-- tie-breaks, and the shuffled voter numbers of Pabulib exports.

-- One row per edition, made when first needed: the commission's settings
-- and which computation of the results is current. Recomputing raises
-- computation, which voids the signatures of earlier ones.
create table budget_result_state (
    edition_id          uuid primary key references budget_editions (id) on delete cascade,
    signatures_required int not null default 2 check (signatures_required between 1 and 10),
    live_results        boolean not null default false,
    computation         int not null default 0 check (computation >= 0),
    computed_at         timestamptz
);

-- Ties that decided a pool's outcome (see budget.TieBreak): projects with
-- the same score where the tie-break order took some and passed over others
-- that would have fitted had they come first. Replaced with the results.
create table budget_tie_breaks (
    pool_id     uuid not null references budget_results (pool_id) on delete cascade,
    seq         int not null,
    score       bigint not null,
    selected    uuid[] not null,
    passed_over uuid[] not null,
    primary key (pool_id, seq)
);

-- The commission's record of one computation, fixed by its first signer.
create table budget_certifications (
    edition_id      uuid not null references budget_editions (id) on delete cascade,
    computation     int not null,
    invalid_ballots int not null check (invalid_ballots >= 0),
    -- Invalid paper ballots as entered (paperCounts) when the record was made.
    paper_invalid   int not null,
    note            text not null default '',
    created_at      timestamptz not null default now(),
    primary key (edition_id, computation)
);

-- Public notes on the tie-breaks of a pool, one per pool with ties.
create table budget_certification_notes (
    edition_id  uuid not null,
    computation int not null,
    pool_id     uuid not null references budget_pools (id) on delete cascade,
    note        text not null check (note <> ''),
    primary key (edition_id, computation, pool_id),
    foreign key (edition_id, computation) references budget_certifications (edition_id, computation) on delete cascade
);

-- One signature per member of the commission and computation.
create table budget_result_signatures (
    edition_id  uuid not null,
    computation int not null,
    account_id  uuid not null references accounts (id) on delete cascade,
    signed_at   timestamptz not null default now(),
    primary key (edition_id, computation, account_id),
    foreign key (edition_id, computation) references budget_certifications (edition_id, computation) on delete cascade
);

-- Export numbers: a random permutation of an edition's ballots, so that one
-- ballot has the same voter_id in every pool's .pb file and the order says
-- nothing about when it was cast.
create table budget_export_voters (
    ballot_id  uuid primary key references budget_ballots (id) on delete cascade,
    edition_id uuid not null references budget_editions (id) on delete cascade,
    number     int not null,
    unique (edition_id, number)
);
