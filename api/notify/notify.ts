// Who hears about an event, on which channels, in which language: the rows for the outbox, written by the caller
// in the same transaction as the change (DESIGN §8). Nothing here sends anything.
import type { Lang } from '../../i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { emailFrame, render, type NotificationEvent, type RenderedMessage, type SlotValues } from './templates.ts';

export type Channel = 'sms' | 'email' | 'push';

/**
 * Citizens hear of every step on every channel they have; officers get new work and reminders by push and email
 * (an SMS for each file would drown a BDO), and escalations on all three, because a missed time limit must not
 * wait for someone to open a browser (DESIGN §5, §8).
 */
const channelsFor: Record<NotificationEvent, readonly Channel[]> = {
  received: ['sms', 'email', 'push'],
  sent_for_enquiry: ['sms', 'email', 'push'],
  enquiry_completed: ['sms', 'email', 'push'],
  sent_back: ['sms', 'email', 'push'],
  approved: ['sms', 'email', 'push'],
  rejected: ['sms', 'email', 'push'],
  collected: ['sms', 'email', 'push'],
  certificate_revoked: ['sms', 'email', 'push'],
  new_work: ['push', 'email'],
  reminder: ['push', 'email'],
  escalation: ['sms', 'email', 'push'],
  status_reply: ['sms'],
  help: ['sms'],
  short_help: ['sms'],
  invalid_ain: ['sms'],
  not_found: ['sms'],
  too_many_messages: ['sms'],
  // Sent straight away by sendLoginDetails, never through the outbox: it carries a one-time password.
  welcome: [],
  recovery_code: [],
  status_reply_open: ['sms'],
  status_reply_rejected: ['sms'],
  status_reply_sent_back: ['sms'],
  status_reply_revoked: ['sms'],
  // The same for the code a counter asks for before printing a certificate (issue 13).
  counter_code: [],
  appeal_filed: ['sms', 'email', 'push'],
  appeal_decided: ['sms', 'email', 'push'],
  // The Appellate or Reviewing Officer with an appeal to decide, and again when its time has passed.
  appeal_to_decide: ['sms', 'email', 'push'],
  // As the messages they stand for.
  escalation_digest: ['sms', 'email', 'push'],
  l1_escalation_digest: ['sms', 'email', 'push'],
  reminder_digest: ['push', 'email']
};

export interface Notification {
  event: NotificationEvent;
  /** Account ids; each gets the message in their own language. */
  userIds: readonly string[];
  values: SlotValues | ((lang: Lang) => SlotValues);
  applicationId?: string;
  /** Where the email's link and a tap on the push notification lead. */
  link: string;
  /**
   * The applicant's own mobile and email as written on the form, which may be no account's (a family member or a
   * counter filed it): they hear by SMS and email in the account holder's language, greeted by the applicant's name.
   * An address an account above already gets is not sent to twice.
   */
  contacts?: { name: string; mobile: string | null; email: string | null };
}

interface Recipient {
  id: string;
  name: string;
  mobile: string;
  email: string | null;
  lang: Lang;
}

export async function enqueueNotification(sql: Queryable, at: Date, n: Notification): Promise<number> {
  return enqueueNotifications(sql, at, [n]);
}

/**
 * Many notifications at once (the SLA sweeper can raise tens of thousands): the recipients and their devices are read
 * in two queries and the rows written in batches (OutboxWriter). More than a batch of rows is written by more than one
 * statement, so a caller with that many passes its transaction, as the sweeper does.
 */
export async function enqueueNotifications(sql: Queryable, at: Date, list: readonly Notification[]): Promise<number> {
  // Notifications often share one list of account ids (the sweeper's events of one office): each list is looked up
  // once, not once per notification.
  const lists = new Set(list.map((n) => n.userIds));
  const ids = [...new Set([...lists].flat())];
  if (ids.length === 0) return 0;
  const users = new Map(
    (await sql<Recipient[]>`select id, name, mobile, email, lang from users where id in ${sql(ids)}`).map((u) => [u.id, u])
  );
  const devices = new Map<string, string[]>();
  for (const d of await sql<{ id: string; userId: string }[]>`select id::text, user_id from push_subscriptions where user_id in ${sql(ids)} order by id`) {
    (devices.get(d.userId) ?? devices.set(d.userId, []).get(d.userId)!).push(d.id);
  }
  const recipientsOf = new Map<readonly string[], Recipient[]>();
  for (const userIds of lists) recipientsOf.set(userIds, [...new Set(userIds)].sort().flatMap((id) => users.get(id) ?? []));
  const out = new OutboxWriter(sql, at);
  // Each address hears of an event once, however many roles it has (the account holder's mobile may be the form's).
  const sent = new Set<string>();
  const add = (row: Row) => {
    const key = `${row.channel}:${row.recipient.toLowerCase()}`;
    if (sent.has(key)) return;
    sent.add(key);
    out.add(row);
  };
  try {
    for (const n of list) {
      const channels = channelsFor[n.event];
      const sms = channels.includes('sms');
      const email = channels.includes('email');
      const push = channels.includes('push');
      sent.clear();
      const recipients = recipientsOf.get(n.userIds)!;
      for (const user of recipients) {
        const values = typeof n.values === 'function' ? n.values(user.lang) : n.values;
        const m = render(n.event, user.lang, values);
        // What every row of this message to this person shares.
        const common = { lang: user.lang, event: n.event, templateId: m.templateId, applicationId: n.applicationId, link: n.link };
        // The form's contacts come first, so an address that is both the form's and the account's is greeted by the
        // applicant's name.
        if (n.contacts && user === recipients[0]) {
          const c = n.contacts;
          const mobile = c.mobile ? toE164IndianMobile(c.mobile) : null;
          if (sms && mobile) add({ ...common, channel: 'sms', recipient: mobile, body: m.sms });
          if (email && c.email) {
            add({ ...common, channel: 'email', recipient: c.email.toLowerCase(), subject: m.subject, body: emailText(m, user.lang, c.name, n.link), html: emailHtml(m, user.lang, c.name, n.link) });
          }
        }
        const userId = user.id;
        if (sms) add({ ...common, channel: 'sms', recipient: user.mobile, userId, body: m.sms });
        if (email && user.email) {
          add({ ...common, channel: 'email', recipient: user.email, userId, subject: m.subject, body: emailText(m, user.lang, user.name, n.link), html: emailHtml(m, user.lang, user.name, n.link) });
        }
        if (push) {
          for (const device of devices.get(user.id) ?? []) add({ ...common, channel: 'push', recipient: device, userId, subject: m.subject, body: m.sentence });
        }
      }
      if (out.full) await out.flush();
    }
  } catch (err) {
    // The caller's transaction fails with this error, not with a batch's that waited behind it.
    await out.settle();
    throw err;
  }
  await out.close();
  return out.count;
}

/**
 * An SMS to a number that may belong to nobody (a reply to a status question). `about.applicationId`, when the reply
 * tells an application's state, puts it in line behind that application's messages to the number (outbox.ts).
 */
export async function enqueueSms(sql: Queryable, at: Date, to: string, lang: Lang, event: NotificationEvent, values: SlotValues, about: { userId?: string; applicationId?: string } = {}): Promise<void> {
  const m = render(event, lang, values);
  await insertRows(sql, at, [{ channel: 'sms', recipient: to, lang, event, templateId: m.templateId, body: m.sms, ...about }]);
}

// A type, not an interface, so that it is a JSONValue for the driver (insertRows).
type Row = {
  channel: Channel;
  recipient: string;
  lang: Lang;
  event: NotificationEvent;
  templateId: string;
  body: string;
  subject?: string;
  html?: string;
  link?: string;
  userId?: string;
  applicationId?: string;
};

/**
 * The rows in batches of BATCH, each one statement with a column per array: the sweeper's backlog writes tens of
 * thousands of messages, and as a multi-row VALUES list (13 parameters a row) the driver spent about a second of CPU on
 * 30,000 rows' parameters at state scale (test/bench/state-scale.ts). A batch is sent as soon as it is full and
 * PostgreSQL writes it while the next one is made (postgres.js pipelines a transaction's queries on its connection),
 * so the two processes work side by side and no array of every row (and its text for the driver) is held at once.
 */
class OutboxWriter {
  static readonly BATCH = 2_000;
  count = 0;
  private rows: Row[] = [];
  private writing: Promise<void>[] = [];

  constructor(
    private readonly sql: Queryable,
    private readonly at: Date
  ) {}

  add(row: Row) {
    this.rows.push(row);
    this.count++;
  }

  get full(): boolean {
    return this.rows.length >= OutboxWriter.BATCH;
  }

  /** Sends the batch, and waits for the one before it, so at most two are in flight. */
  async flush(): Promise<void> {
    this.send();
    const before = this.writing.at(-2);
    if (before) await before;
  }

  /** Sends what is left and waits for every batch; a failed batch's error is the caller's (its transaction fails). */
  async close(): Promise<void> {
    this.send();
    await Promise.all(this.writing);
  }

  /** Waits for the batches already sent, whatever their outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.writing);
  }

  private send() {
    if (this.rows.length === 0) return;
    const batch = insertRows(this.sql, this.at, this.rows);
    // Awaited in flush() or close(); until then a failure must not count as unhandled.
    batch.catch(() => {});
    this.writing.push(batch);
    this.rows = [];
  }
}

async function insertRows(sql: Queryable, at: Date, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  // The rows go as one JSON text: V8 writes it in one native call, where an array per column had each value escaped
  // by the driver (a third of the sweep's own CPU at state scale). A property left undefined is a null column.
  await sql`
    insert into outbox (channel, recipient, user_id, lang, template, template_id, subject, body, html, link, application_id, next_attempt_at, created_at)
    select channel, recipient, "userId", lang, event, "templateId", subject, body, html, link, "applicationId", ${at}, ${at}
    from jsonb_to_recordset(${sql.json(rows)})
      as r (channel text, recipient text, "userId" text, lang text, event text, "templateId" text, subject text, body text, html text, link text, "applicationId" bigint)`;
}

function emailText(m: RenderedMessage, lang: Lang, name: string, link: string): string {
  const f = emailFrame[lang];
  return [f.greeting.replace('{name}', name), m.sentence, f.link.replace('{url}', link), f.footer].join('\n\n');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain, single-column email that reads on any phone's mail app; the text part carries the same words. */
function emailHtml(m: RenderedMessage, lang: Lang, name: string, link: string): string {
  const f = emailFrame[lang];
  const [before, after] = f.link.split('{url}');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(m.subject)}</title></head>
<body style="font-family:'Noto Sans Bengali','Noto Sans',Arial,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:36em;margin:0 auto;padding:16px">
<p>${escapeHtml(f.greeting.replace('{name}', name))}</p>
<p style="font-size:18px">${escapeHtml(m.sentence)}</p>
<p>${escapeHtml(before ?? '')}<a href="${escapeHtml(link)}" style="color:#0b5d3b">${escapeHtml(link)}</a>${escapeHtml(after ?? '')}</p>
<p style="color:#505a5f;font-size:14px">${escapeHtml(f.footer)}</p>
</body></html>`;
}
