-- Issue 11 (hardening): limits that parallel requests cannot race, signed checkpoints of the audit trail, and the
-- janitor's way to unattached uploads. DESIGN §11.

-- Attempts counted per key (a login per account and address, per account, per address; a registration per address
-- and per mobile) BEFORE the expensive or costly part runs: a request takes its attempt under the row's lock, so
-- any number of parallel requests are counted one by one (api/auth/throttle.ts). Keys are "kind:" + a SHA-256
-- digest, so the table holds no login names, mobiles or addresses.
create table attempt_counters (
  key             text primary key,
  attempts        integer not null,
  window_start_at timestamptz not null,
  last_attempt_at timestamptz not null
);
-- Its failure counts were read and written in separate statements, which is what parallel requests raced.
drop table login_failures;

-- The audit trail's signed checkpoints (api/audit/checkpoints.ts). The signed files kept outside the database are
-- what verification trusts; this table only tells the next checkpoint where the last one ended, in whatever process
-- writes it.
create table audit_checkpoints (
  n            integer primary key,
  max_event_id bigint not null,
  events       bigint not null,
  digest       text not null check (digest ~ '^[0-9a-f]{64}$'),
  at           timestamptz not null,
  signature    text not null
);

-- The janitor removes uploads never attached to an application after a day, oldest first.
create index documents_unattached on documents (created_at) where application_id is null;
