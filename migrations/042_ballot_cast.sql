-- 042_ballot_cast: a ballot in one statement (internal/budget/cast.go).
--
-- The server validates the picks against the edition's rules it keeps in
-- memory, seals the contents and calls this function once: it finds the
-- voter (by voting code, by account, or a child by its guardian), takes the
-- share lock on the edition (closing waits for ballots in flight), checks
-- the phase and that the rules the server used are current, and writes the
-- has-voted marker, the sealed envelope, the code's used_at and the survey
-- token. It never raises for a voter's reason: it answers with a status, so
-- that many ballots can share one transaction (group commit) and one bad
-- ballot fails none of the others.
--
-- r_status:
--   cast          the ballot went in (r_survey: a survey token was stored;
--                 r_box_full: the box holds a batch to mix)
--   retry         the same key and content were cast before (r_voted_at)
--   already       the voter cast a ballot under another key
--   key_reused    the key was used for other content, or by another voter
--   code_invalid  no such code (unknown or revoked)
--   not_found     no such edition
--   not_registered / child_unknown   the account channel's voter is missing
--   stale         the edition is not the one, or not as it was, when the
--                 rules were read (r_edition: the voter's edition); nothing written
--   closed        outside the voting window
--   district      the picks were validated for another district than the
--                 voter's (r_district), or not at all; nothing written
create function budget_cast_ballot(
    p_code_hash  bytea,       -- code channel: the code's hash
    p_account_id uuid,        -- account channel: the voter's account, or the child's guardian
    p_child_id   uuid,        -- account channel: the child voter cast for by p_account_id
    p_edition_id uuid,        -- the edition whose rules were read (null: none yet)
    p_rules_at   timestamptz, -- its updated_at when they were read
    p_district   text,        -- the district the picks were validated for (null: look up only)
    p_key_hash   bytea,
    p_check      bytea,
    p_now        timestamptz,
    p_box_kind   text,
    p_box_key_id text,
    p_sealed     bytea,
    p_box_batch  int,
    p_token_hash bytea,       -- the survey token's hash, stored when the edition has a survey
    p_token_day  date,
    out r_status text, out r_edition uuid, out r_district text, out r_voted_at timestamptz,
    out r_survey boolean, out r_box_full boolean)
language plpgsql as $$
declare
    v_voter   uuid;
    v_edition uuid := p_edition_id;
    v_child   boolean := p_child_id is not null;
    v_channel text := 'account';
    e         record;
    m         record;
begin
    r_survey := false;
    r_box_full := false;
    if p_code_hash is not null then
        v_channel := 'code';
        select c.voter_id, c.edition_id, v.district, v.guardian_account_id is not null
            into v_voter, v_edition, r_district, v_child
            from budget_voting_codes c join budget_voters v on v.id = c.voter_id
            where c.code_hash = p_code_hash;
        if not found then
            r_status := 'code_invalid';
            return;
        end if;
    end if;
    -- A share lock: ballots go in concurrently, closing waits for them.
    select status, voting_opens_at, voting_closes_at, updated_at, survey_enabled into e
        from budget_editions where id = v_edition for share;
    if not found then
        r_status := 'not_found';
        return;
    end if;
    r_edition := v_edition;
    if v_edition is distinct from p_edition_id or e.updated_at is distinct from p_rules_at then
        r_status := 'stale';
        return;
    end if;
    if not coalesce(e.status = 'voting' and p_now >= e.voting_opens_at and p_now < e.voting_closes_at, false) then
        r_status := 'closed';
        return;
    end if;
    if p_code_hash is null then
        if v_child then
            select id, district into v_voter, r_district from budget_voters
                where id = p_child_id and edition_id = v_edition and guardian_account_id = p_account_id;
            if not found then
                r_status := 'child_unknown';
                return;
            end if;
        else
            select id, district into v_voter, r_district from budget_voters
                where edition_id = v_edition and account_id = p_account_id;
            if not found then
                r_status := 'not_registered';
                return;
            end if;
        end if;
    end if;
    if p_district is null or p_district <> r_district then
        r_status := 'district';
        return;
    end if;
    -- The marker's primary key makes one ballot per voter; its key's unique
    -- index refuses a key another voter holds. Either conflict writes nothing.
    insert into budget_ballot_markers (voter_id, edition_id, ballot_key_hash, content_check, channel, cast_by_guardian, voted_at)
        values (v_voter, v_edition, p_key_hash, p_check, v_channel, v_child, p_now)
        on conflict do nothing;
    if found then
        insert into ballot_envelopes (kind, scope, key_id, sealed) values (p_box_kind, v_edition, p_box_key_id, p_sealed);
        if p_code_hash is not null then
            update budget_voting_codes set used_at = now() where voter_id = v_voter;
        end if;
        if e.survey_enabled and p_token_hash is not null then
            insert into budget_survey_tokens (token_hash, edition_id, issued_on) values (p_token_hash, v_edition, p_token_day);
            r_survey := true;
        end if;
        -- At most a batch is counted, however many wait (a mix that failed).
        select count(*) >= p_box_batch into r_box_full
            from (select from ballot_envelopes where kind = p_box_kind and scope = v_edition limit p_box_batch) x;
        r_status := 'cast';
        return;
    end if;
    -- Voted before (or a concurrent ballot just committed).
    select ballot_key_hash, content_check, voted_at into m from budget_ballot_markers where voter_id = v_voter;
    if not found then
        r_status := 'key_reused'; -- the key is another voter's
    elsif m.ballot_key_hash <> p_key_hash then
        r_status := 'already';
    elsif m.content_check <> p_check then
        r_status := 'key_reused';
    else
        r_status := 'retry';
        r_voted_at := m.voted_at;
    end if;
end
$$;
