-- The operations report counts each counter's filings in a period (api/mis/operations.ts: filing_office_id and
-- submitted_at). Migration 018 led the submission index with the application's own office, which a counter is not,
-- so without this each counter's count read the whole table.
create index applications_filing_office on applications (filing_office_id, submitted_at) where filing_office_id is not null;
