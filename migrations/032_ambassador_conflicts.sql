-- The Ambassador's jurors' conflicts of interest (DESIGN, Decisions): each
-- juror declares, per eligible nomination, none or a conflict before seeing
-- anything of its scores; the coordinator may add a conflict (which the
-- juror cannot take back); and some are automatic (the view below), which
-- nobody can waive. A conflicted juror neither scores nor sees the
-- nomination's scores or discussion, and is recused from the jury's vote
-- on a proposal that names it.

create table ambassador_conflicts (
    nomination_id uuid not null references ambassador_nominations (id) on delete cascade,
    juror_id      uuid not null references accounts (id) on delete cascade,
    conflict      boolean not null,
    -- 'juror': the juror's own declaration; 'coordinator': added by staff
    -- (always a conflict, and a juror's later declaration cannot undo it).
    source        text not null check (source in ('juror', 'coordinator')),
    note          text check (length(note) <= 2000),
    declared_by   uuid references accounts (id) on delete set null,
    declared_at   timestamptz not null,
    primary key (nomination_id, juror_id),
    check (source = 'juror' or conflict)
);
create index ambassador_conflicts_juror_idx on ambassador_conflicts (juror_id);

-- Automatic conflicts, computed from live data so that a membership that
-- begins after a declaration still counts: the juror nominated it, is the
-- nominee (by the e-mail of their account), is a member of the nominated
-- organisation, or shares an organisation with the nominator.
create view ambassador_auto_conflicts as
select n.id as nomination_id, g.account_id as juror_id, r.reason
from ambassador_nominations n
join role_grants g on g.role = 'juror' and g.domain = 'ambassador:' || n.edition_id::text
join accounts a on a.id = g.account_id
cross join lateral (
    select 'nominator'::text as reason where n.nominator_id = g.account_id
    union all
    select 'nominee' where n.nominee_email is not null and lower(n.nominee_email) = lower(a.email)
    union all
    select 'nominee_organisation' where n.nominee_org_id is not null and exists (
        select 1 from organisation_members m
        where m.organisation_id = n.nominee_org_id and m.account_id = g.account_id)
    union all
    select 'nominator_organisation' where n.nominator_id is not null and n.nominator_id <> g.account_id and exists (
        select 1 from organisation_members mj join organisation_members mn on mn.organisation_id = mj.organisation_id
        where mj.account_id = g.account_id and mn.account_id = n.nominator_id)
) r;
