// Web push with VAPID (RFC 8292) through the `web-push` package. The key pair is made once and kept in the
// database, so every process signs with the key the browsers subscribed with; VAPID_PUBLIC_KEY and
// VAPID_PRIVATE_KEY, when set, take its place.
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Sql } from '../db/connect.ts';
import { recordDevMessage } from '../dev/messages.ts';
import type { PushSender, SendOutcome } from './channels.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * Registers a device's subscription for this user. The same browser subscribing again, or someone else logging in
 * on it, moves the subscription, never copies it: the endpoint is the device.
 */
export async function subscribe(sql: Sql, userId: string, s: { endpoint: string; keys: { p256dh: string; auth: string } }, at: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into push_subscriptions (user_id, endpoint, p256dh, auth, created_at)
    values (${userId}, ${s.endpoint}, ${s.keys.p256dh}, ${s.keys.auth}, ${at})
    on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth
    returning id::text`;
  return row!.id;
}

export async function unsubscribe(sql: Sql, userId: string, endpoint: string): Promise<void> {
  await sql`delete from push_subscriptions where endpoint = ${endpoint} and user_id = ${userId}`;
}

export async function loadVapidKeys(sql: Sql, configured: Partial<VapidKeys>, now: Date): Promise<VapidKeys> {
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  const fresh = webpush.generateVAPIDKeys();
  // Two processes starting together both try; the first insert wins and both read the same pair back.
  await sql`insert into server_keys (name, value, created_at) values ('vapid', ${JSON.stringify(fresh)}, ${now}) on conflict (name) do nothing`;
  const [row] = await sql<{ value: string }[]>`select value from server_keys where name = 'vapid'`;
  return JSON.parse(row!.value) as VapidKeys;
}

export interface WebPushOptions {
  keys: VapidKeys;
  /** A mailto: or https: address the push services can reach us at. */
  subject: string;
  /** Outside production every push is also written to the dev inbox. */
  record: boolean;
  /** Tests reach a local push service with a self-signed certificate through this agent. */
  agent?: Agent;
}

export function createWebPush(sql: Sql, options: WebPushOptions): PushSender {
  return {
    publicKey: options.keys.publicKey,
    async send(subscription, message, log): Promise<SendOutcome> {
      if (options.record) await recordDevMessage(sql, { channel: 'push', recipient: new URL(subscription.endpoint).host, subject: message.title, body: message.body });
      try {
        const res = await webpush.sendNotification(
          { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          JSON.stringify(message),
          {
            vapidDetails: { subject: options.subject, publicKey: options.keys.publicKey, privateKey: options.keys.privateKey },
            // A status change is still worth knowing a day later; after four days it is stale.
            TTL: 4 * 24 * 3600,
            urgency: 'normal',
            timeout: 10_000,
            ...(options.agent ? { agent: options.agent } : {})
          }
        );
        return { ok: true, providerId: res.headers.location ?? `push-${res.statusCode}` };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) return { ok: false, retry: false, gone: true, error: `push service: ${status} gone` };
        // 403: the subscription was made with another VAPID key (keys changed); it can never work again. The PWA
        // notices the different key and subscribes afresh.
        if (status === 403) return { ok: false, retry: false, gone: true, error: 'push service: 403 key mismatch' };
        log.warn('push_failed', { status: status ?? null });
        // 429 and 5xx pass with time; other 4xx (a payload too large, a bad key) would fail again.
        const retry = status === undefined || status === 429 || status >= 500;
        return { ok: false, retry, error: status ? `push service: ${status}` : err instanceof Error ? err.message : String(err) };
      }
    }
  };
}
