-- Meetings and workshops of a consultation (the open meeting the city's rules
-- require): time, place or online link, languages, capacity, registrations
-- with a waiting list, attendance recorded afterwards, minutes.

create table consultation_meetings (
    id                   uuid primary key default gen_random_uuid(),
    consultation_id      uuid not null references consultations (id) on delete cascade,
    kind                 text not null default 'meeting' check (kind in ('meeting', 'workshop')),
    title_text_id        uuid not null references texts (id),
    starts_at            timestamptz not null,
    ends_at              timestamptz not null,
    place                text not null default '',
    online_url           text not null default '' check (online_url = '' or online_url like 'https://%'),
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
create index consultation_meetings_consultation_idx on consultation_meetings (consultation_id, starts_at, id);

-- The waiting list is ordered by position, drawn from a sequence while the
-- meeting row is locked, so it is the order in which registrations arrived
-- (registering again after cancelling goes to the end).
create sequence meeting_registration_position_seq;

create table meeting_registrations (
    meeting_id  uuid not null references consultation_meetings (id) on delete cascade,
    account_id  uuid not null references accounts (id) on delete cascade,
    status      text not null check (status in ('registered', 'waitlisted', 'cancelled')),
    position    bigint not null default nextval('meeting_registration_position_seq'),
    -- null until attendance is recorded; only registered people are marked.
    attended    boolean,
    created_at  timestamptz not null default clock_timestamp(),
    updated_at  timestamptz not null default clock_timestamp(),
    primary key (meeting_id, account_id)
);
create index meeting_registrations_queue_idx on meeting_registrations (meeting_id, status, position);
create index meeting_registrations_account_idx on meeting_registrations (account_id);
