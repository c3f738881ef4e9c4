-- An election of a body dissolved while it nominated or balloted is void:
-- nothing is elected and its result is never published (internal/dialogue,
-- election_void.go).
alter table dialogue_elections drop constraint dialogue_elections_status_check;
alter table dialogue_elections add constraint dialogue_elections_status_check
    check (status in ('nominating', 'voting', 'closed', 'void'));
