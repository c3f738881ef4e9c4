-- The Ambassador's jury scoring (internal/ambassador/scoring.go): score
-- sheets per juror and nomination (a draft, then submitted), the jury's
-- discussion, and each juror's stable number in the edition ("Juror 3" in
-- the published score table, and what stays of an erased juror). Conflict
-- declarations are ambassador_conflicts (032): a juror's "none" is a row
-- with conflict = false.

-- Whether the score table published at the announcement names the jurors
-- (otherwise Juror 1, 2 ...). Set by the coordinator until the announcement.
alter table ambassador_editions add column publish_juror_names boolean not null default false;

-- A juror's number in an edition, given at their first act of scoring
-- (declaration, sheet or comment) and never reused. juror_id is set null
-- when the juror's account is erased: the number stays, so their scores
-- keep counting under it.
create table ambassador_juror_numbers (
    edition_id uuid not null references ambassador_editions (id) on delete cascade,
    number     int not null check (number >= 1),
    juror_id   uuid references accounts (id) on delete set null,
    primary key (edition_id, number),
    unique (edition_id, juror_id)
);

-- One juror's score sheet for one nomination: saved as a draft (some
-- criteria may be missing), then submitted (every criterion scored) and
-- revisable until the scoring closes. Only submitted sheets count.
create table ambassador_sheets (
    id            uuid primary key default gen_random_uuid(),
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade,
    edition_id    uuid not null references ambassador_editions (id) on delete cascade,
    juror_number  int not null,
    juror_id      uuid references accounts (id) on delete set null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    submitted_at  timestamptz,
    unique (nomination_id, juror_number),
    foreign key (edition_id, juror_number) references ambassador_juror_numbers (edition_id, number)
);
create index ambassador_sheets_juror_idx on ambassador_sheets (juror_id);

create table ambassador_scores (
    sheet_id     uuid not null references ambassador_sheets (id) on delete cascade,
    criterion_id uuid not null references ambassador_criteria (id) on delete cascade,
    points       int not null,
    comment      text check (length(comment) <= 4000),
    primary key (sheet_id, criterion_id)
);

-- The jury's discussion of a nomination: jurors (by their number) and
-- staff (juror_number null).
create table ambassador_comments (
    id            uuid primary key default gen_random_uuid(),
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade,
    edition_id    uuid not null references ambassador_editions (id) on delete cascade,
    juror_number  int,
    author_id     uuid references accounts (id) on delete set null,
    body          text not null check (length(body) between 1 and 4000),
    created_at    timestamptz not null,
    foreign key (edition_id, juror_number) references ambassador_juror_numbers (edition_id, number)
);
create index ambassador_comments_nomination_idx on ambassador_comments (nomination_id, created_at, id);
create index ambassador_comments_author_idx on ambassador_comments (author_id);
