-- Dialogue bodies (internal/dialogue): councils, commissions and teams of a
-- city unit, their rules, and their members appointed for terms. Members are
-- persons (an account) or organisations represented by named delegates.
-- Nothing is deleted: ended memberships and past delegations stay as the
-- body's public history.

create table dialogue_bodies (
    id                            uuid primary key default gen_random_uuid(),
    unit_id                       uuid not null references organisations (id),
    kind                          text not null check (kind in ('advisory_council', 'dialogue_commission',
                                      'interdisciplinary_team', 'working_group', 'migrants_council')),
    name_text_id                  uuid not null references texts (id),
    mandate_text_id               uuid references texts (id),
    -- A non-public body is seen only by its members, the unit's officials,
    -- coordinators and admins.
    public                        boolean not null default true,
    status                        text not null default 'active' check (status in ('active', 'dissolved')),
    -- Rules. Quorum: the share of voting members present (at least).
    quorum_n                      int not null default 1,
    quorum_d                      int not null default 2,
    majority                      text not null default 'simple' check (majority in ('simple', 'absolute', 'two_thirds')),
    chair_breaks_ties             boolean not null default true,
    remote_attendance_counts      boolean not null default true,
    votes_changeable_before_close boolean not null default false,
    documents_public              boolean not null default true,
    created_by                    uuid references accounts (id) on delete set null,
    created_at                    timestamptz not null default now(),
    updated_at                    timestamptz not null default now(),
    dissolved_at                  timestamptz,
    dissolved_by                  uuid references accounts (id) on delete set null,
    check (quorum_d between 1 and 100 and quorum_n between 1 and quorum_d),
    check ((status = 'dissolved') = (dissolved_at is not null))
);
create index dialogue_bodies_unit_idx on dialogue_bodies (unit_id);
create index dialogue_bodies_created_idx on dialogue_bodies (created_at desc, id desc);

-- One appointment of a person or an organisation to a body, for a term.
-- Voting roles need a term end; guests and observers may be open-ended. A
-- membership is active while term_start <= now < least(term_end, ended_at);
-- ended_at and end_reason are set when it ends (term over, resignation,
-- removal, dissolution of the body) and kept.
create table dialogue_members (
    id              uuid primary key default gen_random_uuid(),
    body_id         uuid not null references dialogue_bodies (id),
    account_id      uuid references accounts (id),
    organisation_id uuid references organisations (id),
    role            text not null check (role in ('chair', 'deputy_chair', 'secretary', 'member', 'guest', 'observer')),
    term_start      timestamptz not null,
    term_end        timestamptz,
    ended_at        timestamptz,
    end_reason      text check (end_reason in ('term_ended', 'resigned', 'removed', 'body_dissolved', 'account_deleted')),
    appointed_by    uuid references accounts (id) on delete set null,
    ended_by        uuid references accounts (id) on delete set null,
    created_at      timestamptz not null default now(),
    check ((account_id is null) <> (organisation_id is null)),
    check (term_end is null or term_end > term_start),
    check (term_end is not null or role in ('guest', 'observer')),
    check ((ended_at is null) = (end_reason is null))
);
create index dialogue_members_body_idx on dialogue_members (body_id, term_start, id);
create index dialogue_members_account_idx on dialogue_members (account_id) where account_id is not null;
create index dialogue_members_org_idx on dialogue_members (organisation_id) where organisation_id is not null;

-- The accounts that represent an organisation member: at least one main
-- delegate and at most one substitute at a time. A change closes the old
-- rows (until) and adds new ones, so who could vote when stays known.
create table dialogue_delegates (
    id         uuid primary key default gen_random_uuid(),
    member_id  uuid not null references dialogue_members (id),
    account_id uuid not null references accounts (id),
    kind       text not null check (kind in ('main', 'substitute')),
    since      timestamptz not null default now(),
    until      timestamptz,
    named_by   uuid references accounts (id) on delete set null,
    check (until is null or until >= since)
);
create unique index dialogue_delegates_current_key on dialogue_delegates (member_id, account_id) where until is null;
create index dialogue_delegates_account_idx on dialogue_delegates (account_id);

-- Every Casbin g rule, now with the body roles: body_member for every
-- membership not yet ended (guests and observers included: they see a
-- non-public body, and never vote, which dialogue.VotingMembers decides),
-- body_chair and body_secretary for those roles; an organisation member's
-- roles go to its current delegates. Terms that have not started yet are
-- included: internal/dialogue compares every check with the clock (the body
-- domain applies only to a caller with a membership active now), and a job
-- ends each term when it is over and reloads.
create or replace view authz_grants (subject, role, domain) as
    select 'user:' || account_id, role, domain from role_grants
    union all
    select subject, role, domain from group_grants
    union all
    select 'user:' || account_id, 'ngo_member', 'org:' || organisation_id from organisation_members
    union all
    select 'user:' || account_id, 'org_manager', 'org:' || organisation_id from organisation_members where role = 'manager'
    union all
    select 'user:' || account_id, 'group:org:' || organisation_id || ':moderators', '*'
      from organisation_members where role = 'moderator'
    union all
    select distinct 'user:' || coalesce(d.account_id, m.account_id), r.role, 'body:' || m.body_id
      from dialogue_members m
      left join dialogue_delegates d on d.member_id = m.id and d.until is null
      cross join lateral (values ('body_member'),
                                 (case m.role when 'chair' then 'body_chair' when 'secretary' then 'body_secretary' end)) r (role)
     where m.ended_at is null and (m.term_end is null or m.term_end > now())
       and r.role is not null and coalesce(d.account_id, m.account_id) is not null;
