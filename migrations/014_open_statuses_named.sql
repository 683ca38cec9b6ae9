-- Issue 16 item 4: the open statuses are named once, in shared/workflow.ts (openStatuses, pendingStatuses), and the
-- queries take that list as a parameter. These partial indexes (007_sla.sql) spell it out all the same: an index
-- predicate is fixed SQL written at creation and cannot take a parameter. The planner uses an index for a query
-- whose condition implies its predicate, which `status = any('{submitted,...}')` does for the list spelled here.
-- Adding a status to the list means a new migration re-creating these indexes; test/integration/migrations.test.ts
-- reads their predicates from pg_indexes and fails while they differ from the named list.
comment on index applications_open_step_due is 'Predicate repeats openStatuses (shared/workflow.ts): an index predicate cannot take a parameter';
comment on index applications_open_l1_due is 'Predicate repeats openStatuses (shared/workflow.ts): an index predicate cannot take a parameter';
comment on index applications_pending_office is 'Predicate repeats pendingStatuses (shared/workflow.ts): an index predicate cannot take a parameter';
