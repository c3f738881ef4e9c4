-- Minutes of body meetings (internal/dialogue): a draft generated from the
-- meeting's record, edited by who keeps the meeting, opened for comments of
-- the body's roll, approved by the chair. Every generation and every edit is
-- a version: nothing written is ever thrown away. Approval freezes the text:
-- it becomes a text (texts, with credited translations) and the meeting's
-- minutes in the gathering mechanism (gatherings.minutes_text_id).

create table dialogue_minutes (
    meeting_id  uuid primary key references gatherings (id) on delete cascade,
    body_id     uuid not null references dialogue_bodies (id) on delete cascade,
    -- draft: seen by who keeps the meeting; open: for comments of the roll
    -- and staff; approved: frozen and published.
    status      text not null default 'draft' check (status in ('draft', 'open', 'approved')),
    -- The language the draft is written in (the original of the published text).
    locale      text not null check (locale in ('pl', 'uk', 'en', 'ru')),
    -- The current version (the newest in dialogue_minutes_versions).
    version     int not null check (version > 0),
    opened_at   timestamptz,
    opened_by   uuid references accounts (id) on delete set null,
    approved_at timestamptz,
    approved_by uuid references accounts (id) on delete set null,
    -- The published text, from approval on.
    text_id     uuid references texts (id),
    created_by  uuid references accounts (id) on delete set null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    check ((status = 'draft') = (opened_at is null)),
    check ((status = 'approved') = (approved_at is not null)),
    check ((status = 'approved') = (text_id is not null))
);
create index dialogue_minutes_body_idx on dialogue_minutes (body_id);

-- Every version of a draft, oldest first: generated from the record, or
-- edited by a person. A regeneration after edits is refused unless asked
-- for explicitly, and even then the edited versions stay here.
create table dialogue_minutes_versions (
    meeting_id uuid not null references dialogue_minutes (meeting_id) on delete cascade,
    version    int not null check (version > 0),
    source     text not null check (source in ('generated', 'edited')),
    locale     text not null check (locale in ('pl', 'uk', 'en', 'ru')),
    body       text not null check (body <> ''),
    author_id  uuid references accounts (id) on delete set null,
    created_at timestamptz not null,
    primary key (meeting_id, version)
);
create index dialogue_minutes_versions_author_idx on dialogue_minutes_versions (author_id);

-- Comments of the body's roll and staff on a draft open for comments: never
-- public; their authors edit and delete them until the approval. A comment
-- remembers the version it was written on.
create table dialogue_minutes_comments (
    id         uuid primary key default gen_random_uuid(),
    meeting_id uuid not null references dialogue_minutes (meeting_id) on delete cascade,
    version    int not null,
    -- null once the author's account is erased (the comment is anonymised).
    author_id  uuid references accounts (id) on delete set null,
    body       text not null check (body <> ''),
    created_at timestamptz not null,
    edited_at  timestamptz
);
create index dialogue_minutes_comments_meeting_idx on dialogue_minutes_comments (meeting_id, created_at, id);
create index dialogue_minutes_comments_author_idx on dialogue_minutes_comments (author_id);
