// The audit trail (DESIGN §4): every change appends one event. Each event's hash covers its content and the previous
// event's hash, so editing or removing a past event breaks every hash after it; the database refuses updates and
// deletes outright (migration 003), and verifyChain() finds a change made around that.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/connect.ts';

export interface NewEvent {
  applicationId: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  remarks: string | null;
  channel: string | null;
  at: Date;
  /** In what capacity, when not the officer's own post: "for Block Development Officer, Barasat I" (issue 13). */
  capacity?: string | null;
}

export interface StoredEvent extends NewEvent {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

export function hashEvent(e: NewEvent & { seq: number; prevHash: string }): string {
  const content: unknown[] = [e.applicationId, e.seq, e.actorId, e.actorRole, e.action, e.fromStatus, e.toStatus, e.remarks, e.channel, e.at.toISOString(), e.prevHash];
  // Only when present, so that every event written before the column existed keeps its hash.
  if (e.capacity) content.push(e.capacity);
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Appends an event. Call inside the transaction that makes the change, after locking the application row. */
export async function appendEvent(sql: Queryable, e: NewEvent): Promise<StoredEvent> {
  const [last] = await sql<{ seq: number; hash: string }[]>`
    select seq, hash from application_events where application_id = ${e.applicationId} order by seq desc limit 1`;
  const { seq, prevHash, hash } = sealEvent(e, last ?? null);
  await sql`
    insert into application_events (application_id, seq, actor_id, actor_role, action, from_status, to_status, remarks, channel, at, prev_hash, hash, capacity)
    values (${e.applicationId}, ${seq}, ${e.actorId}, ${e.actorRole}, ${e.action}, ${e.fromStatus}, ${e.toStatus}, ${e.remarks}, ${e.channel}, ${e.at}, ${prevHash}, ${hash}, ${e.capacity ?? null})`;
  return { ...e, seq, prevHash, hash };
}

/** The next link of the chain: its number, the previous hash and its own hash. */
export function sealEvent(e: NewEvent, previous: { seq: number; hash: string } | null): StoredEvent {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS;
  return { ...e, seq, prevHash, hash: hashEvent({ ...e, seq, prevHash }) };
}

export async function listEvents(sql: Queryable, applicationId: string): Promise<StoredEvent[]> {
  return sql<StoredEvent[]>`
    select application_id::text, seq, actor_id, actor_role, action, from_status, to_status, remarks, channel, at, prev_hash, hash, capacity
    from application_events where application_id = ${applicationId} order by seq`;
}

/** The seq of the first event whose hash does not match, or null when the chain is intact. */
export function verifyChain(events: StoredEvent[]): number | null {
  let prev = GENESIS;
  for (const e of events) {
    if (e.prevHash !== prev || hashEvent(e) !== e.hash) return e.seq;
    prev = e.hash;
  }
  return null;
}
