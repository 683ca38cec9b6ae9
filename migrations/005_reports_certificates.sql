-- The Enquiry Officer's field report, resubmission after a send-back, and the signed certificate (issue 4; seed
-- steps 4–8; DESIGN §4, §9).

-- Step 4: the field report. Written on the EO's phone, often with no network, and sent later: the idempotency key
-- makes a resend return the first answer. The capture time and place are report data (DESIGN §7), not EXIF.
create table enquiry_reports (
  id              uuid primary key default gen_random_uuid(),
  application_id  bigint not null references applications (id),
  eo_id           text not null references users (id),
  visited_at      timestamptz not null,
  findings        text not null,
  recommendation  text not null check (recommendation in ('recommend', 'do_not_recommend')),
  latitude        double precision check (latitude between -90 and 90),
  longitude       double precision check (longitude between -180 and 180),
  accuracy_m      double precision check (accuracy_m >= 0),
  location_note   text,
  submitted_at    timestamptz not null,
  idempotency_key text not null,
  request_hash    text not null,
  unique (eo_id, idempotency_key),
  -- A position, or, when the phone would not give one, where the officer says they were.
  check ((latitude is not null and longitude is not null) or location_note is not null)
);
create index enquiry_reports_application on enquiry_reports (application_id, submitted_at);

-- Field photos are documents too (same storage, same access check through their application), tied to a report.
alter table documents drop constraint documents_kind_check;
alter table documents add constraint documents_kind_check
  check (kind in ('photo', 'identity', 'age', 'residence', 'signed_form', 'field_photo'));
alter table documents add column report_id uuid references enquiry_reports (id);
-- Step 8: a document the applicant replaced on resubmission stays, for the history, but is no longer current.
alter table documents add column replaced_at timestamptz;

-- Step 5: the certificate. Numbered per block and year, like the AIN; the signed PDF lives in storage by hash.
create table certificate_serials (
  office_id   text not null references offices (id),
  year        integer not null,
  last_serial integer not null,
  primary key (office_id, year)
);

create table certificates (
  certificate_no text primary key,
  application_id bigint not null unique references applications (id),
  issued_at      timestamptz not null,
  issued_by      text not null references users (id),
  pdf_sha256     text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  seal           text not null,
  revoked_at     timestamptz,
  revoked_by     text references users (id),
  revoke_reason  text,
  check ((revoked_at is null) = (revoked_by is null) and (revoked_at is null) = (revoke_reason is null))
);
