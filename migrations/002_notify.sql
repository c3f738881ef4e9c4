-- Notifications: digests, rows kept only for a digest, outbox details, and
-- secrets waiting for their e-mail.

-- in_app = false: the account turned in-app notifications off, and the row
-- exists only to be mailed in a digest; it is never listed.
alter table notifications add column in_app boolean not null default true;
-- email_digest: the notification waits for the account's daily or weekly
-- digest; emailed_at is set in the transaction that enqueues that digest.
alter table notifications add column email_digest boolean not null default false;
alter table notifications add column emailed_at timestamptz;
create index notifications_digest_idx on notifications (account_id)
    where email_digest and emailed_at is null;
create index notifications_unread_idx on notifications (account_id)
    where in_app and read_at is null;

-- What a message was rendered from, so that a sent message can be rendered
-- again with its secrets redacted.
alter table email_outbox add column kind text not null default '';
alter table email_outbox add column locale text not null default 'pl' check (locale in ('pl', 'uk', 'en', 'ru'));
alter table email_outbox add column data jsonb not null default '{}';
create index email_outbox_unsent_idx on email_outbox (created_at) where sent_at is null;

-- Secret message arguments (one-time tokens) wait here rather than in job
-- arguments, which River keeps after the job ends; the e-mail job moves them
-- into its outbox row, which is redacted once sent.
create table notification_secrets (
    dedupe_key text primary key,
    data       jsonb not null,
    created_at timestamptz not null default now()
);
