-- The ballot box (internal/ballotbox): ballot contents are sealed next to
-- the voter's marker and written out later, many together, so that no
-- transaction id, physical order or time links a ballot to its voter.

-- Sealed contents waiting to be mixed. seq only orders the envelopes of one
-- box (a change after a cast); it leaves with the envelope.
create table ballot_envelopes (
    seq    bigint generated always as identity primary key,
    kind   text not null,
    scope  uuid not null,
    key_id text not null,
    sealed bytea not null
);
create index ballot_envelopes_box_idx on ballot_envelopes (kind, scope);

-- A ballot key belongs to one voter: checked when the marker is written,
-- since the ballot itself is written only when mixed.
alter table budget_ballot_markers add constraint budget_ballot_markers_key_unique unique (edition_id, ballot_key_hash);
