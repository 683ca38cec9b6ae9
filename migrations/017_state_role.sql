-- Issue 15 item 1: a `state` role above the DM, who sees every district (escalations and MIS across districts,
-- drilling down to a district and a block) and acts on none of them.
--
-- A state officer belongs to no office, like the administrator. The offices table is the tree district →
-- subdivision → block that applications are filed in, scoped by equality on district_id and subdivision_id; a
-- state-level office would need a district of its own and would reach nothing by that equality. The state officer's
-- reach is "everywhere" instead (api/authz.ts `reach`), described once beside every other role's.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check check (role in ('citizen', 'operator', 'eo', 'bdo', 'sdo', 'dm', 'state', 'admin'));
alter table users drop constraint users_check;
alter table users add constraint users_check check ((role in ('citizen', 'state', 'admin')) = (office_id is null));
