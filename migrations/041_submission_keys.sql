-- createSubmission's idempotency key: a client that did not hear the answer
-- sends the submission again under the same key and gets the same one back.
-- Only hashes are kept: of the key, and of the key with the content (to
-- tell a retry from other content under the same key). A key is claimed
-- before its submission is written, so submission_id is null only inside
-- that transaction.
create table submission_keys (
    author_id       uuid not null references accounts (id) on delete cascade,
    consultation_id uuid not null references consultations (id) on delete cascade,
    key_hash        bytea not null,
    content_check   bytea not null,
    submission_id   uuid references submissions (id) on delete cascade,
    created_at      timestamptz not null default now(),
    primary key (author_id, consultation_id, key_hash)
);
create index submission_keys_submission_idx on submission_keys (submission_id);

-- enterPaperBallot repeated: the same person entering the same sheet again
-- with the same content gets the same answer instead of a conflict. The
-- entry's content is erased once the sheet is decided; what stays is this
-- check, keyed with the identifier key (like the voter hashes), so that the
-- database alone cannot be searched for a voter's picks.
alter table budget_paper_entries add column retry_check bytea;
