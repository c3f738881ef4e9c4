-- Districts and topics a person follows: a consultation opening in one of
-- them tells them.
create table consultation_interests (
    account_id uuid not null references accounts (id) on delete cascade,
    kind       text not null check (kind in ('district', 'tag')),
    value      text not null,
    created_at timestamptz not null default now(),
    primary key (account_id, kind, value)
);
create index consultation_interests_value_idx on consultation_interests (kind, value);
