-- One phase machine (internal/phase): the history of every object's phase
-- changes in one table, consultations' and budget editions' alike.

create table phase_changes (
    id          uuid primary key default gen_random_uuid(),
    kind        text not null,  -- the machine: consultation, budget_edition
    object_id   uuid not null,
    from_status text not null,
    to_status   text not null,
    reason      text not null default '',
    actor_id    uuid references accounts (id) on delete set null,  -- null: the schedule
    created_at  timestamptz not null default clock_timestamp()
);
create index phase_changes_object_idx on phase_changes (kind, object_id, created_at, id);

insert into phase_changes (id, kind, object_id, from_status, to_status, reason, actor_id, created_at)
select id, 'consultation', consultation_id, from_status, to_status, reason, actor_id, created_at
from consultation_phase_changes;
drop table consultation_phase_changes;

-- The history goes with its object.
create function phase_changes_forget() returns trigger language plpgsql as $$
begin
    delete from phase_changes where kind = tg_argv[0] and object_id = old.id;
    return old;
end $$;
create trigger consultations_phase_changes after delete on consultations
    for each row execute function phase_changes_forget('consultation');
create trigger budget_editions_phase_changes after delete on budget_editions
    for each row execute function phase_changes_forget('budget_edition');

-- Scheduled moves waiting in River name their object object_id now (River's
-- tables come after ours in a fresh database, hence the check).
do $$
begin
    if to_regclass('river_job') is not null then
        update river_job set args = jsonb_build_object('object_id', args->'consultation_id', 'to', args->'to', 'at', args->'at')
        where kind = 'consultation.phase' and args ? 'consultation_id' and state in ('available', 'scheduled', 'retryable', 'pending');
        update river_job set args = jsonb_build_object('object_id', args->'edition_id', 'to', 'closed', 'at', args->'at')
        where kind = 'budget.close_voting' and args ? 'edition_id' and state in ('available', 'scheduled', 'retryable', 'pending');
    end if;
end $$;
