-- Gatherings (internal/gathering): one table family for every meeting people
-- register for — consultation meetings, civic-budget information sessions
-- and, next, the meetings of dialogue bodies. The domains keep their own
-- rules on top; the rows of the two old table pairs move here with their ids,
-- times, statuses, waiting-list positions, attendance and minutes.

create table gatherings (
    id                   uuid primary key default gen_random_uuid(),
    -- Which domain's gathering this is; a new domain adds its kind here and
    -- a generated reference column for its owner below.
    kind                 text not null check (kind in ('consultation_meeting', 'budget_session')),
    -- What the gathering belongs to (a consultation, an edition, ...).
    owner_id             uuid not null,
    -- The owner as a real foreign key of its own table, derived from kind
    -- and owner_id, so that owners cannot dangle and deleting one deletes its
    -- gatherings.
    consultation_id      uuid generated always as (case when kind = 'consultation_meeting' then owner_id end) stored
                         references consultations (id) on delete cascade,
    budget_edition_id    uuid generated always as (case when kind = 'budget_session' then owner_id end) stored
                         references budget_editions (id) on delete cascade,
    -- The domain's own sub-kind (a consultation's 'meeting' or 'workshop');
    -- the mechanism does not read it.
    format               text not null default '',
    title_text_id        uuid not null references texts (id),
    description_text_id  uuid references texts (id),
    starts_at            timestamptz not null,
    ends_at              timestamptz not null,
    -- An address (or, for an online gathering, where to join).
    place                text not null default '',
    online_url           text not null default '' check (online_url = '' or online_url like 'https://%'),
    online               boolean not null default false,
    languages            text[] not null
                         check (cardinality(languages) > 0 and languages <@ array['pl', 'uk', 'en', 'ru']),
    -- null: unlimited.
    capacity             int check (capacity is null or capacity > 0),
    minutes_text_id      uuid references texts (id),
    minutes_published_at timestamptz,
    cancelled_at         timestamptz,
    cancel_reason        text not null default '',
    created_by           uuid references accounts (id) on delete set null,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    check (starts_at < ends_at),
    check (place <> '' or online_url <> '')
);
create index gatherings_owner_idx on gatherings (kind, owner_id, starts_at, id);
create index gatherings_consultation_idx on gatherings (consultation_id) where consultation_id is not null;
create index gatherings_budget_edition_idx on gatherings (budget_edition_id) where budget_edition_id is not null;

-- The waiting list is ordered by position, drawn from a sequence while the
-- gathering row is locked, so it is the order in which registrations arrived
-- (registering again after cancelling goes to the end). Positions are
-- compared only within one gathering.
create sequence gathering_registration_position_seq;

create table gathering_registrations (
    gathering_id uuid not null references gatherings (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    status       text not null check (status in ('registered', 'waitlisted', 'cancelled')),
    position     bigint not null default nextval('gathering_registration_position_seq'),
    -- null until attendance is recorded; only registered people are marked.
    attended     boolean,
    created_at   timestamptz not null default clock_timestamp(),
    updated_at   timestamptz not null default clock_timestamp(),
    primary key (gathering_id, account_id)
);
create index gathering_registrations_queue_idx on gathering_registrations (gathering_id, status, position);
create index gathering_registrations_account_idx on gathering_registrations (account_id);

insert into gatherings (id, kind, owner_id, format, title_text_id, starts_at, ends_at, place, online_url, languages,
        capacity, minutes_text_id, minutes_published_at, cancelled_at, cancel_reason, created_by, created_at, updated_at)
    select id, 'consultation_meeting', consultation_id, kind, title_text_id, starts_at, ends_at, place, online_url, languages,
        capacity, minutes_text_id, minutes_published_at, cancelled_at, cancel_reason, created_by, created_at, updated_at
    from consultation_meetings;

insert into gathering_registrations (gathering_id, account_id, status, position, attended, created_at, updated_at)
    select meeting_id, account_id, status, position, attended, created_at, updated_at from meeting_registrations;

insert into gatherings (id, kind, owner_id, title_text_id, description_text_id, starts_at, ends_at, place, online,
        languages, capacity, cancelled_at, cancel_reason, created_by, created_at, updated_at)
    select id, 'budget_session', edition_id, title_text_id, description_text_id, starts_at, ends_at, place, online,
        languages, capacity, cancelled_at, cancel_reason, created_by, created_at, updated_at
    from budget_sessions;

insert into gathering_registrations (gathering_id, account_id, status, position, created_at, updated_at)
    select session_id, account_id, status, position, created_at, updated_at from budget_session_registrations;

-- New registrations queue after every moved one.
select setval('gathering_registration_position_seq', greatest(
    (select coalesce(max(position), 0) from gathering_registrations),
    (select last_value from meeting_registration_position_seq),
    (select last_value from budget_session_registration_position_seq), 1));

drop table meeting_registrations;
drop table consultation_meetings;
drop sequence meeting_registration_position_seq;
drop table budget_session_registrations;
drop table budget_sessions;
drop sequence budget_session_registration_position_seq;
