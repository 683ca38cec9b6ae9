-- Notifications on every channel, and what the SMS gateways tell us (issue 5; DESIGN §6, §8).

-- The outbox learns retries, dead letters and delivery reports. A message is 'pending' until a provider accepts it
-- ('sent'), then 'delivered' when a delivery report says so; 'dead' after a permanent failure or too many
-- attempts (an administrator can send it again); 'cancelled' when there is nobody left to send it to (a push
-- subscription removed before its turn).
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
  check (status in ('pending', 'sent', 'delivered', 'dead', 'cancelled'));
alter table outbox add column user_id text references users (id);
-- The DLT template the SMS was rendered from: the gateway drops a text that does not match its registration.
alter table outbox add column template_id text;
alter table outbox add column html text;
alter table outbox add column link text;
alter table outbox add column delivery_status text;
alter table outbox add column delivered_at timestamptz;
create index outbox_provider_id on outbox (provider_id) where provider_id is not null;
-- The administrator's list of messages in trouble: dead ones, and pending ones that have failed at least once.
create index outbox_trouble on outbox (created_at desc) where status = 'dead' or (status = 'pending' and last_error is not null);

-- Web push (one row per browser: the push service's endpoint identifies the device's subscription).
create table push_subscriptions (
  id         bigint generated always as identity primary key,
  user_id    text not null references users (id) on delete cascade,
  endpoint   text not null unique check (endpoint like 'https://%'),
  p256dh     text not null,
  auth       text not null,
  created_at timestamptz not null
);
create index push_subscriptions_user on push_subscriptions (user_id);

-- Keys the server makes once and every process shares (the VAPID key pair), so several processes behind a load
-- balancer sign pushes with the same key the browsers subscribed with.
create table server_keys (
  name       text primary key,
  value      text not null,
  created_at timestamptz not null
);

-- A language chosen on a feature phone (USSD menu 3), for numbers with or without an account.
create table phone_languages (
  mobile     text primary key check (mobile ~ '^\+[0-9]{8,15}$'),
  lang       text not null check (lang in ('bn', 'en', 'hi')),
  updated_at timestamptz not null
);

-- Gateways retry a callback until they see a 200, so every callback is recorded once under its own key (provider
-- and message id, or a hash of the fields when the provider sends no id) and a repeat is answered without acting.
create table gateway_callbacks (
  key         text primary key,
  kind        text not null check (kind in ('inbound', 'delivery')),
  received_at timestamptz not null
);

-- Status questions asked by SMS, kept for the replies' audit (the text itself is not stored: it may hold anything).
create table sms_inbound (
  id          bigint generated always as identity primary key,
  provider    text not null check (provider in ('africastalking', 'msdg')),
  sender      text not null,
  intent      text not null check (intent in ('status', 'help', 'invalid_ain', 'unknown')),
  ain         text,
  received_at timestamptz not null
);
