-- Officials' answers to submissions and the closing report of a
-- consultation (Kraków council resolution CXI/2904/18: the report answers
-- every submission and is published at most 60 days after the close).

-- One answer per top-level submission (postulate or section comment, not a
-- reply), drafted by the unit's officials after the close and published
-- together with others. A published answer is final: authors were told and
-- the report quotes it.
create table submission_answers (
    submission_id  uuid primary key references submissions (id) on delete cascade,
    status         text not null check (status in ('accepted', 'partly_accepted', 'not_accepted', 'not_applicable')),
    reason_text_id uuid not null references texts (id),
    drafted_by     uuid references accounts (id) on delete set null,
    drafted_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    published_at   timestamptz
);
create index submission_answers_unpublished_idx on submission_answers (submission_id) where published_at is null;

-- The published closing report; counts is the snapshot of the numbers at
-- publication ({"submissions": …, "answers": {"accepted": …}, …}).
create table consultation_reports (
    consultation_id uuid primary key references consultations (id) on delete cascade,
    published_at    timestamptz not null default now(),
    published_by    uuid references accounts (id) on delete set null,
    summary_text_id uuid references texts (id),
    counts          jsonb not null default '{}'
);
