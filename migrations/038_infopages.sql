-- Information pages (internal/infopages): the programme's multilingual
-- procedures, welcome pack and guides. A page's Polish original and each of
-- its translations are versions: an edit adds a version credited to its
-- author and never overwrites another's text. A translation records the
-- original version it translates, so it is outdated as soon as the original
-- has a newer version. Status changes are kept as events, so "published at
-- a moment" (the programme's indicator) is answered from history.

-- translator: granted globally ('*') or for one kind of page
-- ('infopage_kind:<uuid of the kind>', see infopages.KindDomain).
alter table role_grants drop constraint role_grants_role_check;
alter table role_grants add constraint role_grants_role_check
    check (role in ('official', 'coordinator', 'admin', 'moderator', 'body_member', 'body_chair',
                    'body_secretary', 'juror', 'ballot_officer', 'translator'));

create table infopages (
    id          uuid primary key default gen_random_uuid(),
    -- URL-safe, unique, fixed once created (links to a page must not break).
    slug        text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    kind        text not null check (kind in ('procedure', 'welcome', 'guide')),
    status      text not null default 'draft' check (status in ('draft', 'published', 'archived')),
    -- The city unit responsible (its officials edit the original).
    unit_id     uuid references organisations (id) on delete set null,
    created_by  uuid references accounts (id) on delete set null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    -- First publication (kept when archived).
    published_at timestamptz
);
create index infopages_kind_idx on infopages (kind, status, slug);

-- The Polish original, version by version (1, 2, ...).
create table infopage_originals (
    page_id    uuid not null references infopages (id) on delete cascade,
    version    int not null check (version >= 1),
    title      text not null,
    body       text not null,
    author_id  uuid references accounts (id) on delete set null,
    created_at timestamptz not null,
    primary key (page_id, version)
);

-- Translations: per page and language (canonical BCP 47 tag, never Polish),
-- version by version; based_on is the original version translated.
create table infopage_translations (
    page_id       uuid not null references infopages (id) on delete cascade,
    language      text not null check (language <> '' and language !~* '^pl($|-)'),
    version       int not null check (version >= 1),
    title         text not null,
    body          text not null,
    based_on      int not null,
    translator_id uuid references accounts (id) on delete set null,
    -- The public credit, e.g. "Fundacja X, tłum. Anna K." ('' : the account's name).
    credit        text not null default '',
    created_at    timestamptz not null,
    primary key (page_id, language, version),
    foreign key (page_id, based_on) references infopage_originals (page_id, version)
);

-- Every status a page took, and when (draft at creation).
create table infopage_status_events (
    -- Orders events of the same instant.
    seq     bigint generated always as identity primary key,
    page_id uuid not null references infopages (id) on delete cascade,
    status  text not null check (status in ('draft', 'published', 'archived')),
    at      timestamptz not null,
    by_id   uuid references accounts (id) on delete set null
);
create index infopage_status_events_idx on infopage_status_events (page_id, at);
