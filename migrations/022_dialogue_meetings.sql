-- Meetings of dialogue bodies (internal/dialogue): gatherings of kind
-- 'body_meeting' owned by a body, with invitations and presence (020), plus
-- what only a body's meeting has: its agenda, and a speakers' list per item.

alter table gatherings drop constraint gatherings_kind_check;
alter table gatherings
    add constraint gatherings_kind_check check (kind in ('consultation_meeting', 'budget_session', 'body_meeting')),
    add column body_id uuid generated always as (case when kind = 'body_meeting' then owner_id end) stored
        references dialogue_bodies (id) on delete cascade;
create index gatherings_body_idx on gatherings (body_id) where body_id is not null;

-- The agenda of a meeting: draft until adopted (adoption is a vote of the
-- body, wired by its motions; until then nobody sets 'adopted'). A meeting
-- without a row has a draft agenda.
create table dialogue_agendas (
    meeting_id uuid primary key references gatherings (id) on delete cascade,
    status     text not null default 'draft' check (status in ('draft', 'adopted')),
    adopted_at timestamptz,
    check ((status = 'adopted') = (adopted_at is not null))
);

-- Agenda items in order: position 1, 2, ... without gaps, kept so under
-- the meeting's row lock (the unique key is checked at commit, so a move
-- can renumber in any order).
create table dialogue_agenda_items (
    id                  uuid primary key default gen_random_uuid(),
    meeting_id          uuid not null references gatherings (id) on delete cascade,
    position            int not null check (position > 0),
    title_text_id       uuid not null references texts (id),
    description_text_id uuid references texts (id),
    -- A document: a link and/or a text; shown to everyone only when the
    -- body's rules make documents public.
    document_url        text not null default '' check (document_url = '' or document_url like 'https://%'),
    document_text_id    uuid references texts (id),
    created_by          uuid references accounts (id) on delete set null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint dialogue_agenda_items_position_key unique (meeting_id, position) deferrable initially deferred
);

-- The speakers' list of an agenda item, in order of request (position,
-- drawn under the item's row lock). At most one open request per person and
-- one speaker at a time.
create table dialogue_speakers (
    id           bigint generated always as identity primary key,
    item_id      uuid not null references dialogue_agenda_items (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    position     int not null,
    status       text not null check (status in ('waiting', 'speaking', 'done', 'withdrawn')),
    requested_at timestamptz not null,
    floor_at     timestamptz,
    done_at      timestamptz,
    unique (item_id, position)
);
create unique index dialogue_speakers_open_idx on dialogue_speakers (item_id, account_id)
    where status in ('waiting', 'speaking');
create unique index dialogue_speakers_speaking_idx on dialogue_speakers (item_id) where status = 'speaking';
create index dialogue_speakers_account_idx on dialogue_speakers (account_id);
