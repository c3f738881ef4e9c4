-- The events calendar (internal/events): events of the Multicultural Centre
-- and partner organisations. A member of the organiser submits an event
-- (submitted), the coordinator approves or rejects it with a reason; staff
-- enter events approved at once. Approved events are public, and so are
-- cancelled ones that had been approved (they stay listed as cancelled).
-- Title, description and accessibility note are texts (internal/i18n) in
-- the organiser's authorization domain.

create table events (
    id                    uuid primary key default gen_random_uuid(),
    organisation_id       uuid not null references organisations (id),
    title_text_id         uuid not null references texts (id),
    description_text_id   uuid references texts (id),
    accessibility_text_id uuid references texts (id),
    category              text not null check (category in ('workshop', 'meeting', 'culture', 'education', 'support', 'other')),
    -- An all-day event runs from midnight of its first day to midnight
    -- after its last day, both in Europe/Warsaw.
    starts_at             timestamptz not null,
    ends_at               timestamptz not null,
    all_day               boolean not null default false,
    place                 text check (length(place) between 1 and 500),
    online_url            text check (length(online_url) between 1 and 2000),
    url                   text check (length(url) between 1 and 2000),
    -- BCP 47 tags, canonical, in the order given.
    languages             text[] not null check (cardinality(languages) between 1 and 10),
    status                text not null check (status in ('submitted', 'approved', 'rejected', 'cancelled')),
    -- The iCalendar SEQUENCE: raised by every change a calendar shows.
    sequence              int not null default 0,
    submitted_by          uuid references accounts (id) on delete set null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    approved_at           timestamptz,
    reviewed_by           uuid references accounts (id) on delete set null,
    reviewed_at           timestamptz,
    reject_reason         text check (length(reject_reason) between 1 and 2000),
    cancelled_at          timestamptz,
    cancelled_by          uuid references accounts (id) on delete set null,
    cancel_reason         text check (length(cancel_reason) between 1 and 2000),
    check (ends_at > starts_at),
    check (place is not null or online_url is not null),
    check ((status = 'rejected') = (reject_reason is not null)),
    check ((status = 'cancelled') = (cancelled_at is not null)),
    check (status <> 'approved' or approved_at is not null)
);
create index events_starts_idx on events (starts_at, id);
create index events_status_idx on events (status, created_at, id);
create index events_organisation_idx on events (organisation_id, starts_at);
