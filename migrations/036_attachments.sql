-- Attachments (internal/attach): files of any domain's objects (an
-- Ambassador nomination's documents, the scans of a paper form and of a
-- signed consent). The metadata is always here; the bytes are behind
-- attach.Store, whose PostgreSQL implementation keeps them in
-- attachment_blobs (an object store may take them over later). The type is
-- sniffed from the bytes, never taken from the client.

create table attachments (
    id           uuid primary key default gen_random_uuid(),
    -- The owner: a domain's object kind and id (no foreign key: any domain).
    owner_kind   text not null check (length(owner_kind) between 1 and 64),
    owner_id     uuid not null,
    -- What it is for, in the owner's words (e.g. document, nomination_scan).
    purpose      text not null check (length(purpose) between 1 and 64),
    file_name    text not null check (length(file_name) between 1 and 255),
    content_type text not null,
    size_bytes   bigint not null check (size_bytes > 0),
    sha256       bytea not null check (length(sha256) = 32),
    uploaded_by  uuid references accounts (id) on delete set null,
    uploaded_at  timestamptz not null
);
create index attachments_owner_idx on attachments (owner_kind, owner_id, uploaded_at, id);
create index attachments_uploader_idx on attachments (uploaded_by);

-- The bytes of attachments stored in PostgreSQL (attach.PGStore).
create table attachment_blobs (
    attachment_id uuid primary key references attachments (id) on delete cascade,
    content       bytea not null
);

-- The nominee declines through the consent link: not eligible, reason
-- 'declined'.
alter table ambassador_nominations drop constraint ambassador_nominations_check_reason_check;
alter table ambassador_nominations add constraint ambassador_nominations_check_reason_check
    check (check_reason in ('no_consent', 'self_nomination', 'late', 'incomplete', 'outside_criteria', 'duplicate', 'other',
                            'declined'));
