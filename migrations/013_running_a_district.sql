-- Running a district (issue 13; DESIGN §13): staff who come and go, acting charge, escalations that can act, the
-- counter network, urban areas, and appeals under the West Bengal Right to Public Services Act, 2013.

-- 1. Staff lifecycle. A deactivated account cannot log in and has no sessions; every change to a staff account is
-- one append-only row (who, what, from, to, why), listed on the user's page.
alter table users add column deactivated_at timestamptz;
create table staff_changes (
  id             bigint generated always as identity primary key,
  user_id        text not null references users (id),
  action         text not null check (action in ('create', 'deactivate', 'reactivate', 'transfer', 'change_role', 'acting_charge', 'acting_charge_ended', 'attach_counter')),
  from_role      text,
  to_role        text,
  from_office_id text references offices (id),
  to_office_id   text references offices (id),
  remarks        text,
  by_user_id     text not null references users (id),
  at             timestamptz not null
);
create index staff_changes_user on staff_changes (user_id, at desc);
create trigger staff_changes_append_only before update or delete on staff_changes
  for each row execute function refuse_audit_change();

-- 2. Acting charge: while a BDO, EO or SDO is away, an officer named by the superior acts in that office's name for
-- a date range (Kolkata dates, both ends included). Nothing ends it but the date, or an early end by the superior.
-- For an EO's charge the absent officer is named: their enquiries are what the acting officer takes over.
create table acting_charges (
  id             bigint generated always as identity primary key,
  office_id      text not null references offices (id),
  role           text not null check (role in ('bdo', 'eo', 'sdo')),
  absent_user_id text references users (id),
  acting_user_id text not null references users (id),
  starts_on      date not null,
  ends_on        date not null,
  reason         text not null,
  assigned_by    text not null references users (id),
  created_at     timestamptz not null,
  ended_at       timestamptz,
  ended_by       text references users (id),
  check (ends_on >= starts_on),
  check ((role = 'eo') = (absent_user_id is not null))
);
create index acting_charges_acting on acting_charges (acting_user_id, ends_on);
create index acting_charges_office on acting_charges (office_id, ends_on);

-- The audit trail says in what capacity an officer acted ("for Block Development Officer, Barasat I", "taken over on
-- escalation"). Added to the hash only when present, so every chain written before stays valid.
alter table application_events add column capacity text;

-- 3. Escalations that can act. When the DM takes over a late scrutiny or decision, the application gets a handler:
-- the officer who holds the BDO's powers on it (the DM himself, or the acting officer he names) until it is
-- decided or sent back.
alter table applications add column handler_id text references users (id);
alter table sla_breaches add column taken_over_at timestamptz;
alter table sla_breaches add column taken_over_by text references users (id);
alter table sla_breaches add column handed_to text references users (id);

-- 4. The counter network: kiosks and CSCs are offices with an address, a PIN, opening hours, and a close date.
-- The parent says what the counter serves (a CSC its block, a kiosk its subdivision or the district).
alter table offices add column address text;
alter table offices add column pin text check (pin ~ '^[1-9][0-9]{5}$');
alter table offices add column hours text;
alter table offices add column closed_at timestamptz;
create index offices_pin on offices (pin) where kind in ('kiosk', 'csc');

-- Proving who you are at the counter before a print: a code sent to the applicant's mobile (only its hash kept), or
-- the AIN with the date of birth and a photo ID whose type and number are recorded. A passed check allows prints
-- for a short while, at that counter, by that operator.
create table counter_identity_checks (
  id             uuid primary key default gen_random_uuid(),
  application_id bigint not null references applications (id),
  counter_id     text not null references offices (id),
  operator_id    text not null references users (id),
  method         text not null check (method in ('otp', 'photo_id')),
  code_hash      text,
  attempts       integer not null default 0,
  id_type        text,
  id_number      text,
  created_at     timestamptz not null,
  expires_at     timestamptz not null,
  verified_at    timestamptz,
  check ((method = 'otp') = (code_hash is not null)),
  check ((method = 'photo_id') = (id_number is not null))
);
create index counter_identity_checks_app on counter_identity_checks (application_id, created_at desc);

create table certificate_prints (
  id             bigint generated always as identity primary key,
  certificate_no text not null references certificates (certificate_no),
  counter_id     text not null references offices (id),
  operator_id    text not null references users (id),
  check_id       uuid not null references counter_identity_checks (id),
  copies         integer not null check (copies between 1 and 5),
  printed_at     timestamptz not null
);
create index certificate_prints_counter on certificate_prints (counter_id, printed_at);
create index certificate_prints_at on certificate_prints (printed_at) include (counter_id, copies);
create trigger certificate_prints_append_only before update or delete on certificate_prints
  for each row execute function refuse_audit_change();

-- Who took the certificate away: the applicant or someone for them, with the ID shown (its last 4 characters).
create table certificate_collections (
  certificate_no text primary key references certificates (certificate_no),
  collector_name text not null,
  relation       text not null check (relation in ('self', 'father', 'mother', 'spouse', 'son', 'daughter', 'sibling', 'other')),
  id_type        text not null,
  id_last4       text not null check (id_last4 ~ '^[A-Za-z0-9]{4}$'),
  counter_id     text references offices (id),
  recorded_by    text not null references users (id),
  collected_at   timestamptz not null
);

-- 5. Urban areas. Municipal areas lie outside any block: each is an office of kind 'urban' (its 3-digit code is the
-- office part of the AIN and the certificate number, like a block's) under its subdivision, and the mapping below
-- says which office does the BDO's steps there and in which role. West Bengal's stated practice is that the SDO
-- issues for municipal areas; no government order saying so was found, so it is data, replaceable per area.
alter table offices drop constraint offices_kind_check;
alter table offices add constraint offices_kind_check check (kind in ('district', 'subdivision', 'block', 'kiosk', 'csc', 'urban'));
alter table offices add constraint offices_urban_code check (kind <> 'urban' or code ~ '^[0-9]{3}$');
alter table offices add column area_kind text check (area_kind in ('municipal_corporation', 'municipality'));
alter table offices add column source text;

create table area_processing (
  area_office_id       text primary key references offices (id),
  processing_office_id text not null references offices (id),
  processing_role      text not null check (processing_role in ('bdo', 'sdo')),
  source               text not null
);

-- North 24 Parganas's urban local bodies (Census 2011 town list: 27 municipalities; Rajarhat-Gopalpur merged into
-- Bidhannagar Municipal Corporation in 2015 and Rajarhat moved to the Bidhannagar subdivision, per Wikipedia), in
-- the subdivision each lies in (Wikipedia's subdivision pages; the state's Municipal Affairs Department lists the
-- same bodies). No official office codes were found: the codes 101–126 are this system's own, after the blocks.
insert into offices (id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id, area_kind, source) values
  ('n24pgs/bidhannagar/bidhannagar-mc', 'urban', '101', 'Bidhannagar Municipal Corporation', 'বিধাননগর পৌরনিগম', 'n24pgs/bidhannagar', 'n24pgs', 'n24pgs/bidhannagar', 'municipal_corporation', 'Census 2011 town list (Bidhannagar M, Rajarhat Gopalpur M); merged 2015 (Wikipedia)'),
  ('n24pgs/barasat-sadar/barasat-m', 'urban', '102', 'Barasat Municipality', 'বারাসত পৌরসভা', 'n24pgs/barasat-sadar', 'n24pgs', 'n24pgs/barasat-sadar', 'municipality', 'Census 2011 town list; Wikipedia, Barasat Sadar subdivision'),
  ('n24pgs/barasat-sadar/madhyamgram-m', 'urban', '103', 'Madhyamgram Municipality', 'মধ্যমগ্রাম পৌরসভা', 'n24pgs/barasat-sadar', 'n24pgs', 'n24pgs/barasat-sadar', 'municipality', 'Census 2011 town list; Wikipedia, Barasat Sadar subdivision'),
  ('n24pgs/barasat-sadar/habra-m', 'urban', '104', 'Habra Municipality', 'হাবড়া পৌরসভা', 'n24pgs/barasat-sadar', 'n24pgs', 'n24pgs/barasat-sadar', 'municipality', 'Census 2011 town list; Wikipedia, Barasat Sadar subdivision'),
  ('n24pgs/barasat-sadar/ashokenagar-kalyangarh-m', 'urban', '105', 'Ashokenagar Kalyangarh Municipality', 'অশোকনগর কল্যাণগড় পৌরসভা', 'n24pgs/barasat-sadar', 'n24pgs', 'n24pgs/barasat-sadar', 'municipality', 'Census 2011 town list; Wikipedia, Barasat Sadar subdivision'),
  ('n24pgs/barasat-sadar/gobardanga-m', 'urban', '106', 'Gobardanga Municipality', 'গোবরডাঙা পৌরসভা', 'n24pgs/barasat-sadar', 'n24pgs', 'n24pgs/barasat-sadar', 'municipality', 'Census 2011 town list; Wikipedia, Barasat Sadar subdivision'),
  ('n24pgs/barrackpore/kamarhati-m', 'urban', '107', 'Kamarhati Municipality', 'কামারহাটি পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/baranagar-m', 'urban', '108', 'Baranagar Municipality', 'বরানগর পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/dum-dum-m', 'urban', '109', 'Dum Dum Municipality', 'দমদম পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/north-dum-dum-m', 'urban', '110', 'North Dum Dum Municipality', 'উত্তর দমদম পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/south-dum-dum-m', 'urban', '111', 'South Dum Dum Municipality', 'দক্ষিণ দমদম পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/new-barrackpore-m', 'urban', '112', 'New Barrackpore Municipality', 'নিউ ব্যারাকপুর পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/panihati-m', 'urban', '113', 'Panihati Municipality', 'পানিহাটি পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/khardaha-m', 'urban', '114', 'Khardaha Municipality', 'খড়দহ পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/titagarh-m', 'urban', '115', 'Titagarh Municipality', 'টিটাগড় পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/barrackpore-m', 'urban', '116', 'Barrackpore Municipality', 'ব্যারাকপুর পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/north-barrackpore-m', 'urban', '117', 'North Barrackpore Municipality', 'উত্তর ব্যারাকপুর পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/garulia-m', 'urban', '118', 'Garulia Municipality', 'গারুলিয়া পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/bhatpara-m', 'urban', '119', 'Bhatpara Municipality', 'ভাটপাড়া পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/naihati-m', 'urban', '120', 'Naihati Municipality', 'নৈহাটি পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/halisahar-m', 'urban', '121', 'Halisahar Municipality', 'হালিশহর পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/barrackpore/kanchrapara-m', 'urban', '122', 'Kanchrapara Municipality', 'কাঁচরাপাড়া পৌরসভা', 'n24pgs/barrackpore', 'n24pgs', 'n24pgs/barrackpore', 'municipality', 'Census 2011 town list; Wikipedia, Barrackpore subdivision'),
  ('n24pgs/bangaon/bangaon-m', 'urban', '123', 'Bangaon Municipality', 'বনগাঁ পৌরসভা', 'n24pgs/bangaon', 'n24pgs', 'n24pgs/bangaon', 'municipality', 'Census 2011 town list (Bongaon M); Wikipedia, Bangaon subdivision'),
  ('n24pgs/basirhat/basirhat-m', 'urban', '124', 'Basirhat Municipality', 'বসিরহাট পৌরসভা', 'n24pgs/basirhat', 'n24pgs', 'n24pgs/basirhat', 'municipality', 'Census 2011 town list; Wikipedia, Basirhat subdivision'),
  ('n24pgs/basirhat/taki-m', 'urban', '125', 'Taki Municipality', 'টাকি পৌরসভা', 'n24pgs/basirhat', 'n24pgs', 'n24pgs/basirhat', 'municipality', 'Census 2011 town list; Wikipedia, Basirhat subdivision'),
  ('n24pgs/basirhat/baduria-m', 'urban', '126', 'Baduria Municipality', 'বাদুড়িয়া পৌরসভা', 'n24pgs/basirhat', 'n24pgs', 'n24pgs/basirhat', 'municipality', 'Census 2011 town list; Wikipedia, Basirhat subdivision');

-- Every municipal area to its subdivision's SDO. The practice is stated, not found in a government order.
insert into area_processing (area_office_id, processing_office_id, processing_role, source)
  select id, subdivision_id, 'sdo', 'West Bengal practice: the SDO issues residential certificates for municipal areas (no GO found)'
  from offices where kind = 'urban';

-- Counters get the fields the network needs; the seeded ones keep their rows.
update offices set address = name_en, hours = 'Mon–Sat 10:00–17:00' where kind in ('kiosk', 'csc');

-- 6. Appeals under the West Bengal Right to Public Services Act, 2013 (West Bengal Act XVII of 2013, notified
-- 1492-L of 27 Sep 2013). Who hears an appeal and the time limits are rules data: the defaults below follow the
-- issue (SDO for a BDO's decision, DM for an SDO's; the DM reviews; 30 days to file and to decide), because the
-- Act's notified periods for this service were not found. Notification 149-P of 16 Sep 2022 names, for the
-- Domicile certificate, the DM as Appellate and the Divisional Commissioner as Reviewing Officer: a district that
-- adopts it edits these rows.
create table appeal_rules (
  level            integer not null check (level in (1, 2)),
  designated_role  text not null check (designated_role in ('bdo', 'sdo', 'dm')),
  appellate_role   text not null check (appellate_role in ('sdo', 'dm', 'divisional_commissioner')),
  filing_days      integer not null check (filing_days between 1 and 365),
  deciding_days    integer not null check (deciding_days between 1 and 365),
  source           text not null,
  primary key (level, designated_role)
);
insert into appeal_rules (level, designated_role, appellate_role, filing_days, deciding_days, source) values
  (1, 'bdo', 'sdo', 30, 30, 'default (issue 13); replace from the state notification'),
  (1, 'sdo', 'dm', 30, 30, 'default (issue 13); replace from the state notification'),
  (2, 'bdo', 'dm', 30, 30, 'default (issue 13): Reviewing Officer the DM; replace from the state notification'),
  (2, 'sdo', 'dm', 30, 30, 'default (issue 13): Reviewing Officer the DM; replace from the state notification');

create table appeals (
  id                  bigint generated always as identity primary key,
  application_id      bigint not null references applications (id),
  level               integer not null check (level in (1, 2)),
  first_appeal_id     bigint references appeals (id),
  ground              text not null check (ground in ('rejected', 'delayed', 'first_appeal')),
  grounds             text not null,
  filed_by            text not null references users (id),
  filed_at            timestamptz not null,
  designated_role     text not null,
  designated_user_id  text references users (id),
  appellate_role      text not null,
  appellate_office_id text not null references offices (id),
  decide_by           timestamptz not null,
  status              text not null default 'pending' check (status in ('pending', 'allowed', 'dismissed')),
  order_reasons       text,
  direction_days      integer check (direction_days between 1 and 60),
  decided_by          text references users (id),
  decided_at          timestamptz,
  penalty_rupees      integer check (penalty_rupees between 250 and 1000),
  penalty_reasons     text,
  escalated_at        timestamptz,
  check ((level = 2) = (first_appeal_id is not null)),
  check ((status = 'pending') = (decided_at is null)),
  check (penalty_rupees is null or level = 2)
);
create index appeals_application on appeals (application_id, level);
create index appeals_office_status on appeals (appellate_office_id, status, decide_by);
-- One pending appeal per application and level.
create unique index appeals_one_pending on appeals (application_id, level) where status = 'pending';

alter table documents drop constraint documents_kind_check;
alter table documents add constraint documents_kind_check
  check (kind in ('photo', 'identity', 'age', 'residence', 'signed_form', 'field_photo', 'appeal'));
alter table documents add column appeal_id bigint references appeals (id);
