-- Guests invited by hand to one meeting of a dialogue body (internal/dialogue,
-- meeting_invite.go): an expert, say, who is on that meeting's roll without
-- being on the body's. The invitation itself is the gathering's
-- (gathering_invitations); this row only marks it as made by hand, so that
-- keeping the roll in line with the body's memberships leaves it alone, and
-- so that the guest may see the meeting and ask to speak. It goes with its
-- invitation (withdrawal, erasure of the account).
create table dialogue_meeting_guests (
    meeting_id uuid not null,
    account_id uuid not null,
    primary key (meeting_id, account_id),
    foreign key (meeting_id, account_id) references gathering_invitations (gathering_id, account_id) on delete cascade
);
create index dialogue_meeting_guests_account_idx on dialogue_meeting_guests (account_id);
