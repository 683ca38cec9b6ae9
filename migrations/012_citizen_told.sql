-- What the citizen is told is true, complete and reaches them (issue 12; DESIGN §12).

-- Account recovery: a 6-digit code to the registered mobile (10 minutes, 5 tries) or a link to the email. Only a
-- digest of the code or the link's secret is kept. `started_by` is the counter operator who started a recovery for
-- a citizen standing at the counter (null when the citizen started it), so the counter's part is on record.
create table password_recoveries (
  id           uuid primary key default gen_random_uuid(),
  user_id      text not null references users (id) on delete cascade,
  channel      text not null check (channel in ('sms', 'email')),
  secret_hash  text not null,
  expires_at   timestamptz not null,
  attempts     integer not null default 0,
  used_at      timestamptz,
  started_by   text references users (id),
  started_at   timestamptz not null
);
create index password_recoveries_user on password_recoveries (user_id, started_at desc);

-- Messages to one recipient about one application go out in the order they were written ("revoked" never before
-- "collected"): the dispatcher skips a row while an earlier one to the same address is still pending, and this
-- index answers that.
create index outbox_pending_recipient on outbox (channel, recipient, application_id, id) where status = 'pending';

-- A delivery report for a message id the dispatcher has not recorded yet is answered 503 (the gateway retries), but
-- only for a bounded time after the first such report: an id that never becomes known is then acknowledged.
create table delivery_report_waits (
  provider_id   text primary key,
  first_seen_at timestamptz not null
);

-- The MIS PDF an officer downloaded, kept as the record: its bytes (content-addressed storage), who, when and what.
create table mis_records (
  id           uuid primary key default gen_random_uuid(),
  pdf_sha256   text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  generated_by text not null references users (id),
  generated_at timestamptz not null,
  scope        text not null,
  period_from  date not null,
  period_to    date not null,
  lang         text not null check (lang in ('bn', 'en', 'hi'))
);
create index mis_records_user on mis_records (generated_by, generated_at desc);
