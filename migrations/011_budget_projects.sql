-- 011_budget_projects: the phases before the vote (submission, verification,
-- appeals) with their schedule, per-project cost limits and required
-- supports of pools, and residents' projects: submission (also assisted by
-- an NGO with the resident's consent), supports, verification, appeals and
-- withdrawal.

alter table budget_editions drop constraint budget_editions_status_check;
alter table budget_editions add constraint budget_editions_status_check
    check (status in ('draft', 'submission', 'verification', 'appeals', 'voting', 'closed', 'results_published'));
alter table budget_editions
    add column submission_opens_at  timestamptz,
    add column submission_closes_at timestamptz,
    add column verification_ends_at timestamptz,
    add column appeals_close_at     timestamptz,
    add column results_due_at       timestamptz;

alter table budget_pools
    add column min_project_cost  bigint check (min_project_cost > 0),
    add column max_project_cost  bigint check (max_project_cost > 0),
    add column supports_required int not null default 0 check (supports_required >= 0),
    add constraint budget_pools_project_cost_check check (
        (max_project_cost is null or max_project_cost <= budget) and
        (min_project_cost is null or max_project_cost is null or min_project_cost <= max_project_cost));

-- Staff-entered projects are eligible at once; residents' projects go
-- through verification. title keeps the original title (plain text, as the
-- ballot and exports show it); title_text_id/description_text_id are the
-- LocalizedTexts of a resident's project. Only the fact that the proposer's
-- age was checked is kept, never the birth date.
alter table budget_projects
    add column status              text not null default 'eligible'
        check (status in ('awaiting_consent', 'submitted', 'eligible', 'ineligible', 'withdrawn')),
    add column seq                 int,
    -- The proposer's estimate; cost is what the ballot and the count use
    -- (the verified cost when officials corrected it).
    add column cost_estimate       bigint check (cost_estimate > 0),
    add column title_text_id       uuid references texts (id),
    add column description_text_id uuid references texts (id),
    add column location            text,
    add column proposer_id         uuid references accounts (id) on delete set null,
    add column age_checked         boolean not null default false,
    add column assisted_by_org     uuid references organisations (id),
    add column assisted_by_member  uuid references accounts (id) on delete set null,
    add column support_count       int not null default 0 check (support_count >= 0),
    add column submitted_at        timestamptz,
    add column decision            text check (decision in ('eligible', 'ineligible')),
    add column decision_reason     text,
    add column verified_cost       bigint check (verified_cost > 0),
    add column decided_at          timestamptz,
    add column decided_by          uuid references accounts (id) on delete set null,
    add column withdrawn_reason    text,
    add column withdrawn_at        timestamptz,
    add column updated_at          timestamptz not null default now();
create index budget_projects_proposer_idx on budget_projects (proposer_id) where proposer_id is not null;
create index budget_projects_status_idx on budget_projects (pool_id, status);

-- One support per account and project (the primary key makes supporting
-- idempotent under concurrency).
create table budget_project_supports (
    project_id uuid not null references budget_projects (id) on delete cascade,
    account_id uuid not null references accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (project_id, account_id)
);
create index budget_project_supports_account_idx on budget_project_supports (account_id);

-- One appeal per project (the primary key).
create table budget_project_appeals (
    project_id      uuid primary key references budget_projects (id) on delete cascade,
    reason          text not null check (reason <> ''),
    status          text not null default 'pending' check (status in ('pending', 'upheld', 'rejected')),
    decision_reason text,
    created_at      timestamptz not null default now(),
    decided_at      timestamptz,
    decided_by      uuid references accounts (id) on delete set null
);
