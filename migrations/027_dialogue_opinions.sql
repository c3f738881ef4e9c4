-- A dialogue body's opinion on a consultation (internal/dialogue
-- opinion.go). The consultation's officials ask a body for its opinion
-- (a request, optionally due by a date no later than the consultation's
-- end); an opinion motion of the body about that consultation, adopted
-- while the consultation is announced or open, is the body's opinion on it
-- and answers the body's open request. An open request of a consultation
-- that has closed (or of a dissolved body) has lapsed: that is read from
-- the consultation's and the body's status, not stored.

create table dialogue_opinion_requests (
    id              uuid primary key default gen_random_uuid(),
    consultation_id uuid not null references consultations (id) on delete cascade,
    body_id         uuid not null references dialogue_bodies (id) on delete cascade,
    -- What the officials ask, in their own words (optional).
    note_text_id    uuid references texts (id),
    due_at          timestamptz,
    status          text not null default 'open' check (status in ('open', 'answered', 'withdrawn')),
    requested_by    uuid references accounts (id) on delete set null,
    requested_at    timestamptz not null,
    withdrawn_by    uuid references accounts (id) on delete set null,
    withdrawn_at    timestamptz,
    -- The adopted opinion motion that answered it.
    answered_by     uuid references dialogue_motions (id) on delete set null,
    answered_at     timestamptz,
    check ((status = 'withdrawn') = (withdrawn_at is not null)),
    check ((status = 'answered') = (answered_at is not null))
);
-- One open request per body and consultation.
create unique index dialogue_opinion_requests_open_idx on dialogue_opinion_requests (consultation_id, body_id)
    where status = 'open';
create index dialogue_opinion_requests_body_idx on dialogue_opinion_requests (body_id, requested_at desc, id desc);
create index dialogue_opinion_requests_consultation_idx on dialogue_opinion_requests (consultation_id, requested_at desc, id desc);
create index dialogue_opinion_requests_requested_by_idx on dialogue_opinion_requests (requested_by);
create index dialogue_opinion_requests_withdrawn_by_idx on dialogue_opinion_requests (withdrawn_by);

-- The opinions given: an adopted opinion motion about a consultation that
-- took opinions when it was adopted, with the numbers of its vote as they
-- were at the close (the report shows them; never the roll call).
create table dialogue_opinions (
    motion_id       uuid primary key references dialogue_motions (id) on delete cascade,
    consultation_id uuid not null references consultations (id) on delete cascade,
    body_id         uuid not null references dialogue_bodies (id) on delete cascade,
    -- The body's request it answered, or (a further opinion) the request
    -- an earlier opinion answered; null: given unasked.
    request_id      uuid references dialogue_opinion_requests (id) on delete set null,
    -- The text in force when it was adopted.
    text_id         uuid not null references texts (id),
    adopted_at      timestamptz not null,
    members         int not null,
    present         int not null,
    voters          int not null,
    yes             int not null,
    no              int not null,
    abstain         int not null
);
create index dialogue_opinions_consultation_idx on dialogue_opinions (consultation_id, adopted_at, motion_id);
create index dialogue_opinions_body_idx on dialogue_opinions (body_id);
