-- Issue 15 item 8, state scale: the MIS for a year read every application of the period through the indexes by office
-- (018_mis_by_office.sql), about five million index entries for the state at 10,000,000 applications, which took
-- 4.8 s against a bar of 2 s. These tables hold the same figures counted per office and Kolkata day, and again per
-- office and Kolkata month, so that a period reads its whole months from the month rows and only its first and
-- last days from the day rows (api/mis/summary.ts): about a hundred rows per office for a year.
--
-- They are kept by triggers on applications, so they are exact at every moment, whatever changes a row: a decision,
-- a reopening on appeal (decided_at back to null), a resubmission (a new due date), a transfer between offices, a
-- deletion. Each trigger takes away what the old row counted and adds what the new row counts. The triggers are
-- deferred to the commit, so the counter rows (shared by every change of an office on a day) are locked for the
-- commit alone, not through the rest of a decision's or an appeal's transaction (submissions of one office already
-- take turns on its AIN serial, api/applications/submit.ts). An error in them surfaces at COMMIT.
--
-- Every path of the service changes one application per transaction, so counter rows are always locked in one
-- order (decisions, rejections, receipts; day before month) and commits cannot deadlock on them. A script that
-- changes many applications in one transaction (a bulk transfer between offices, a cleanup) must first
-- `lock table mis_received, mis_decided, mis_rejections in share row exclusive mode`, or run with triggers off and
-- call mis_rebuild() after. TRUNCATE of applications is already refused: it must cascade to application_events,
-- which refuses it (003_applications.sql).
--
-- Applying this migration locks applications against writes while mis_rebuild() counts the existing rows (about a
-- minute at 10,000,000 applications on a 2-core machine): apply it in a maintenance window (README, "Upgrading").
--
-- The day is the Kolkata calendar day, at UTC+05:30 as api/time.ts reckons it (no daylight saving). The decision
-- figures repeat the MIS's own expressions: disposal hours from the first submission rounded half up, on time when
-- decided by the date last given to the citizen, a rejection's reason 'other' when it has none. (The plain queries
-- ended a day at 23:59:59.999; the service writes its times to the millisecond, so no row falls in the gap.) Pending
-- figures stay live: they are as at now, and the partial index of pending applications already serves them.
--
-- Anything that writes applications with triggers disabled (session_replication_role = replica, as the state-scale
-- generator does) must call mis_rebuild() afterwards.

create table mis_received (
  office_id text not null,
  month     boolean not null, -- true: the month that begins on day
  day       date not null,
  channel   text not null,
  count     integer not null,
  primary key (office_id, month, day, channel)
);

-- Decisions by disposal time in hours: the per-office figures are their sums, the median and the 90th percentile
-- are read from the summed histogram.
create table mis_decided (
  office_id text not null,
  month     boolean not null,
  day       date not null,
  hours     integer not null,
  approved  integer not null,
  rejected  integer not null,
  on_time   integer not null,
  primary key (office_id, month, day, hours)
);

create table mis_rejections (
  office_id text not null,
  month     boolean not null,
  day       date not null,
  reason    text not null,
  count     integer not null,
  primary key (office_id, month, day, reason)
);

create function mis_day(at timestamptz) returns date language sql immutable as $$
  select ((at at time zone 'UTC') + interval '5 hours 30 minutes')::date
$$;

create function mis_month(day date) returns date language sql immutable as $$
  select date_trunc('month', day::timestamp)::date
$$;

-- Adds (sign 1) or takes away (sign -1) what one application counts among the period's receipts.
create function mis_count_received(a applications, sign integer) returns void language plpgsql as $$
declare
  d date := mis_day(a.submitted_at);
begin
  insert into mis_received (office_id, month, day, channel, count)
  values (a.office_id, false, d, a.channel, sign), (a.office_id, true, mis_month(d), a.channel, sign)
  on conflict (office_id, month, day, channel) do update set count = mis_received.count + excluded.count;
end $$;

-- The same for the period's decisions; an application never decided counts nothing.
create function mis_count_decided(a applications, sign integer) returns void language plpgsql as $$
declare
  d date := mis_day(a.decided_at);
  taken integer := floor(date_part('epoch', a.decided_at - a.submitted_at) / 3600 + 0.5)::int;
  refused boolean := a.status = 'rejected';
begin
  if a.decided_at is null then
    return;
  end if;
  insert into mis_decided (office_id, month, day, hours, approved, rejected, on_time)
  select a.office_id, m, case when m then mis_month(d) else d end, taken,
         case when refused then 0 else sign end, case when refused then sign else 0 end,
         case when a.decided_at <= a.due_at then sign else 0 end
  from unnest(array[false, true]) m
  on conflict (office_id, month, day, hours) do update
    set approved = mis_decided.approved + excluded.approved, rejected = mis_decided.rejected + excluded.rejected,
        on_time = mis_decided.on_time + excluded.on_time;
  if refused then
    insert into mis_rejections (office_id, month, day, reason, count)
    values (a.office_id, false, d, coalesce(a.decision_code, 'other'), sign),
           (a.office_id, true, mis_month(d), coalesce(a.decision_code, 'other'), sign)
    on conflict (office_id, month, day, reason) do update set count = mis_rejections.count + excluded.count;
  end if;
end $$;

create function mis_received_changed() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then perform mis_count_received(old, -1); end if;
  if tg_op in ('INSERT', 'UPDATE') then perform mis_count_received(new, 1); end if;
  return null;
end $$;

create function mis_decided_changed() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then perform mis_count_decided(old, -1); end if;
  if tg_op in ('INSERT', 'UPDATE') then perform mis_count_decided(new, 1); end if;
  return null;
end $$;

-- An update fires only when it changes what the row counts (a trigger's WHEN cannot name OLD on insert nor NEW on
-- delete, hence two triggers each).
create constraint trigger mis_received_rows after insert or delete on applications
  deferrable initially deferred for each row execute function mis_received_changed();
create constraint trigger mis_received_update after update on applications deferrable initially deferred for each row
  when ((old.office_id, old.submitted_at, old.channel) is distinct from (new.office_id, new.submitted_at, new.channel))
  execute function mis_received_changed();
create constraint trigger mis_decided_rows after insert or delete on applications
  deferrable initially deferred for each row execute function mis_decided_changed();
create constraint trigger mis_decided_update after update on applications deferrable initially deferred for each row
  when ((old.office_id, old.submitted_at, old.decided_at, old.due_at, old.status = 'rejected', old.decision_code)
        is distinct from (new.office_id, new.submitted_at, new.decided_at, new.due_at, new.status = 'rejected', new.decision_code))
  execute function mis_decided_changed();

-- Counts everything again from applications: after this migration, and after a load with triggers disabled.
create function mis_rebuild() returns void language plpgsql as $$
begin
  -- No change to applications may commit while the counts are made again, or it would be counted twice or lost.
  lock table applications in share mode;
  delete from mis_received;
  delete from mis_decided;
  delete from mis_rejections;
  insert into mis_received (office_id, month, day, channel, count)
  select office_id, false, mis_day(submitted_at), channel, count(*) from applications group by 1, 2, 3, 4;
  insert into mis_decided (office_id, month, day, hours, approved, rejected, on_time)
  select office_id, false, mis_day(decided_at), floor(date_part('epoch', decided_at - submitted_at) / 3600 + 0.5)::int,
         count(*) filter (where status <> 'rejected'), count(*) filter (where status = 'rejected'),
         count(*) filter (where decided_at <= due_at)
  from applications where decided_at is not null group by 1, 2, 3, 4;
  insert into mis_rejections (office_id, month, day, reason, count)
  select office_id, false, mis_day(decided_at), coalesce(decision_code, 'other'), count(*)
  from applications where decided_at is not null and status = 'rejected' group by 1, 2, 3, 4;
  -- The months from the days.
  insert into mis_received (office_id, month, day, channel, count)
  select office_id, true, mis_month(day), channel, sum(count) from mis_received where not month group by 1, 2, 3, 4;
  insert into mis_decided (office_id, month, day, hours, approved, rejected, on_time)
  select office_id, true, mis_month(day), hours, sum(approved), sum(rejected), sum(on_time)
  from mis_decided where not month group by 1, 2, 3, 4;
  insert into mis_rejections (office_id, month, day, reason, count)
  select office_id, true, mis_month(day), reason, sum(count) from mis_rejections where not month group by 1, 2, 3, 4;
end $$;

select mis_rebuild();
