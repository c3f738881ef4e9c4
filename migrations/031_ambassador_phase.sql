-- Ambassador editions on the one phase machine (internal/phase): the phase
-- is stored and moved by hand or by scheduled River jobs; every move is in
-- phase_changes (kind 'ambassador_edition'). Published editions take the
-- phase their schedule gives now (their scheduled moves are made when they
-- are published; see README for editions published before this migration).

alter table ambassador_editions add column phase text not null default 'draft'
    check (phase in ('draft', 'upcoming', 'nominations', 'formal_check', 'scoring', 'decision',
                     'audience_vote', 'announcement'));

update ambassador_editions set phase = case
        when now() < nominations_open then 'upcoming'
        when now() < nominations_close then 'nominations'
        when now() < check_close then 'formal_check'
        when now() < scoring_close then 'scoring'
        when now() < decision_close then 'decision'
        when audience_close is not null and now() < audience_close then 'audience_vote'
        else 'announcement' end
    where status = 'published';

alter table ambassador_editions add check ((status = 'draft') = (phase = 'draft'));

