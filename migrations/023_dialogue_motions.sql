-- Motions of dialogue bodies (internal/dialogue): opinions, resolutions,
-- recommendations and procedural motions, with their amendments (a motion
-- with a parent), decided by a poll of kind 'body_motion' (internal/poll)
-- whose owner is the motion.

create table dialogue_motions (
    id               uuid primary key default gen_random_uuid(),
    body_id          uuid not null references dialogue_bodies (id) on delete cascade,
    -- An amendment's motion; amendments have no amendments of their own.
    parent_id        uuid references dialogue_motions (id) on delete cascade,
    kind             text not null check (kind in ('opinion', 'resolution', 'recommendation', 'procedural')),
    status           text not null default 'tabled'
                     check (status in ('draft', 'tabled', 'voting', 'adopted', 'rejected', 'invalid', 'withdrawn')),
    -- The majority this motion passes by; null: the body's default at the vote.
    majority         text check (majority in ('simple', 'absolute', 'two_thirds')),
    title_text_id    uuid not null references texts (id),
    -- The text as tabled, and the text in force: an adopted amendment's
    -- text becomes the motion's current text; both stay visible.
    original_text_id uuid not null references texts (id),
    text_id          uuid not null references texts (id),
    -- The consultation an opinion is about (checked visible at tabling).
    consultation_id  uuid references consultations (id) on delete set null,
    -- Who tabled it: the account, and the voter key it tabled for (a
    -- person member, an organisation through its delegate) or none for a
    -- chair or secretary tabling ex officio.
    tabled_by        uuid references accounts (id) on delete set null,
    tabled_for_kind  text check (tabled_for_kind in ('person', 'org')),
    tabled_for_id    uuid,
    tabled_at        timestamptz not null,
    -- The amendment adopted last into this motion's text.
    amended_by       uuid references dialogue_motions (id) on delete set null,
    decided_at       timestamptz,
    withdrawn_at     timestamptz,
    check ((tabled_for_kind is null) = (tabled_for_id is null))
);
create index dialogue_motions_body_idx on dialogue_motions (body_id, tabled_at desc, id desc);
create index dialogue_motions_parent_idx on dialogue_motions (parent_id) where parent_id is not null;
create index dialogue_motions_tabled_by_idx on dialogue_motions (tabled_by);

-- Elections of persons by a body's voting members (internal/dialogue),
-- voted secretly through a poll of kind 'body_election' whose owner is the
-- election. Nominating: candidates stand (their own consent) and collect
-- endorsements; voting: the poll is open; closed: its result is in.
create table dialogue_elections (
    id                  uuid primary key default gen_random_uuid(),
    body_id             uuid not null references dialogue_bodies (id) on delete cascade,
    title_text_id       uuid not null references texts (id),
    seats               int not null check (seats between 1 and 200),
    picks               int not null check (picks between 1 and 200),
    -- Endorsements a candidate needs (from distinct votes of the
    -- electorate) to be on the ballot.
    endorsements_needed int not null default 0 check (endorsements_needed between 0 and 1000),
    status              text not null default 'nominating' check (status in ('nominating', 'voting', 'closed')),
    opened_by           uuid references accounts (id) on delete set null,
    created_at          timestamptz not null
);
create index dialogue_elections_body_idx on dialogue_elections (body_id, created_at, id);

-- A candidacy is the candidate's own consent, recorded by them.
create table dialogue_candidates (
    id           uuid primary key default gen_random_uuid(),
    election_id  uuid not null references dialogue_elections (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    consented_at timestamptz not null,
    unique (election_id, account_id)
);

-- Endorsements: one per vote of the electorate (a person member, or an
-- organisation through its delegate) and candidate.
create table dialogue_endorsements (
    candidate_id  uuid not null references dialogue_candidates (id) on delete cascade,
    endorser_kind text not null check (endorser_kind in ('person', 'org')),
    endorser_id   uuid not null,
    endorsed_by   uuid references accounts (id) on delete set null,
    endorsed_at   timestamptz not null,
    primary key (candidate_id, endorser_kind, endorser_id)
);
create index dialogue_endorsements_by_idx on dialogue_endorsements (endorsed_by);
