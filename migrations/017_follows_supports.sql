-- One follow and one support mechanism (internal/follow, internal/support):
-- one table each, keyed by the kind of object, for every domain.

create table follows (
    kind       text not null,  -- consultation, budget_edition
    object_id  uuid not null,
    account_id uuid not null references accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (kind, object_id, account_id)
);
create index follows_account_idx on follows (account_id);

-- One support per account and object; the primary key is what makes
-- concurrent supports count once.
create table supports (
    kind       text not null,  -- submission, budget_project
    object_id  uuid not null,
    account_id uuid not null references accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (kind, object_id, account_id)
);
create index supports_account_idx on supports (account_id);

insert into follows (kind, object_id, account_id, created_at)
select 'consultation', consultation_id, account_id, created_at from consultation_follows;
insert into follows (kind, object_id, account_id, created_at)
select 'budget_edition', edition_id, account_id, created_at from budget_followers;
insert into supports (kind, object_id, account_id, created_at)
select 'submission', submission_id, account_id, created_at from submission_supports;
insert into supports (kind, object_id, account_id, created_at)
select 'budget_project', project_id, account_id, created_at from budget_project_supports;
drop table consultation_follows, budget_followers, submission_supports, budget_project_supports;

-- Follows and supports go with their object.
create function follows_supports_forget() returns trigger language plpgsql as $$
begin
    delete from follows where kind = tg_argv[0] and object_id = old.id;
    delete from supports where kind = tg_argv[0] and object_id = old.id;
    return old;
end $$;
create trigger consultations_follows after delete on consultations
    for each row execute function follows_supports_forget('consultation');
create trigger budget_editions_follows after delete on budget_editions
    for each row execute function follows_supports_forget('budget_edition');
create trigger submissions_supports after delete on submissions
    for each row execute function follows_supports_forget('submission');
create trigger budget_projects_supports after delete on budget_projects
    for each row execute function follows_supports_forget('budget_project');
