-- A budget ballot's picks move into its own row, as three parallel arrays in
-- (pool, rank) order: one row per ballot instead of 1 + one per pick (Kraków:
-- 7 rows, ~19 index entries and ~19 foreign-key checks per 3 + 3 ballot).
-- budget_ballot_picks becomes a view of the same columns, so SQL that reads
-- picks keeps working; nothing writes to it but the ballot box (box.go).
--
-- Why dropping the picks' foreign keys is safe: they cascaded a deleted
-- ballot, pool or project to its picks. A ballot's picks now go with its
-- row. Pools and projects are never deleted on their own (no code deletes
-- from budget_pools or budget_projects, nor moves a project to another
-- pool); they go only with their edition, whose deletion cascades to its
-- ballots through budget_ballots.edition_id, which stays. The ids come from
-- the validated ballot (ballot.go checks every pick against the edition's
-- pools and eligible projects before sealing), as they did before; the
-- checks below keep the arrays' shape, and the old primary key's and unique
-- constraint's guarantees (one pick per (pool, rank), one per project).

-- The arrays of one ballot: one-dimensional from 1, of one length, no null
-- element, ranks > 0, strictly increasing by (pool, rank) (so a pool's picks
-- are contiguous and in rank order, and no (pool, rank) repeats), and no
-- project twice.
create function budget_ballot_picks_valid(pools uuid[], projects uuid[], ranks smallint[]) returns boolean
language sql immutable strict parallel safe
return coalesce(array_ndims(pools), 1) = 1 and coalesce(array_ndims(projects), 1) = 1
    and coalesce(array_ndims(ranks), 1) = 1
    and coalesce(array_lower(pools, 1), 1) = 1 and coalesce(array_lower(projects, 1), 1) = 1
    and coalesce(array_lower(ranks, 1), 1) = 1
    and cardinality(pools) = cardinality(projects) and cardinality(pools) = cardinality(ranks)
    and array_position(pools, null) is null and array_position(projects, null) is null
    and array_position(ranks, null) is null
    and 0 < all (ranks)
    and not exists (select from generate_series(2, cardinality(pools)) i
        where (pools[i - 1], ranks[i - 1]) >= (pools[i], ranks[i]))
    and (select count(distinct p) from unnest(projects) p) = cardinality(projects);

alter table budget_ballots
    add column pick_pools uuid[] not null default '{}',
    add column pick_projects uuid[] not null default '{}',
    add column pick_ranks smallint[] not null default '{}';

update budget_ballots b set pick_pools = k.pools, pick_projects = k.projects, pick_ranks = k.ranks
from (select ballot_id, array_agg(pool_id order by pool_id, rank) as pools,
        array_agg(project_id order by pool_id, rank) as projects,
        array_agg(rank::smallint order by pool_id, rank) as ranks
    from budget_ballot_picks group by ballot_id) k
where k.ballot_id = b.id;

-- The ballot box always writes the arrays; a default would hide a
-- forgotten one as an empty ballot.
alter table budget_ballots
    alter column pick_pools drop default,
    alter column pick_projects drop default,
    alter column pick_ranks drop default,
    add constraint budget_ballots_picks_valid check (budget_ballot_picks_valid(pick_pools, pick_projects, pick_ranks));

drop table budget_ballot_picks;

create view budget_ballot_picks as
select b.id as ballot_id, k.pool_id, k.project_id, k.rank::int as rank, b.edition_id
from budget_ballots b
cross join lateral unnest(b.pick_pools, b.pick_projects, b.pick_ranks) as k(pool_id, project_id, rank);

-- Counting, exports and live standings read an edition's ballots.
create index budget_ballots_edition_idx on budget_ballots (edition_id);
