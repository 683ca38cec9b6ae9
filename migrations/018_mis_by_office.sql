-- Issue 15 item 8, state scale: MIS reads a period's rows of some offices. Led by the date, as in 007_sla.sql, the
-- indexes made a district's summary read the whole state's period and drop the other districts' rows: at 10,000,000
-- applications in 23 districts, a district's year cost as much as the state's. Led by the office, each block's
-- period is one range of the index, and a district reads only its own rows. Still index-only (MIS never reads the
-- wide rows), and a query over the whole state reads the same rows as before. test/bench/state-scale.ts measures it.
create index applications_office_submitted on applications (office_id, submitted_at) include (channel);
create index applications_office_decided on applications (office_id, decided_at) include (status, decision_code, due_at, submitted_at)
  where decided_at is not null;
drop index applications_submitted;
drop index applications_decided;
