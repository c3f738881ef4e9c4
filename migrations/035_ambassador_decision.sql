-- The Ambassador of Multiculturalism, part 5: the jury's decision, the
-- Mayor's award and the announcement.
--
-- A proposal names, per category, laureates (at most the category's titles)
-- and distinctions among its eligible nominations, each with a written
-- justification (a text with versions per language). The jury votes on it
-- openly through internal/poll (kind 'ambassador_proposal', owner: the
-- proposal); the roll of jurors present at the sitting, the jurors recused
-- for a conflict and the jury's size are fixed when the chair opens the
-- vote. At most one proposal per category is adopted, and at most one is
-- being drafted or voted at a time.

create table ambassador_proposals (
    id          uuid primary key default gen_random_uuid(),
    edition_id  uuid not null references ambassador_editions (id) on delete cascade,
    category_id uuid not null references ambassador_categories (id) on delete cascade,
    status      text not null default 'draft' check (status in ('draft', 'voting', 'adopted', 'rejected', 'invalid')),
    -- Fixed when the vote opens: the jury's size, the jurors present and
    -- those of them recused (a conflict with a nomination it names).
    members     int,
    present     uuid[] not null default '{}',
    recused     uuid[] not null default '{}',
    poll_id     uuid references polls (id),
    drafted_by  uuid references accounts (id) on delete set null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    decided_at  timestamptz,
    check ((status = 'draft') = (poll_id is null)),
    check ((status in ('adopted', 'rejected', 'invalid')) = (decided_at is not null))
);
create unique index ambassador_proposals_adopted_idx on ambassador_proposals (category_id) where status = 'adopted';
create unique index ambassador_proposals_pending_idx on ambassador_proposals (category_id) where status in ('draft', 'voting');
create index ambassador_proposals_edition_idx on ambassador_proposals (edition_id, created_at, id);

-- Deleting a proposal deletes its poll (polls have no foreign key of their own).
alter table polls add column ambassador_proposal_id uuid
    generated always as (case when kind = 'ambassador_proposal' then owner_id end) stored
    references ambassador_proposals (id) on delete cascade;

create table ambassador_proposal_entries (
    proposal_id      uuid not null references ambassador_proposals (id) on delete cascade,
    nomination_id    uuid not null references ambassador_nominations (id) on delete cascade,
    rank             text not null check (rank in ('laureate', 'distinction')),
    position         int not null,
    justification_id uuid not null references texts (id),
    primary key (proposal_id, nomination_id),
    unique (proposal_id, position)
);

-- The Mayor's award per category, recorded by the coordinator after every
-- category has an adopted proposal; reason says why it differs from the
-- proposal (null when it does not).
create table ambassador_awards (
    category_id uuid primary key references ambassador_categories (id) on delete cascade,
    edition_id  uuid not null references ambassador_editions (id) on delete cascade,
    proposal_id uuid not null references ambassador_proposals (id),
    reason      text check (length(reason) <= 4000),
    recorded_by uuid references accounts (id) on delete set null,
    recorded_at timestamptz not null
);

create table ambassador_award_entries (
    category_id      uuid not null references ambassador_awards (category_id) on delete cascade,
    nomination_id    uuid not null references ambassador_nominations (id) on delete cascade,
    rank             text not null check (rank in ('laureate', 'distinction')),
    position         int not null,
    justification_id uuid not null references texts (id),
    primary key (category_id, nomination_id),
    unique (category_id, position)
);
create index ambassador_award_entries_nomination_idx on ambassador_award_entries (nomination_id);

-- When the laureates were published (the move into the announcement).
alter table ambassador_editions add column announced_at timestamptz;
