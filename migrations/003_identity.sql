-- Identity: indexes for the retention jobs and for superseding invitations.

-- DeleteExpiredSessions and DeleteExpiredTokens delete by age.
create index sessions_expires_idx on sessions (expires_at);
create index sessions_revoked_idx on sessions (revoked_at) where revoked_at is not null;
create index account_tokens_expires_idx on account_tokens (expires_at);

-- A new invitation revokes the pending ones of the same address, role and domain.
create index invitations_pending_idx on invitations (email, role, domain)
    where accepted_at is null and revoked_at is null;
