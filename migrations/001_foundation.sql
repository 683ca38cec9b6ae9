-- Offices, people and sessions. DESIGN §2–§3.

-- One table for every kind of office. district_id and subdivision_id are copied down the tree so that scoping an
-- officer's query to their jurisdiction is one equality, not a recursive walk.
create table offices (
  id             text primary key,
  kind           text not null check (kind in ('district', 'subdivision', 'block', 'kiosk', 'csc')),
  code           text not null,
  name_en        text not null,
  name_bn        text not null,
  parent_id      text references offices (id),
  district_id    text not null references offices (id),
  subdivision_id text references offices (id),
  check ((kind = 'district') = (parent_id is null)),
  -- The AIN carries a 2-digit district code and a 3-digit block code (DESIGN §4).
  check (kind <> 'district' or code ~ '^[0-9]{2}$'),
  check (kind <> 'block' or code ~ '^[0-9]{3}$')
);
create unique index offices_code_per_parent on offices (parent_id, kind, code);

create table users (
  id                   text primary key,
  name                 text not null check (length(name) between 2 and 100),
  mobile               text not null unique check (mobile ~ '^\+91[6-9][0-9]{9}$'),
  email                text unique check (email = lower(email)),
  role                 text not null check (role in ('citizen', 'operator', 'eo', 'bdo', 'sdo', 'dm', 'admin')),
  office_id            text references offices (id),
  lang                 text not null default 'bn' check (lang in ('bn', 'en', 'hi')),
  password_hash        text not null,
  must_change_password boolean not null default false,
  -- A one-time password stops working after this time; null once the user has chosen their own.
  password_expires_at  timestamptz,
  created_by           text references users (id),
  created_at           timestamptz not null default now(),
  -- Citizens and the administrator belong to no office; every officer and operator to exactly one.
  check ((role in ('citizen', 'admin')) = (office_id is null))
);
create index users_office on users (office_id);

-- Lucia's session design: the cookie holds "id.secret"; only SHA-256(secret) is stored.
create table sessions (
  id             text primary key,
  secret_hash    bytea not null,
  user_id        text not null references users (id) on delete cascade,
  created_at     timestamptz not null,
  last_active_at timestamptz not null
);
create index sessions_user on sessions (user_id);

-- Failed-login counters per account and per client address. Keys are SHA-256 digests, so the table holds no
-- login names or addresses.
create table login_failures (
  key             text primary key,
  failures        integer not null,
  window_start_at timestamptz not null
);

-- What the console SMS and email providers "sent", for the dev inbox. Never written in production.
create table dev_messages (
  id         bigint generated always as identity primary key,
  channel    text not null check (channel in ('sms', 'email', 'push')),
  recipient  text not null,
  subject    text,
  body       text not null,
  created_at timestamptz not null default now()
);
