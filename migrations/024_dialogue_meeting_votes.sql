-- Motions voted in a meeting (internal/dialogue): the meeting and agenda
-- item a motion is put to a roll-call vote under. A motion voted in writing
-- between meetings has neither. The minutes of a meeting list the motions
-- voted in it through meeting_id.
alter table dialogue_motions
    add column meeting_id     uuid references gatherings (id) on delete set null,
    add column agenda_item_id uuid references dialogue_agenda_items (id) on delete set null;
create index dialogue_motions_meeting_idx on dialogue_motions (meeting_id) where meeting_id is not null;
