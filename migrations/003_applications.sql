-- Applications, their documents, the audit trail and the notification outbox (issue 3; DESIGN §4, §7, §8).

-- Uploaded files. The bytes live in content-addressed storage (sha256); this row says who uploaded what, for which
-- kind of proof, and which application it ended up in.
create table documents (
  id             uuid primary key default gen_random_uuid(),
  uploaded_by    text not null references users (id),
  kind           text not null check (kind in ('photo', 'identity', 'age', 'residence', 'signed_form')),
  proof          text not null,
  sha256         text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size           integer not null check (size > 0),
  mime           text not null check (mime in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
  preview_sha256 text check (preview_sha256 ~ '^[0-9a-f]{64}$'),
  application_id bigint,
  created_at     timestamptz not null
);
create index documents_application on documents (application_id);
create index documents_uploader on documents (uploaded_by, created_at);

-- The serial part of the AIN, per office per year. Taken with one upsert, so concurrent submissions to one office
-- each get their own number.
create table ain_serials (
  office_id   text not null references offices (id),
  year        integer not null,
  last_serial integer not null,
  primary key (office_id, year)
);

create table applications (
  id               bigint generated always as identity primary key,
  ain              text not null unique check (ain ~ '^[0-9]{14}$'),
  status           text not null check (status in ('submitted', 'under_enquiry', 'enquiry_reported', 'approved', 'rejected', 'sent_back', 'delivered')),
  version          integer not null default 1,
  applicant_id     text not null references users (id),
  filed_by         text not null references users (id),
  channel          text not null check (channel in ('web', 'kiosk', 'csc')),
  office_id        text not null references offices (id),
  filing_office_id text references offices (id),
  applicant_name   text not null,
  form             jsonb not null,
  submitted_at     timestamptz not null,
  due_at           timestamptz not null,
  updated_at       timestamptz not null,
  -- The same Idempotency-Key from the same user always means the same submission; the request hash tells a retry
  -- from a different body sent under a reused key.
  idempotency_key  text not null,
  request_hash     text not null,
  unique (filed_by, idempotency_key)
);
create index applications_applicant on applications (applicant_id, submitted_at desc);
create index applications_filed_by on applications (filed_by, submitted_at desc);
create index applications_office_status on applications (office_id, status, due_at);

alter table documents add foreign key (application_id) references applications (id);

-- Aadhaar (DESIGN §7): only ciphertext (AES-256-GCM), an HMAC to find duplicates, and the last four digits.
create table aadhaar_numbers (
  application_id bigint primary key references applications (id),
  ciphertext     bytea not null,
  nonce          bytea not null,
  hmac           text not null,
  last4          text not null check (last4 ~ '^[0-9]{4}$')
);
create index aadhaar_hmac on aadhaar_numbers (hmac);

-- The audit trail: one row per change, hash-chained per application so that a silent edit breaks the chain.
create table application_events (
  id             bigint generated always as identity primary key,
  application_id bigint not null references applications (id),
  seq            integer not null,
  actor_id       text references users (id),
  actor_role     text not null,
  action         text not null,
  from_status    text,
  to_status      text not null,
  remarks        text,
  channel        text,
  at             timestamptz not null,
  prev_hash      text not null,
  hash           text not null,
  unique (application_id, seq)
);

create function refuse_audit_change() returns trigger language plpgsql as $$
begin
  raise exception 'application_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger application_events_append_only before update or delete on application_events
  for each row execute function refuse_audit_change();
create trigger application_events_no_truncate before truncate on application_events
  for each statement execute function refuse_audit_change();

-- Messages to send, written in the same transaction as the change that causes them (DESIGN §8). A dispatcher
-- leases due rows, sends them, and records the outcome.
create table outbox (
  id             bigint generated always as identity primary key,
  channel        text not null check (channel in ('sms', 'email', 'push')),
  recipient      text not null,
  lang           text not null check (lang in ('bn', 'en', 'hi')),
  template       text not null,
  subject        text,
  body           text not null,
  application_id bigint references applications (id),
  status         text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
  attempts       integer not null default 0,
  next_attempt_at timestamptz not null,
  leased_until   timestamptz,
  provider_id    text,
  last_error     text,
  created_at     timestamptz not null,
  sent_at        timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status = 'pending';

-- Days the offices are closed besides Sundays. Filled by the SLA issue; empty means Sundays only.
create table holidays (
  day    date primary key,
  name   text not null,
  source text not null
);
