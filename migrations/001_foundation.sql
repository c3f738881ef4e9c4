-- Foundation: accounts, sessions, organisations, role grants, localised text,
-- notifications, outbox and audit. Later domains add their own files.

create extension if not exists pgcrypto;

create table accounts (
    id                 uuid primary key default gen_random_uuid(),
    email              text not null,
    email_confirmed_at timestamptz,
    password_hash      text not null,
    display_name       text not null check (length(display_name) between 1 and 200),
    locale             text not null check (locale in ('pl', 'uk', 'en', 'ru')),
    created_at         timestamptz not null default now(),
    password_changed_at timestamptz not null default now(),
    deleted_at         timestamptz
);
-- Emails are normalised (trimmed, lower-cased) by the service; the index keeps them unique.
create unique index accounts_email_key on accounts (email);

create table sessions (
    id           uuid primary key default gen_random_uuid(),
    account_id   uuid not null references accounts (id) on delete cascade,
    token_hash   bytea not null unique,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at   timestamptz not null,
    revoked_at   timestamptz,
    user_agent   text not null default '',
    ip           text not null default ''
);
create index sessions_account_idx on sessions (account_id, created_at desc);

-- One-time tokens sent by e-mail: confirmation and password reset.
create table account_tokens (
    token_hash bytea primary key,
    account_id uuid not null references accounts (id) on delete cascade,
    purpose    text not null check (purpose in ('confirm_email', 'reset_password')),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at    timestamptz
);
create index account_tokens_account_idx on account_tokens (account_id, purpose);

create table organisations (
    id         uuid primary key default gen_random_uuid(),
    kind       text not null check (kind in ('ngo', 'minority_organisation', 'city_unit', 'institution', 'company', 'informal_group')),
    name       text not null check (length(name) between 1 and 300),
    slug       text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,80}$'),
    description_text_id uuid,
    created_at timestamptz not null default now(),
    created_by uuid references accounts (id)
);

create table organisation_members (
    organisation_id uuid not null references organisations (id) on delete cascade,
    account_id      uuid not null references accounts (id) on delete cascade,
    role            text not null check (role in ('member', 'moderator', 'manager')),
    created_at      timestamptz not null default now(),
    primary key (organisation_id, account_id)
);
create index organisation_members_account_idx on organisation_members (account_id);

-- Role grants: one row per (account, role, domain). Domain '*' is global;
-- 'org:<uuid>' scopes a role to an organisation or city unit; later domains
-- ('consultation:<uuid>', 'body:<uuid>', ...) scope it to one object.
create table role_grants (
    id         uuid primary key default gen_random_uuid(),
    account_id uuid not null references accounts (id) on delete cascade,
    role       text not null check (role in ('official', 'coordinator', 'admin', 'moderator', 'body_member',
                                             'body_chair', 'body_secretary', 'juror', 'ballot_officer')),
    domain     text not null check (domain = '*' or domain ~ '^[a-z_]+:[0-9a-f-]{36}$'),
    granted_by uuid references accounts (id),
    created_at timestamptz not null default now()
);
create unique index role_grants_key on role_grants (account_id, role, domain);

-- Roles granted to a group rather than to an account. The only groups so far
-- are an organisation's moderators ('group:org:<uuid>:moderators'); assigning
-- the organisation to moderate a consultation grants its group 'moderator' in
-- 'consultation:<uuid>'. Groups hold scoped roles only, never global ones.
create table group_grants (
    id         uuid primary key default gen_random_uuid(),
    subject    text not null check (subject ~ '^group:org:[0-9a-f-]{36}:moderators$'),
    role       text not null check (role in ('moderator', 'ballot_officer')),
    domain     text not null check (domain ~ '^[a-z_]+:[0-9a-f-]{36}$'),
    granted_by uuid references accounts (id),
    created_at timestamptz not null default now()
);
create unique index group_grants_key on group_grants (subject, role, domain);

-- Every Casbin g rule, derived from the application's own tables. The
-- authorization adapter loads this view; SQL list filters join the same view.
create view authz_grants (subject, role, domain) as
    select 'user:' || account_id, role, domain from role_grants
    union all
    select subject, role, domain from group_grants
    union all
    select 'user:' || account_id, 'ngo_member', 'org:' || organisation_id from organisation_members
    union all
    select 'user:' || account_id, 'org_manager', 'org:' || organisation_id from organisation_members where role = 'manager'
    union all
    -- An organisation's moderators form a group; assigning the organisation to
    -- moderate something grants the group the moderator role there.
    select 'user:' || account_id, 'group:org:' || organisation_id || ':moderators', '*'
      from organisation_members where role = 'moderator';

create table invitations (
    id          uuid primary key default gen_random_uuid(),
    token_hash  bytea not null unique,
    email       text not null,
    role        text not null check (role in ('official', 'coordinator', 'juror', 'ballot_officer', 'admin')),
    domain      text not null,
    invited_by  uuid not null references accounts (id),
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references accounts (id),
    revoked_at  timestamptz
);

-- A verification keeps only a keyed hash (HMAC) of the identifier presented,
-- never the identifier, so one identifier cannot verify two accounts.
create table verifications (
    id              uuid primary key default gen_random_uuid(),
    account_id      uuid not null unique references accounts (id) on delete cascade,
    identifier_hash bytea not null unique,
    key_id          text not null,
    method          text not null check (method in ('in_person', 'verifier')),
    verified_by     uuid references accounts (id),
    created_at      timestamptz not null default now()
);

-- Localised text: a text has an original locale; every version (the original
-- and each translation) is credited to its maker. The newest version per
-- locale is current; nobody overwrites another person's version.
create table texts (
    id              uuid primary key default gen_random_uuid(),
    original_locale text not null check (original_locale in ('pl', 'uk', 'en', 'ru')),
    author_id       uuid references accounts (id) on delete set null,
    -- Authorization domains of the object the text belongs to (e.g. its
    -- consultation and city unit): whose moderators and officials may translate it.
    domains         text[] not null default '{}',
    created_at      timestamptz not null default now()
);

create table text_versions (
    id          uuid primary key default gen_random_uuid(),
    text_id     uuid not null references texts (id) on delete cascade,
    locale      text not null check (locale in ('pl', 'uk', 'en', 'ru')),
    body        text not null,
    is_original boolean not null,
    source      text not null default 'human' check (source in ('human', 'machine')),
    author_id   uuid references accounts (id) on delete set null,
    created_at  timestamptz not null default clock_timestamp()
);
create index text_versions_current_idx on text_versions (text_id, locale, created_at desc);

create table notification_preferences (
    account_id uuid primary key references accounts (id) on delete cascade,
    in_app     boolean not null default true,
    email      boolean not null default true,
    locale     text check (locale in ('pl', 'uk', 'en', 'ru')),
    digest     text not null default 'immediate' check (digest in ('immediate', 'daily', 'weekly', 'off')),
    updated_at timestamptz not null default now()
);

-- In-app notifications. dedupe_key makes delivery exactly-once: a retried job
-- inserts nothing the second time.
create table notifications (
    id         uuid primary key default gen_random_uuid(),
    account_id uuid not null references accounts (id) on delete cascade,
    kind       text not null,
    data       jsonb not null default '{}',
    dedupe_key text not null unique,
    created_at timestamptz not null default clock_timestamp(),
    read_at    timestamptz
);
create index notifications_account_idx on notifications (account_id, created_at desc, id desc);

-- Outgoing e-mail. message_id is stable across retries; with SMTP configured
-- a row is sent and marked, without it the row is the delivery.
create table email_outbox (
    id         uuid primary key default gen_random_uuid(),
    message_id text not null unique,
    account_id uuid references accounts (id) on delete set null,
    to_address text not null,
    subject    text not null,
    body       text not null,
    created_at timestamptz not null default clock_timestamp(),
    sent_at    timestamptz,
    redacted   boolean not null default false
);

create table audit_log (
    id          uuid primary key default gen_random_uuid(),
    actor_id    uuid references accounts (id) on delete set null,
    action      text not null,
    object_type text not null,
    object_id   text not null,
    reason      text not null default '',
    data        jsonb not null default '{}',
    created_at  timestamptz not null default clock_timestamp()
);
create index audit_log_object_idx on audit_log (object_type, object_id, created_at);
