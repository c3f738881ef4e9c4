-- Civic budget outreach: multilingual information sessions with a waiting
-- list, followers of an edition (reminders about the vote), and the
-- anonymous participation survey.

-- The survey is offered after a ballot unless the edition turns it off.
alter table budget_editions add column survey_enabled boolean not null default true;

create table budget_sessions (
    id                  uuid primary key default gen_random_uuid(),
    edition_id          uuid not null references budget_editions (id) on delete cascade,
    title_text_id       uuid not null references texts (id),
    description_text_id uuid references texts (id),
    languages           text[] not null
                        check (cardinality(languages) > 0 and languages <@ array['pl', 'uk', 'en', 'ru']),
    starts_at           timestamptz not null,
    ends_at             timestamptz not null,
    -- An address, or the link of an online session.
    place               text not null check (place <> ''),
    online              boolean not null default false,
    -- null: unlimited.
    capacity            int check (capacity is null or capacity > 0),
    cancelled_at        timestamptz,
    cancel_reason       text not null default '',
    created_by          uuid references accounts (id) on delete set null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (starts_at < ends_at)
);
create index budget_sessions_edition_idx on budget_sessions (edition_id, starts_at, id);

-- Waiting-list order: drawn from a sequence while the session row is locked,
-- so it is the order in which registrations arrived.
create sequence budget_session_registration_position_seq;

create table budget_session_registrations (
    session_id uuid not null references budget_sessions (id) on delete cascade,
    account_id uuid not null references accounts (id) on delete cascade,
    status     text not null check (status in ('registered', 'waitlisted', 'cancelled')),
    position   bigint not null default nextval('budget_session_registration_position_seq'),
    created_at timestamptz not null default clock_timestamp(),
    updated_at timestamptz not null default clock_timestamp(),
    primary key (session_id, account_id)
);
create index budget_session_registrations_queue_idx on budget_session_registrations (session_id, status, position);
create index budget_session_registrations_account_idx on budget_session_registrations (account_id);

create table budget_followers (
    edition_id uuid not null references budget_editions (id) on delete cascade,
    account_id uuid not null references accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (edition_id, account_id)
);
create index budget_followers_account_idx on budget_followers (account_id);

-- One-time survey tokens: only the hash, the edition and the day of issue.
-- No voter, account, ballot, time of day or sequence: nothing orders or
-- links a token to a ballot. A used token is marked (so a reuse is told
-- apart from an unknown token), never linked to its answers.
create table budget_survey_tokens (
    token_hash bytea primary key,
    edition_id uuid not null references budget_editions (id) on delete cascade,
    issued_on  date not null,
    used       boolean not null default false
);

-- Survey answers: no token, no account, the day only. Each answer is null
-- when the question was skipped, 'prefer_not' when declined.
create table budget_survey_responses (
    id                   uuid primary key default gen_random_uuid(),
    edition_id           uuid not null references budget_editions (id) on delete cascade,
    answered_on          date not null,
    migration_experience text check (migration_experience in ('yes', 'no', 'prefer_not')),
    minority_member      text check (minority_member in ('yes', 'no', 'prefer_not')),
    first_language       text check (first_language in ('pl', 'uk', 'ru', 'en', 'other', 'prefer_not')),
    learned_from         text check (learned_from in ('session', 'ngo', 'media', 'city', 'other', 'prefer_not')),
    first_time_voter     text check (first_time_voter in ('yes', 'no', 'prefer_not'))
);
create index budget_survey_responses_edition_idx on budget_survey_responses (edition_id);
