-- The programme's indicators 1.2 (translated procedures) and 3.1 (events)
-- now read the information pages and the events calendar: officials
-- watching the indicators are told when those change too.
create trigger programme_changed after insert or update or delete on infopages
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on infopage_originals
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on infopage_translations
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on infopage_status_events
    for each statement execute function programme_changed();
create trigger programme_changed after insert or update or delete on events
    for each statement execute function programme_changed();

