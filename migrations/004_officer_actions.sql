-- The officers' workflow (issue 4): who holds the enquiry, and why an application was rejected or sent back.
alter table applications add column assigned_eo_id text references users (id);
alter table applications add column decision_code text;
alter table applications add column decision_remarks text;
create index applications_assigned_eo on applications (assigned_eo_id, status) where assigned_eo_id is not null;
