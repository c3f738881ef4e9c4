-- Gatherings, part two (internal/gathering): invitations and presence, opt-in
-- per kind, for the meetings of dialogue bodies. Consultation meetings and
-- budget sessions use neither, so nothing of theirs changes.

-- Invited people are on a gathering's roll beside its registrations, without
-- a seat: capacity counts registrations of the public only. An invitation
-- supersedes a registration of the same person (the seat goes to the waiting
-- list). Uninviting deletes the row.
create table gathering_invitations (
    gathering_id uuid not null references gatherings (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    invited_by   uuid references accounts (id) on delete set null,
    created_at   timestamptz not null default clock_timestamp(),
    primary key (gathering_id, account_id)
);
create index gathering_invitations_account_idx on gathering_invitations (account_id);

-- Presence is current state with times: one row per stay, from arrival to
-- leaving (left_at null while present), so who is present now, and who was
-- present at any moment of the gathering (quorum at a vote), can be read.
-- At most one open stay per person.
create table gathering_presence (
    id           bigint generated always as identity primary key,
    gathering_id uuid not null references gatherings (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    mode         text not null check (mode in ('in_person', 'remote')),
    arrived_at   timestamptz not null,
    left_at      timestamptz,
    -- true: checked in with the room's code; false: recorded by staff.
    self         boolean not null,
    recorded_by  uuid references accounts (id) on delete set null,
    check (left_at is null or left_at >= arrived_at)
);
create unique index gathering_presence_open_idx on gathering_presence (gathering_id, account_id) where left_at is null;
create index gathering_presence_gathering_idx on gathering_presence (gathering_id, account_id);
create index gathering_presence_account_idx on gathering_presence (account_id);

-- The check-in code shown in the room: six digits, valid from 30 minutes
-- before the start to the end, replaced when staff issue a new one. It is
-- stored as it is: it is shown to the whole room, and a hash of six digits
-- would be reversed in a moment, so hashing would only pretend; staff can
-- show the current one again. Only staff read it.
alter table gatherings
    add column checkin_code           text check (checkin_code ~ '^[0-9]{6}$'),
    add column checkin_code_issued_at timestamptz,
    add check ((checkin_code is null) = (checkin_code_issued_at is null));

-- Wrong codes entered per person against the current code (a new code
-- clears them): six digits do not withstand unlimited guessing, so after a
-- few a person is refused until staff issue a new code or record them.
create table gathering_checkin_failures (
    gathering_id uuid not null references gatherings (id) on delete cascade,
    account_id   uuid not null references accounts (id) on delete cascade,
    failures     int not null check (failures > 0),
    primary key (gathering_id, account_id)
);
