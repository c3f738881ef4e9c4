-- One ballot per transaction, as the server casts a ballot with a voting
-- code when each ballot is its own transaction (OTWARTY_BALLOT_GROUP_MAX=1):
-- the one statement budget_cast_ballot (migrations/042_ballot_cast.sql)
-- that finds the code's voter, share-locks the edition, checks the phase
-- and the rules' currency, and writes the has-voted marker, the sealed
-- envelope (730 bytes, a 3 + 3 ballot's size), the code's used_at and the
-- survey token. Each transaction takes the next voter of
-- scripts/pgbench/ballot-setup.sql (which must have made enough of them:
-- past the last one a ballot is 'code_invalid'). Not included: the
-- server's work (validation, sealing) and the mixing of the box, one
-- transaction per 20 ballots.
--
--   pgbench -n -M prepared -c 8 -j 8 -T 20 -f scripts/pgbench/ballot.sql "$DATABASE_URL"
select c.r_status
from (select nextval('pgbench_ballot_seq') as n) s,
    lateral budget_cast_ballot(sha256(convert_to('pgbench-code-' || s.n, 'UTF8')), null, null,
        '00000000-0000-4000-8000-00000000b001', '2026-01-01 00:00:00+00', 'stare-miasto',
        sha256(convert_to('pgbench-key-' || s.n, 'UTF8')), sha256(convert_to('pgbench-check-' || s.n, 'UTF8')),
        now(), 'budget', 'k1', decode(repeat('5a', 730), 'hex'), 20,
        sha256(convert_to('pgbench-token-' || s.n, 'UTF8')), current_date) c;
