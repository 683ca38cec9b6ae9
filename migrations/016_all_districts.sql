-- All 23 districts of West Bengal (issue 15 item 1; DESIGN §15). The offices themselves come from
-- api/offices/west-bengal.csv through the importer (npm run offices:import, and at every start when the file has
-- changed): a migration holds only their shape, so renaming a block is an edit of the data file, not a new migration.

-- The Census 2011 code of a district (national, 327-345) or of a CD block (5-digit sub-district code), where one exists.
alter table offices add column census_code text check (census_code ~ '^[0-9]{3,5}$');

-- A block's or municipal area's code is the office part of the AIN (DESIGN §4: YY DD OOO ...), so it must be unique
-- within its district, not only within its subdivision (the older index offices_code_per_parent).
create unique index offices_area_code_per_district on offices (district_id, code) where kind in ('block', 'urban');
create unique index offices_district_code on offices (code) where kind = 'district';

-- Each import of the data file: what it changed, so a start skips a file it has already loaded and an operator sees
-- which offices could not be removed because something refers to them.
create table office_imports (
  id          bigint generated always as identity primary key,
  checksum    text not null,
  imported_at timestamptz not null,
  inserted    integer not null,
  updated     integer not null,
  removed     integer not null,
  kept        text[] not null default '{}'
);
