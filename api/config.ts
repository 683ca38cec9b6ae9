// Every setting the process reads, in one place. Documented in .env.example; nothing else reads process.env.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { S3Settings } from './storage/s3.ts';
import { parseStorageUrl } from './storage/storage.ts';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  ORIGIN: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOLER: z.enum(['none', 'pgbouncer']).default('none'),
  DATA_DIR: z.string().default('./data'),
  DEFAULT_LANG: z.enum(['bn', 'en', 'hi']).default('bn'),
  BODY_SIZE_LIMIT: z.coerce.number().int().positive().default(512 * 1024),
  UPLOAD_SIZE_LIMIT: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  TEMP_PASSWORD_HOURS: z.coerce.number().positive().default(72),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(30),
  LOGIN_THROTTLE_MINUTES: z.coerce.number().positive().default(15),
  TRUST_PROXY: flag.default(false),
  DEMO_PASSWORD: z.string().min(8).default('demo-password'),
  SMS_PROVIDER: z.enum(['console', 'africastalking', 'msdg']).default('console'),
  AFRICASTALKING_USERNAME: z.string().optional(),
  AFRICASTALKING_API_KEY: z.string().optional(),
  AFRICASTALKING_SENDER_ID: z.string().optional(),
  AFRICASTALKING_SMS_URL: z.string().url().optional(),
  MSDG_URL: z.string().url().optional(),
  MSDG_USERNAME: z.string().optional(),
  MSDG_PASSWORD: z.string().optional(),
  MSDG_SENDER_ID: z.string().length(6, 'must be the 6-character DLT header').optional(),
  MSDG_SECURE_KEY: z.string().optional(),
  MSDG_ENTITY_ID: z.string().regex(/^\d{12,19}$/, 'must be the 12–19 digit DLT entity id').optional(),
  SMS_CALLBACK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('e-District North 24 Parganas <no-reply@localhost>'),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// address').default('mailto:no-reply@localhost'),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).optional(),
  SLA_DAYS: z.enum(['working', 'calendar']).default('working'),
  SLA_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  SLA_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  AADHAAR_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  TRACK_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  SIGNING_P12_DIR: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().optional(),
  SIGNING_TRUSTED_CA_PEM: z.string().optional(),
  DISTRICT_SEAL_KEY: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  STORAGE_URL: z.string().regex(/^s3:\/\//, 'must start with s3:// (unset: files under DATA_DIR/files)').optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('ap-south-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional()
});

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in an .env file mean "not set", as they do for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const missing = (names: (keyof typeof e)[]) => names.filter((n) => !e[n]);
  const needed =
    e.SMS_PROVIDER === 'africastalking'
      ? missing(['AFRICASTALKING_USERNAME', 'AFRICASTALKING_API_KEY'])
      : e.SMS_PROVIDER === 'msdg'
        ? missing(['MSDG_USERNAME', 'MSDG_PASSWORD', 'MSDG_SENDER_ID', 'MSDG_SECURE_KEY', 'MSDG_ENTITY_ID'])
        : [];
  if (needed.length) throw new Error(`Invalid configuration:\n${needed.map((n) => `  ${n}: required when SMS_PROVIDER=${e.SMS_PROVIDER}`).join('\n')}`);
  const production = e.NODE_ENV === 'production';
  // adapter-node assumes https when ORIGIN is missing, which breaks cookies on plain http in development.
  const origin = e.ORIGIN ?? `http://localhost:${e.PORT}`;
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    origin,
    secureCookies: origin.startsWith('https:'),
    databaseUrl: e.DATABASE_URL,
    databasePooler: e.DATABASE_POOLER,
    dataDir: resolve(e.DATA_DIR),
    defaultLang: e.DEFAULT_LANG,
    bodySizeLimit: e.BODY_SIZE_LIMIT,
    uploadSizeLimit: e.UPLOAD_SIZE_LIMIT,
    session: {
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      maxMs: e.SESSION_MAX_HOURS * 3_600_000,
      tempPasswordMs: e.TEMP_PASSWORD_HOURS * 3_600_000
    },
    throttle: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perClient: e.LOGIN_MAX_FAILURES_PER_CLIENT,
      windowMs: e.LOGIN_THROTTLE_MINUTES * 60_000
    },
    trustProxy: e.TRUST_PROXY,
    demoSeed: !production,
    demoPassword: e.DEMO_PASSWORD,
    sms:
      e.SMS_PROVIDER === 'africastalking'
        ? { provider: 'africastalking', username: e.AFRICASTALKING_USERNAME!, apiKey: e.AFRICASTALKING_API_KEY!, senderId: e.AFRICASTALKING_SENDER_ID, smsUrl: e.AFRICASTALKING_SMS_URL }
        : e.SMS_PROVIDER === 'msdg'
          ? { provider: 'msdg', url: e.MSDG_URL, username: e.MSDG_USERNAME!, password: e.MSDG_PASSWORD!, senderId: e.MSDG_SENDER_ID!, secureKey: e.MSDG_SECURE_KEY!, entityId: e.MSDG_ENTITY_ID! }
          : { provider: 'console' },
    smsCallbackSecret: e.SMS_CALLBACK_SECRET,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    vapid: { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT },
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    outboxLeaseMs: e.OUTBOX_LEASE_SECONDS && e.OUTBOX_LEASE_SECONDS * 1000,
    sla: { days: e.SLA_DAYS, sweepIntervalMs: e.SLA_SWEEP_INTERVAL_SECONDS * 1000, reminderHour: e.SLA_REMINDER_HOUR },
    logLevel: e.LOG_LEVEL,
    aadhaarKey: e.AADHAAR_KEY ? Buffer.from(e.AADHAAR_KEY, 'hex') : undefined,
    trackRequestsPerMinute: e.TRACK_REQUESTS_PER_MINUTE,
    signing: {
      p12Dir: e.SIGNING_P12_DIR && resolve(e.SIGNING_P12_DIR),
      p12Passphrase: e.SIGNING_P12_PASSPHRASE,
      trustedCaPath: e.SIGNING_TRUSTED_CA_PEM && resolve(e.SIGNING_TRUSTED_CA_PEM),
      sealKeyPath: e.DISTRICT_SEAL_KEY && resolve(e.DISTRICT_SEAL_KEY)
    },
    metricsToken: e.METRICS_TOKEN,
    storage: e.STORAGE_URL
      ? { kind: 's3', ...parseStorageUrl(e.STORAGE_URL), endpoint: e.S3_ENDPOINT, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
      : { kind: 'local', dir: resolve(e.DATA_DIR, 'files') }
  };
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  origin: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  /** `pgbouncer`: DATABASE_URL is a PgBouncer in transaction mode, so no prepared statements. */
  databasePooler: 'none' | 'pgbouncer';
  dataDir: string;
  defaultLang: 'bn' | 'en' | 'hi';
  bodySizeLimit: number;
  uploadSizeLimit: number;
  session: { idleMs: number; maxMs: number; tempPasswordMs: number };
  throttle: { perAccount: number; perClient: number; windowMs: number };
  trustProxy: boolean;
  demoSeed: boolean;
  demoPassword: string;
  sms:
    | { provider: 'console' }
    | { provider: 'africastalking'; username: string; apiKey: string; senderId?: string; smsUrl?: string }
    | { provider: 'msdg'; url?: string; username: string; password: string; senderId: string; secureKey: string; entityId: string };
  /** Gateways call /sms/* with it as `?key=`. Required for those calls in production; checked when set elsewhere. */
  smsCallbackSecret: string | undefined;
  /** No SMTP URL: email goes to the console provider (the dev inbox outside production). */
  mail: { smtpUrl?: string; from: string };
  vapid: { publicKey?: string; privateKey?: string; subject: string };
  outboxMaxAttempts: number;
  /** How long a dispatcher holds the messages it claimed before another may take them (default: a slow batch, twice). */
  outboxLeaseMs?: number;
  /** Working or calendar days; how often the sweeper runs (0: never, tests sweep by hand); the reminder's hour (Kolkata) on the due day. */
  sla: { days: 'working' | 'calendar'; sweepIntervalMs: number; reminderHour: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Unset outside production: a development key is generated and kept under DATA_DIR (server.ts). */
  aadhaarKey: Buffer | undefined;
  trackRequestsPerMinute: number;
  /** Paths resolved. Outside production, what is unset is replaced by a development CA, officer credentials and seal key under DATA_DIR/secrets. */
  signing: { p12Dir?: string; p12Passphrase?: string; trustedCaPath?: string; sealKeyPath?: string };
  /** Bearer token for /metrics; required for it to exist in production, optional elsewhere. */
  metricsToken: string | undefined;
  /** Where files go: DATA_DIR/files by default, or an S3-compatible bucket (STORAGE_URL=s3://bucket/prefix). */
  storage: { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Settings);
}
