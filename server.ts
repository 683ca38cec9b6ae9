// The composition root (DESIGN §2): reads the configuration, opens the database, runs migrations, builds the one
// `deps` object, and serves the PWA, /api and /sms on one port. /api and /sms go straight to Hono's request
// listener; only the rest reaches SvelteKit's handler, so the API never pays for SvelteKit's router.
import { getRequestListener } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApi } from './api/app.ts';
import { keepAliveLongerThanClients } from './api/http/keep-alive.ts';
import type { Lifecycle } from './api/health.ts';
import { deriveAadhaarKeys } from './api/applications/aadhaar.ts';
import { loadConfig, type Config } from './api/config.ts';
import { ensurePrivateDir, openDatabase } from './api/db/connect.ts';
import { migrate } from './api/db/migrate.ts';
import { ensureOfficesImported } from './api/offices/import.ts';
import { type Clock, type Deps, developmentClock, systemClock } from './api/deps.ts';
import { createConsoleMailer } from './api/dev/messages.ts';
import type { Mailer } from './api/notify/channels.ts';
import { createLogger, requestIdFrom, type Logger } from './api/log.ts';
import { errorFields } from './shared/log-line.ts';
import { createMetrics } from './api/metrics/metrics.ts';
import type { Agent } from 'node:https';
import { createSmtpMailer } from './api/notify/mail.ts';
import { startDispatcher } from './api/notify/outbox.ts';
import { createWebPush, loadVapidKeys } from './api/notify/push.ts';
import { startRetention } from './api/retention/retention.ts';
import { openStorage } from './api/storage/storage.ts';
import { readOrCreate, SecretCache } from './api/secrets.ts';
import { seedStateHolidays } from './api/sla/holidays.ts';
import { fillMissingDues } from './api/sla/rules.ts';
import { startSweeper } from './api/sla/sweeper.ts';
import { startUploadJanitor } from './api/documents/janitor.ts';
import { startCheckpointer } from './api/audit/checkpoints.ts';
import { existingDemoUsers, seedDemoUsers } from './api/users/demo.ts';
import { createSmsApp } from './sms/app.ts';
import { createSmsSender } from './sms/providers/index.ts';

// The listener answers every failure itself (@hono/node-server's handleFetchError and handleResponseError), so the
// router starts it and does not wait: its promise never rejects.
type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Outside production a missing secret is generated once and kept under DATA_DIR, so a developer needs no setup and
 * restarts keep reading old data. Production must configure every secret: starting without one is refused.
 */
async function developmentAadhaarKey(config: Config): Promise<Buffer> {
  if (config.production) throw new Error('AADHAAR_KEY must be set in production (see .env.example).');
  const hex = await readOrCreate(join(config.dataDir, 'secrets', 'aadhaar.key'), () => randomBytes(32).toString('hex'));
  return Buffer.from(hex.toString('utf8').trim(), 'hex');
}

export interface Runtime {
  deps: Deps;
  demoUsers: string[];
  /** `stopping` turns readiness to 503 (api/health.ts). */
  lifecycle: Lifecycle;
  /** Routes /api and /sms; calls `next` for everything else. */
  route(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /**
   * Stops the background workers: the dispatcher hands back the messages it has claimed but not started at once;
   * the promise settles when the messages already with a provider and a running sweep are done.
   */
  stopWork(): Promise<void>;
  /** Stops the workers (waiting for them at most `graceMs`), then closes the database. */
  close(graceMs?: number): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  log?: Logger;
  /** 0 leaves the outbox to the caller (tests that dispatch by hand). */
  dispatchIntervalMs?: number;
  /** Tests reach a local push service that has a self-signed certificate. */
  pushAgent?: Agent;
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const log = overrides.log ?? createLogger(config.logLevel);
  ensurePrivateDir(config.dataDir);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pooler: config.databasePooler });
  try {
    const applied = await migrate(db.sql);
    if (applied.length) log.info('migrated', { applied: applied.join(',') });
    // Every district's offices, from the data file (issue 15 item 1): a fresh database gets them all, and a changed
    // file is applied at the next start. Unchanged, this is one query.
    const offices = await ensureOfficesImported(db.sql, new Date());
    if (offices) log.info('offices_imported', { rows: offices.rows, inserted: offices.inserted, updated: offices.updated, removed: offices.removed.length, kept: offices.kept.join(',') });
    const record = !config.production;
    const clock = overrides.clock ?? (config.production ? systemClock : developmentClock());
    const mail: Mailer & { close?(): void } = config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : createConsoleMailer(db.sql, record);
    const vapid = await loadVapidKeys(db.sql, config.vapid, clock.now());
    const metrics = createMetrics(db, { now: () => clock.now() });
    const deps: Deps = {
      config,
      sql: db.sql,
      clock,
      log,
      sms: await createSmsSender(config, db.sql),
      mail,
      push: createWebPush(db.sql, { keys: vapid, subject: config.vapid.subject, record, agent: overrides.pushAgent }),
      storage: await openStorage(config.storage),
      aadhaarKeys: deriveAadhaarKeys(config.aadhaarKey ?? (await developmentAadhaarKey(config))),
      metrics,
      secrets: new SecretCache()
    };
    // Gateways cannot reach a production server without the secret: say so at start, not at the first refused call.
    if (config.production && !config.smsCallbackSecret) log.warn('sms_callbacks_refused', { reason: 'SMS_CALLBACK_SECRET is not set' });
    if (config.production) {
      const demo = await existingDemoUsers(db.sql);
      if (demo.length) throw new Error(`Demo accounts exist in this database (${demo.join(', ')}): production will not start with them. Delete them, or use a fresh database and create the first administrator with \`npm run admin:create\`.`);
    }
    const demoUsers = config.demoSeed ? await seedDemoUsers(deps) : [];
    await seedStateHolidays(db.sql, clock.now());
    const filled = await fillMissingDues(db.sql, config.sla.days);
    if (filled) log.info('sla_dues_filled', { applications: filled });
    const dispatcher = overrides.dispatchIntervalMs === 0 ? null : startDispatcher(deps, overrides.dispatchIntervalMs, deps.metrics);
    const sweeper = config.sla.sweepIntervalMs > 0 ? startSweeper(deps, config.sla.sweepIntervalMs, deps.metrics) : null;
    const retention = config.retention.intervalMs > 0 ? startRetention(deps, config.retention.intervalMs) : null;
    const maintenance = config.databaseUrl ? null : startEmbeddedMaintenance(deps);
    const janitor = startUploadJanitor(deps);
    const checkpointer = config.auditCheckpointIntervalMs > 0 ? startCheckpointer(deps, config.auditCheckpointIntervalMs) : null;
    const lifecycle: Lifecycle = { stopping: false };
    const api: Listener = getRequestListener(createApi(deps, lifecycle).fetch);
    const sms: Listener = getRequestListener(createSmsApp(deps).fetch);
    let working: Promise<void> | null = null;
    const stopWork = () => (working ??= Promise.all([dispatcher?.stop(), sweeper?.stop(), retention?.stop(), maintenance?.stop(), janitor.stop(), checkpointer?.stop()]).then(() => undefined));
    return {
      deps,
      demoUsers,
      lifecycle,
      stopWork,
      route(req, res, next) {
        // Every log line this request causes carries its id; the answer gives it back for the caller's report. The
        // API, the gateways' app and SvelteKit's hooks (another module graph, build/) all read it from the request.
        const reqId = requestIdFrom(req.headers['x-request-id']);
        req.headers['x-request-id'] = reqId;
        res.setHeader('X-Request-Id', reqId);
        const url = req.url ?? '/';
        if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return void api(req, res);
        if (url === '/sms' || url.startsWith('/sms/') || url.startsWith('/sms?')) return void sms(req, res);
        // Prometheus's conventional path; the route itself lives in the API with its schema.
        if (url === '/metrics' || url.startsWith('/metrics?')) {
          req.url = '/api' + url;
          return void api(req, res);
        }
        next();
      },
      async close(graceMs = Infinity) {
        let timer: NodeJS.Timeout | undefined;
        const grace = Number.isFinite(graceMs) ? new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))) : new Promise<void>(() => {});
        await Promise.race([stopWork(), grace]);
        clearTimeout(timer);
        mail.close?.();
        await db.close();
      }
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * PGlite has no autovacuum: without a VACUUM the planner's statistics go stale and MIS loses its index-only scans.
 * A real PostgreSQL does this itself. Every six hours, and once a minute after start.
 */
function startEmbeddedMaintenance(deps: Pick<Deps, 'sql' | 'log'>): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = () => {
    running ??= deps.sql`vacuum analyze`.catch((err: unknown) => deps.log.error('vacuum_failed', { error: String(err) })).finally(() => (running = null));
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, 6 * 3_600_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    }
  };
}

const pageHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=()',
  'Cross-Origin-Opener-Policy': 'same-origin'
};

async function main() {
  // Everything this process creates (database files, uploads, secrets, the database socket) is for its own user
  // only: 0600 files, 0700 directories.
  process.umask(0o077);
  const config = loadConfig();
  // adapter-node reads these when its handler is imported; without ORIGIN it assumes https and refuses form posts.
  process.env.ORIGIN ??= config.origin;
  process.env.BODY_SIZE_LIMIT ??= String(config.bodySizeLimit);
  const handlerPath = join(import.meta.dirname, 'build', 'handler.js');
  if (!existsSync(handlerPath)) throw new Error('No build found: run `npm run build` (npm start does it for you).');
  const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void };

  const log = createLogger(config.logLevel);
  // An error nothing caught leaves the process in an unknown state: log it as one JSON line and exit non-zero, so
  // the supervisor (deploy/edistrict-orc.service, Restart=always) starts a clean one.
  const crash = (kind: string) => (err: unknown) => {
    log.error(kind, errorFields(err));
    process.exit(70); // EX_SOFTWARE
  };
  process.on('uncaughtException', crash('uncaught_exception'));
  process.on('unhandledRejection', crash('unhandled_rejection'));

  const runtime = await createRuntime(config, { log });
  const { lifecycle } = runtime;
  const inFlight = new Set<ServerResponse>();
  let idle: (() => void) | null = null;
  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) idle?.();
    });
    // While stopping, a request on a connection opened earlier is still served, but the connection is not kept.
    if (lifecycle.stopping) res.setHeader('Connection', 'close');
    runtime.route(req, res, () => {
      // Prerendered pages are served as static files, which SvelteKit's hooks never see; their CSP is in a meta tag.
      for (const [name, value] of Object.entries(pageHeaders)) res.setHeader(name, value);
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('Not found');
      });
    });
  });
  keepAliveLongerThanClients(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // a port in use ends the start with a clear message, not a hang
    server.listen(config.port, config.host, resolve);
  });
  log.info('listening', { url: config.origin, host: config.host, database: config.databaseUrl ? 'postgresql' : 'embedded', production: config.production });
  if (runtime.demoUsers.length) {
    console.log(`\nDemo accounts (password "${config.demoPassword}"):\n  ${runtime.demoUsers.join('\n  ')}\nOpen ${config.origin}\n`);
  }

  /**
   * Graceful shutdown (issue 15 item 4), as systemd or Kubernetes stop a process: readiness turns 503 and no new
   * connection is accepted; the outbox messages claimed but not started are handed back at once; requests in
   * flight get up to DRAIN_MS to finish, then their connections are cut; then the database closes.
   */
  const DRAIN_MS = 10_000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.stopping = true;
    log.info('stopping', { signal, inFlight: inFlight.size });
    // Requests already running finish, and tell their clients not to send another on the same connection.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Whatever happens below, the process is gone shortly after the drain.
    setTimeout(() => {
      log.error('shutdown_timeout', {});
      process.exit(1);
    }, DRAIN_MS + 5_000).unref();
    server.close(); // no new connections; idle keep-alive connections are closed now
    const deadline = Date.now() + DRAIN_MS;
    void runtime.stopWork(); // hands back unsent outbox leases now; awaited (within the deadline) by close()
    const requests = inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
    await Promise.race([requests, new Promise((r) => setTimeout(r, DRAIN_MS))]);
    const cut = inFlight.size;
    server.closeAllConnections();
    await runtime.close(Math.max(0, deadline - Date.now()));
    log.info('stopped', { signal, requestsCut: cut });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('Could not start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
