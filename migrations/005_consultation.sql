-- Consultations (Kraków council resolution CXI/2904/18): drafts, schedule,
-- forms of participation, phases, document sections, submissions (postulates,
-- section comments, replies), supports, follows, flags and moderation.

create table consultations (
    id                  uuid primary key default gen_random_uuid(),
    unit_id             uuid not null references organisations (id),
    status              text not null default 'draft'
                        check (status in ('draft', 'announced', 'open', 'closed', 'reported')),
    title_text_id       uuid not null references texts (id),
    summary_text_id     uuid references texts (id),
    body_text_id        uuid references texts (id),
    tags                text[] not null default '{}',
    districts           text[] not null default '{}',
    -- Forms of participation offered; the rules need at least three,
    -- one of them an open meeting or workshop.
    forms               text[] not null default '{}'
                        check (forms <@ array['online_submissions', 'section_comments', 'survey', 'meeting', 'staff_intake']),
    announce_at         timestamptz,
    opens_at            timestamptz,
    closes_at           timestamptz,
    report_due_at       timestamptz,
    -- Rules an official overrode at publication, each with a public
    -- justification: {"notice_period": "…"}.
    overrides           jsonb not null default '{}',
    auto_hide_threshold int not null default 3 check (auto_hide_threshold between 1 and 100),
    edit_window_minutes int not null default 30 check (edit_window_minutes between 0 and 1440),
    created_by          uuid references accounts (id) on delete set null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    published_at        timestamptz,
    published_by        uuid references accounts (id) on delete set null,
    check (opens_at is null or closes_at is null or opens_at < closes_at)
);
create index consultations_status_idx on consultations (status, opens_at desc, id);
create index consultations_unit_idx on consultations (unit_id);

-- Every phase change, by the schedule (actor null) or by hand with a reason.
create table consultation_phase_changes (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    from_status     text not null,
    to_status       text not null,
    reason          text not null default '',
    actor_id        uuid references accounts (id) on delete set null,
    created_at      timestamptz not null default clock_timestamp()
);
create index consultation_phase_changes_idx on consultation_phase_changes (consultation_id, created_at);

-- The consulted document, in sections residents can comment on.
create table consultation_sections (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    position        int not null,
    heading_text_id uuid not null references texts (id),
    body_text_id    uuid not null references texts (id),
    unique (consultation_id, position) deferrable initially deferred
);

-- Questions the consultation asks (its survey is answered later on).
create table consultation_questions (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    position        int not null,
    text_id         uuid not null references texts (id),
    unique (consultation_id, position) deferrable initially deferred
);

create table consultation_follows (
    consultation_id uuid not null references consultations (id) on delete cascade,
    account_id      uuid not null references accounts (id) on delete cascade,
    created_at      timestamptz not null default now(),
    primary key (consultation_id, account_id)
);
create index consultation_follows_account_idx on consultation_follows (account_id);

-- A postulate (proposal), a comment on a document section, or a reply in a
-- thread. Staff may enter one received on paper or by e-mail on someone's
-- behalf (staff_entered_by, received_at inside the open window).
create table submissions (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    kind            text not null check (kind in ('postulate', 'comment')),
    section_id      uuid references consultation_sections (id) on delete set null,
    parent_id       uuid references submissions (id) on delete cascade,
    author_id       uuid references accounts (id) on delete set null,
    -- For staff-entered submissions from people without an account.
    author_name     text not null default '',
    text_id         uuid not null references texts (id),
    status          text not null default 'visible' check (status in ('visible', 'hidden', 'withdrawn')),
    staff_entered_by uuid references accounts (id) on delete set null,
    received_at     timestamptz not null default now(),
    created_at      timestamptz not null default clock_timestamp(),
    edited_at       timestamptz,
    support_count   int not null default 0 check (support_count >= 0),
    reply_count     int not null default 0 check (reply_count >= 0)
);
create index submissions_consultation_idx on submissions (consultation_id, created_at, id);
create index submissions_parent_idx on submissions (parent_id, created_at, id) where parent_id is not null;
create index submissions_author_idx on submissions (author_id);

-- One support per account and submission, withdrawable; the unique key is
-- what makes concurrent supports count once.
create table submission_supports (
    submission_id uuid not null references submissions (id) on delete cascade,
    account_id    uuid not null references accounts (id) on delete cascade,
    created_at    timestamptz not null default now(),
    primary key (submission_id, account_id)
);
create index submission_supports_account_idx on submission_supports (account_id);

create table submission_flags (
    submission_id uuid not null references submissions (id) on delete cascade,
    account_id    uuid not null references accounts (id) on delete cascade,
    reason        text not null check (reason in ('spam', 'offensive', 'hate_speech', 'personal_data', 'off_topic', 'other')),
    note          text not null default '',
    -- Whether the flag counted towards automatic hiding (confirmed account
    -- older than the configured age).
    counted       boolean not null,
    created_at    timestamptz not null default now(),
    resolved_at   timestamptz,
    primary key (submission_id, account_id)
);
create index submission_flags_open_idx on submission_flags (submission_id) where resolved_at is null;

-- The public moderation log: what was hidden or restored, when and why,
-- without the text.
create table moderation_actions (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    submission_id   uuid not null references submissions (id) on delete cascade,
    action          text not null check (action in ('hide', 'restore', 'auto_hide')),
    reason          text not null check (reason in ('spam', 'offensive', 'hate_speech', 'personal_data', 'off_topic', 'other', 'flags_threshold', 'reviewed')),
    note            text not null default '',
    actor_id        uuid references accounts (id) on delete set null,
    created_at      timestamptz not null default clock_timestamp()
);
create index moderation_actions_consultation_idx on moderation_actions (consultation_id, created_at desc, id desc);
