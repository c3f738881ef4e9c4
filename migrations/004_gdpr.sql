-- GDPR: a person's data export and account deletion find their rows by
-- account in tables that otherwise are read by other keys.

create index audit_log_actor_idx on audit_log (actor_id, created_at) where actor_id is not null;
create index text_versions_author_idx on text_versions (author_id) where author_id is not null;
create index email_outbox_account_idx on email_outbox (account_id) where account_id is not null;
create index invitations_accepted_by_idx on invitations (accepted_by) where accepted_by is not null;
-- Invitation e-mails go to an address without an account.
create index email_outbox_address_idx on email_outbox (to_address) where account_id is null;
