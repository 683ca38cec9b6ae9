-- The SLA clock, escalations and what MIS reports read (issue 6; seed §C, §D; DESIGN §5).

-- The escalation matrix of seed §C, one row per step. Days count from T, the submission (or resubmission).
create table sla_rules (
  step             text primary key check (step in ('scrutiny', 'enquiry', 'approval')),
  position         integer not null unique,
  responsible_role text not null check (responsible_role in ('bdo', 'eo')),
  due_days         integer not null check (due_days between 0 and 60),
  l1_role          text not null check (l1_role in ('bdo', 'sdo', 'dm')),
  l1_due_days      integer not null check (l1_due_days between 0 and 90),
  check (l1_due_days >= due_days)
);
insert into sla_rules (step, position, responsible_role, due_days, l1_role, l1_due_days) values
  ('scrutiny', 1, 'bdo', 1, 'dm', 3),
  ('enquiry', 2, 'eo', 4, 'bdo', 5),
  ('approval', 3, 'bdo', 5, 'dm', 6);

-- T, the due time of the step the application is in (and of its L1 escalation), and when it was decided. The
-- step dues are null while nothing is expected of an officer (sent back, decided, delivered): that is how the
-- clock stops during a send-back. `due_at` stays what the citizen is told: the decision expected by.
alter table applications add column sla_started_at timestamptz;
alter table applications add column step_due_at timestamptz;
alter table applications add column l1_due_at timestamptz;
alter table applications add column decided_at timestamptz;
-- T of an existing application is its last resubmission, else its submission. Its step dues need the rules and the
-- holidays, so the server fills them in at start (fillMissingDues in api/sla/rules.ts), not this file.
update applications a set sla_started_at = coalesce(
  (select max(e.at) from application_events e where e.application_id = a.id and e.action = 'resubmit'), submitted_at);
update applications a set decided_at = (
  select max(e.at) from application_events e where e.application_id = a.id and e.action in ('approve', 'reject'))
  where status in ('approved', 'rejected', 'delivered');
alter table applications alter column sla_started_at set not null;
create index applications_open_step_due on applications (step_due_at) where status in ('submitted', 'under_enquiry', 'enquiry_reported');
create index applications_open_l1_due on applications (l1_due_at) where status in ('submitted', 'under_enquiry', 'enquiry_reported');
create index applications_pending_office on applications (office_id, status) where status in ('submitted', 'under_enquiry', 'enquiry_reported', 'sent_back');
-- MIS reads a period's rows from these alone (index-only scans on a vacuumed table), never the wide rows.
create index applications_submitted on applications (submitted_at) include (office_id, channel);
create index applications_decided on applications (decided_at) include (office_id, status, decision_code, due_at, submitted_at)
  where decided_at is not null;

-- Holidays an administrator adds (the state's notified list) say who added them.
alter table holidays add column created_by text references users (id);

-- Each breach once (the unique key, whatever number of sweepers runs): the step's own due time missed, or the L1
-- officer's. `escalated_to` is the role that was alerted.
create table sla_breaches (
  id              bigint generated always as identity primary key,
  application_id  bigint not null references applications (id),
  office_id       text not null references offices (id),
  step            text not null references sla_rules (step),
  level           text not null check (level in ('responsible', 'l1')),
  due_at          timestamptz not null,
  detected_at     timestamptz not null,
  escalated_to    text not null check (escalated_to in ('bdo', 'sdo', 'dm')),
  acknowledged_at timestamptz,
  acknowledged_by text references users (id),
  ack_comment     text,
  unique (application_id, step, level, due_at),
  check ((acknowledged_at is null) = (acknowledged_by is null))
);
create index sla_breaches_office on sla_breaches (office_id, detected_at desc);

-- Reminders to the responsible officer, once per step and due time.
create table sla_reminders (
  application_id bigint not null references applications (id),
  step           text not null references sla_rules (step),
  due_at         timestamptz not null,
  sent_at        timestamptz not null,
  primary key (application_id, step, due_at)
);
