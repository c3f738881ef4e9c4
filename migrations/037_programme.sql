-- The programme's results declaration (internal/programme): a programme
-- (Open Kraków 2024–2028) and its indicators, each with a baseline, a
-- target and a value per year — computed from the platform's data or
-- entered by an official with a source note — and what consultation
-- meetings record of who attended beyond registered accounts.

create table programmes (
    id           uuid primary key default gen_random_uuid(),
    slug         text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name_text_id uuid not null references texts (id),
    first_year   int not null check (first_year between 2000 and 2200),
    last_year    int not null check (last_year between 2000 and 2200),
    created_by   uuid references accounts (id) on delete set null,
    created_at   timestamptz not null,
    check (last_year >= first_year)
);

create table programme_indicators (
    id            uuid primary key default gen_random_uuid(),
    programme_id  uuid not null references programmes (id) on delete cascade,
    -- A short stable code (e.g. "1.1"), unique in the programme; defining an
    -- indicator again by its code updates it.
    code          text not null check (length(code) between 1 and 20),
    position      int not null check (position > 0),
    goal          int not null check (goal between 1 and 20),
    name_text_id  uuid not null references texts (id),
    unit          text not null check (unit in ('count', 'persons', 'percent')),
    baseline      numeric not null check (baseline >= 0),
    baseline_year int not null check (baseline_year between 2000 and 2200),
    target        numeric not null check (target >= 0),
    comparison    text not null check (comparison in ('at_least', 'at_most')),
    -- each_year: the target holds for every year's value; by_year: the
    -- value (a running total or a state) must reach it by target_year.
    target_scope  text not null check (target_scope in ('each_year', 'by_year')),
    target_year   int check (target_year between 2000 and 2200),
    weight        numeric not null default 1 check (weight > 0),
    source        text not null default '' check (length(source) <= 1000),
    method        text not null check (method in ('entered', 'consultation_meetings', 'ambassador_nominations',
                                                  'translated_procedures', 'events', 'body_meetings', 'budget_share')),
    -- Parameters of a computed method (minimum attendance, bodies, organisers).
    params        jsonb not null default '{}',
    -- The unit whose officials enter the values (entered indicators); null:
    -- the coordinator only.
    unit_id       uuid references organisations (id) on delete set null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    unique (programme_id, code),
    check ((target_scope = 'by_year') = (target_year is not null))
);
create index programme_indicators_programme_idx on programme_indicators (programme_id, position);

-- A year's entered value: one per indicator and year, replaced by a new
-- entry (every entry is audited with the value it replaced).
create table programme_indicator_values (
    id           uuid primary key default gen_random_uuid(),
    indicator_id uuid not null references programme_indicators (id) on delete cascade,
    year         int not null check (year between 2000 and 2200),
    value        numeric not null check (value >= 0),
    note         text not null check (length(note) between 1 and 2000),
    entered_by   uuid references accounts (id) on delete set null,
    entered_at   timestamptz not null,
    unique (indicator_id, year)
);

-- Attendance at a consultation meeting beyond registered accounts: people
-- who came without registering (counted, not named) and the organisations
-- present.
alter table gatherings add column walk_ins int not null default 0 check (walk_ins >= 0);
create table gathering_organisations (
    gathering_id    uuid not null references gatherings (id) on delete cascade,
    organisation_id uuid not null references organisations (id) on delete cascade,
    primary key (gathering_id, organisation_id)
);
create index gathering_organisations_org_idx on gathering_organisations (organisation_id);

-- Officials watching the indicators are told when their sources change:
-- one statement-level notification on the live layer's channel per
-- changing statement (PostgreSQL folds repeats within a transaction).
-- Survey answers are not a source while voting runs: the civic-budget share
-- is known only once voting has closed (a change as a voter answers would
-- give the answer away), and the edition's own change of status says so.
create function programme_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('otwarty_live', json_build_object('t', 'programme', 'd', json_build_object('source', tg_table_name))::text);
    return null;
end $$;

create trigger programme_changed after insert or update or delete on programme_indicators
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on programme_indicator_values
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on gatherings
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on gathering_registrations
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on gathering_organisations
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on ambassador_nominations
    for each statement execute function programme_changed();
create trigger programme_changed after update on budget_editions
    for each statement execute function programme_changed();
