-- Votes of dialogue bodies in their meetings (internal/dialogue): roll
-- calls among the voting members present, secret votes, and the adoption
-- of a meeting's agenda by a vote.

-- A motion is tabled at once: the 'draft' status was never used (a client
-- keeps an unfinished motion itself until it is tabled).
alter table dialogue_motions drop constraint dialogue_motions_status_check;
alter table dialogue_motions add constraint dialogue_motions_status_check
    check (status in ('tabled', 'voting', 'adopted', 'rejected', 'invalid', 'withdrawn'));

-- The procedural motion that adopts its meeting's agenda (meeting_id):
-- when it is adopted, the agenda is. One such vote at a time per meeting.
alter table dialogue_motions add column adopts_agenda boolean not null default false;
create unique index dialogue_motions_agenda_vote_idx on dialogue_motions (meeting_id)
    where adopts_agenda and status in ('tabled', 'voting');
