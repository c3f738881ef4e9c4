-- The Ambassador of Multiculturalism (internal/ambassador), part 1: editions
-- with their schedule, categories and criteria; the jury (jurors are
-- role_grants 'juror' in 'ambassador:<edition>'); nominations, online or
-- entered by staff; the nominee's consent by a one-time link or on paper;
-- the formal check. Scoring, conflicts, the jury's vote, the audience vote
-- and the announcement come later and hang off nominations and criteria.

create table ambassador_editions (
    id                 uuid primary key default gen_random_uuid(),
    -- The year of the activity the title is for (given the following year).
    year               int not null unique check (year between 2000 and 2200),
    status             text not null default 'draft' check (status in ('draft', 'published')),
    -- The call for nominations: one text, a version in every language at publication.
    call_text_id       uuid references texts (id),
    -- The schedule: each phase ends where the next begins (checked by the service).
    nominations_open   timestamptz not null,
    nominations_close  timestamptz not null,
    check_close        timestamptz not null,
    scoring_close      timestamptz not null,
    decision_close     timestamptz not null,
    audience_vote      boolean not null default false,
    audience_close     timestamptz,
    announce_at        timestamptz not null,
    -- The jury's chair: one of the edition's jurors (set null when removed).
    jury_chair_id      uuid references accounts (id) on delete set null,
    created_by         uuid references accounts (id) on delete set null,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    published_at       timestamptz,
    published_by       uuid references accounts (id) on delete set null,
    check ((status = 'published') = (published_at is not null)),
    check (audience_vote = (audience_close is not null))
);

create table ambassador_categories (
    id         uuid primary key default gen_random_uuid(),
    edition_id uuid not null references ambassador_editions (id) on delete cascade,
    kind       text not null check (kind in ('organisation', 'individual')),
    titles     int not null check (titles between 1 and 20),
    unique (edition_id, kind)
);

create table ambassador_criteria (
    id           uuid primary key default gen_random_uuid(),
    edition_id   uuid not null references ambassador_editions (id) on delete cascade,
    position     int not null,
    -- A stable code for the default criteria (length, results, innovation,
    -- variety); custom criteria have none.
    code         text,
    name_text_id uuid not null references texts (id),
    weight       int not null check (weight between 1 and 100),
    scale_min    int not null,
    scale_max    int not null,
    check (scale_min >= 0 and scale_max > scale_min and scale_max <= 100),
    unique (edition_id, position)
);

create table ambassador_nominations (
    id                uuid primary key default gen_random_uuid(),
    edition_id        uuid not null references ambassador_editions (id) on delete cascade,
    category_id       uuid not null references ambassador_categories (id),
    -- The nominee: a person or an organisation, by name and contact e-mail;
    -- an organisation may also be one of the platform's organisations.
    nominee_name      text not null check (length(nominee_name) between 1 and 300),
    nominee_email     text,
    nominee_org_id    uuid references organisations (id) on delete set null,
    nominee_minor     boolean not null default false,
    guardian_name     text,
    guardian_email    text,
    -- The nominator: an account (online), or as written on a paper form.
    nominator_id      uuid references accounts (id) on delete set null,
    nominator_name    text,
    nominator_contact text,
    nominator_locale  text not null default 'pl' check (nominator_locale in ('pl', 'uk', 'en', 'ru')),
    channel           text not null check (channel in ('online', 'paper', 'email', 'eservices', 'post')),
    -- When it arrived (for post: the postmark); entered_by is the staff
    -- member who entered a nomination that did not arrive online.
    received_at       timestamptz not null,
    entered_by        uuid references accounts (id) on delete set null,
    scan_ref          text,
    links             text[] not null default '{}',
    status            text not null default 'submitted'
                      check (status in ('submitted', 'withdrawn', 'eligible', 'not_eligible')),
    consent_at        timestamptz,
    -- Who consented (the nominee, or a minor's guardian) and how: by the
    -- one-time link, or on a signed paper recorded by staff (with its scan).
    consent_by        text check (consent_by in ('nominee', 'guardian')),
    consent_channel   text check (consent_channel in ('link', 'paper')),
    consent_scan_ref  text,
    consent_recorded_by uuid references accounts (id) on delete set null,
    check_reason      text check (check_reason in ('no_consent', 'self_nomination', 'late', 'incomplete',
                                                   'outside_criteria', 'duplicate', 'other')),
    check_note        text,
    checked_by        uuid references accounts (id) on delete set null,
    checked_at        timestamptz,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    withdrawn_at      timestamptz,
    check ((channel = 'online') = (entered_by is null)),
    check (not nominee_minor or (guardian_name is not null)),
    check ((consent_at is null) = (consent_by is null) and (consent_at is null) = (consent_channel is null)),
    check ((status in ('eligible', 'not_eligible')) = (checked_at is not null)),
    check ((status = 'not_eligible') = (check_reason is not null)),
    check ((status = 'eligible') <= (consent_at is not null))
);
create index ambassador_nominations_edition_idx on ambassador_nominations (edition_id, created_at, id);
create index ambassador_nominations_nominator_idx on ambassador_nominations (nominator_id);
create index ambassador_nominations_nominee_email_idx on ambassador_nominations (nominee_email);

-- The nominator's justification, one text per criterion.
create table ambassador_justifications (
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade,
    criterion_id  uuid not null references ambassador_criteria (id) on delete cascade,
    text_id       uuid not null references texts (id),
    primary key (nomination_id, criterion_id)
);

-- One-time consent links: only the hash of the token is kept; a new link
-- replaces the earlier ones of the nomination.
create table ambassador_consent_tokens (
    id            uuid primary key default gen_random_uuid(),
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade,
    token_hash    bytea not null unique,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    used_at       timestamptz,
    revoked_at    timestamptz
);
create index ambassador_consent_tokens_nomination_idx on ambassador_consent_tokens (nomination_id);
