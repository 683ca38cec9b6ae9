-- Issue 15 item 8, state scale: the first sweep over a backlog records tens of thousands of breaches and reminders in
-- a few statements, and each row's foreign key to sla_rules (step) was checked by a query of its own: about 50 ms for
-- every 15,000 rows (test/bench/state-scale.ts). The steps are a fixed list of three that sla_rules' own check
-- constraint already names (007_sla.sql), and the service never writes sla_rules after 007 fills it, so the same list
-- checked on the row itself keeps out every value the key kept out, with no query.
--
-- The list repeats shared/workflow.ts's slaSteps, as 007's check on sla_rules does; a new step needs all three.
--
-- Adding the checks reads sla_breaches and sla_reminders once while they are locked against writes (well under a
-- second per million rows): the sweeper and officers' actions wait that long.
alter table sla_breaches
  drop constraint sla_breaches_step_fkey,
  add constraint sla_breaches_step_check check (step in ('scrutiny', 'enquiry', 'approval'));
alter table sla_reminders
  drop constraint sla_reminders_step_fkey,
  add constraint sla_reminders_step_check check (step in ('scrutiny', 'enquiry', 'approval'));
