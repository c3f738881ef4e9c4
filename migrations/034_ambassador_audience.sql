-- The Ambassador's audience vote (internal/ambassador audience.go): verified
-- residents vote once per category for one eligible nomination, through the
-- ballot box (internal/ballotbox) as budget ballots do. The "has voted"
-- marker is kept apart from the ballot, with the day only; the ballot is
-- sealed in the cast's transaction and written out later, many together,
-- under a random id, with neither voter nor time.

-- Who has voted in a category. The voter is the keyed hash of the
-- identifier their verification holds (the budget's notion of one person),
-- not the account: a person who erases their account and is verified again
-- under a new one has still voted.
create table ambassador_audience_markers (
    edition_id  uuid not null references ambassador_editions (id) on delete cascade,
    category_id uuid not null references ambassador_categories (id) on delete cascade,
    voter_hash  bytea not null,
    cast_on     date not null,
    primary key (edition_id, category_id, voter_hash)
);

-- The ballots, mixed: a random id, the choice, nothing else.
create table ambassador_audience_ballots (
    id            uuid primary key,
    edition_id    uuid not null references ambassador_editions (id) on delete cascade,
    category_id   uuid not null references ambassador_categories (id) on delete cascade,
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade
);
create index ambassador_audience_ballots_edition_idx on ambassador_audience_ballots (edition_id, nomination_id);
