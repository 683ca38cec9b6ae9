// Sessions as in Lucia's guide: the token is "<id>.<secret>", the database keeps only SHA-256(secret), and the
// secret is compared in constant time. A session ends after SESSION_IDLE_MINUTES without use or SESSION_MAX_HOURS
// after login, whichever comes first.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import type { User } from '../users/user.ts';

export const SESSION_COOKIE = 'session';
// Writing last_active_at on every request would turn each read into a write; a minute's slack is harmless.
const TOUCH_AFTER_MS = 60_000;

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastActiveAt: Date;
}

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export async function createSession(deps: Pick<Deps, 'sql' | 'clock'>, userId: string): Promise<{ token: string; session: Session }> {
  const id = randomId(15);
  const secret = randomId(24);
  const now = deps.clock.now();
  await deps.sql`
    insert into sessions (id, secret_hash, user_id, created_at, last_active_at)
    values (${id}, ${hashSecret(secret)}, ${userId}, ${now}, ${now})`;
  return { token: `${id}.${secret}`, session: { id, userId, createdAt: now, lastActiveAt: now } };
}

export async function validateSessionToken(
  deps: Pick<Deps, 'sql' | 'clock' | 'config'>,
  token: string
): Promise<{ session: Session; user: User } | null> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
  const [row] = await deps.sql<(SessionRow & User)[]>`
    select s.id as session_id, s.secret_hash, s.created_at as session_created_at, s.last_active_at,
           u.id, u.name, u.mobile, u.email, u.role, u.office_id, u.lang, u.must_change_password
    from sessions s join users u on u.id = s.user_id
    where s.id = ${id} and u.deactivated_at is null`;
  if (!row) return null;
  const given = hashSecret(secret);
  if (given.length !== row.secretHash.length || !timingSafeEqual(given, row.secretHash)) return null;

  const now = deps.clock.now().getTime();
  const { idleMs, maxMs } = deps.config.session;
  if (now - row.lastActiveAt.getTime() >= idleMs || now - row.sessionCreatedAt.getTime() >= maxMs) {
    await invalidateSession(deps.sql, row.sessionId);
    return null;
  }
  let lastActiveAt = row.lastActiveAt;
  if (now - lastActiveAt.getTime() >= TOUCH_AFTER_MS) {
    lastActiveAt = new Date(now);
    await deps.sql`update sessions set last_active_at = ${lastActiveAt} where id = ${row.sessionId}`;
  }
  return {
    session: { id: row.sessionId, userId: row.id, createdAt: row.sessionCreatedAt, lastActiveAt },
    user: {
      id: row.id,
      name: row.name,
      mobile: row.mobile,
      email: row.email,
      role: row.role,
      officeId: row.officeId,
      lang: row.lang,
      mustChangePassword: row.mustChangePassword
    }
  };
}

export async function invalidateSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`;
}

/** Ends every session of a user except, optionally, the one making the request. */
export async function invalidateUserSessions(sql: Queryable, userId: string, exceptSessionId?: string): Promise<void> {
  await sql`delete from sessions where user_id = ${userId} and id <> ${exceptSessionId ?? ''}`;
}

interface SessionRow {
  sessionId: string;
  secretHash: Buffer;
  sessionCreatedAt: Date;
  lastActiveAt: Date;
}

/** A password the user chose, in place of the old: no longer one to change, and every other session of theirs ends. */
export async function replacePassword(db: Sql, userId: string, passwordHash: string, keepSessionId: string): Promise<void> {
  await db.begin(async (sql) => {
    await sql`
      update users set password_hash = ${passwordHash}, must_change_password = false, password_expires_at = null
      where id = ${userId}`;
    await invalidateUserSessions(sql, userId, keepSessionId);
  });
}
