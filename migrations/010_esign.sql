-- issue 14: signatures with legal standing (DESIGN §14).

-- An officer's own signing mode, over the district's (SIGNING_MODE_BY_DISTRICT) and the state's (SIGNING_MODE):
-- a BDO who approves from a phone signs with eSign while a colleague keeps a key in the HSM.
alter table users add column signing_mode text check (signing_mode in ('dev', 'p12', 'esign', 'pkcs11'));

-- One eSign request (CCA eSign API 2.1) per attempt to approve: the prepared PDF (signature placeholder, stored by
-- its hash), the SHA-256 of its signed ranges sent to the ESP, and the number and seal it carries. The ESP's answer
-- is accepted once (status leaves 'pending' exactly once), and only before expires_at.
create table esign_requests (
  txn               text primary key check (txn ~ '^[A-Za-z0-9-]{8,50}$'),
  application_id    bigint not null references applications (id),
  officer_id        text not null references users (id),
  app_version       integer not null,
  certificate_no    text not null,
  prepared_sha256   text not null check (prepared_sha256 ~ '^[0-9a-f]{64}$'),
  digest            text not null check (digest ~ '^[0-9a-f]{64}$'),
  seal              text not null,
  signed_at         timestamptz not null,
  created_at        timestamptz not null,
  expires_at        timestamptz not null,
  status            text not null default 'pending' check (status in ('pending', 'signed', 'failed', 'cancelled', 'expired')),
  answered_at       timestamptz,
  error             text
);
-- At most one attempt waits per application; an expired or failed one frees it.
create unique index esign_requests_one_pending on esign_requests (application_id) where status = 'pending';
create index esign_requests_application on esign_requests (application_id, created_at desc);
