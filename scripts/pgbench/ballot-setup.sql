-- Fixtures for scripts/pgbench/ballot.sql, on a migrated otwarty database
-- (run as a role that may write its tables):
--
--   psql -v voters=200000 -f scripts/pgbench/ballot-setup.sql "$DATABASE_URL"
--
-- An edition open for voting (fixed ids, updated_at fixed so that the
-- script can name it as the server's rules cache would), :voters voters of
-- one district, each with a voting code whose hash is
-- sha256('pgbench-code-<n>'), and the sequence that hands out n. Running
-- it again starts afresh (the edition and all its rows are deleted first).
-- The fixtures take no part in anything else: another edition of its own
-- city unit.
\set ON_ERROR_STOP on
\if :{?voters}
\else
\set voters 200000
\endif

begin;
delete from budget_editions where id = '00000000-0000-4000-8000-00000000b001';
delete from ballot_envelopes where kind = 'budget' and scope = '00000000-0000-4000-8000-00000000b001';
insert into organisations (id, kind, name, slug)
    values ('00000000-0000-4000-8000-00000000b000', 'city_unit', 'pgbench ballots', 'pgbench-ballots')
    on conflict (id) do nothing;
insert into budget_editions (id, unit_id, year, status, voting_opens_at, voting_closes_at, updated_at)
    values ('00000000-0000-4000-8000-00000000b001', '00000000-0000-4000-8000-00000000b000', 2024, 'voting',
        now() - interval '1 day', now() + interval '30 days', '2026-01-01 00:00:00+00');
insert into budget_voters (edition_id, identifier_hash, key_id, district)
    select '00000000-0000-4000-8000-00000000b001', sha256(convert_to('pgbench-voter-' || n, 'UTF8')), 'k1', 'stare-miasto'
    from generate_series(1, :voters) n;
insert into budget_voting_codes (voter_id, edition_id, code_hash)
    select v.id, v.edition_id, sha256(convert_to('pgbench-code-' || n, 'UTF8'))
    from generate_series(1, :voters) n
    join budget_voters v on v.edition_id = '00000000-0000-4000-8000-00000000b001'
        and v.identifier_hash = sha256(convert_to('pgbench-voter-' || n, 'UTF8'));
drop sequence if exists pgbench_ballot_seq;
create sequence pgbench_ballot_seq;
commit;
analyze budget_voters, budget_voting_codes, budget_ballot_markers, ballot_envelopes, budget_survey_tokens;
