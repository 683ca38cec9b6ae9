// Every setting the process reads, in one place. Documented in .env.example; nothing else reads process.env.
import { resolve } from 'node:path';
import { z } from 'zod';
import { logLevels, type LogLevel } from '../shared/log-line.ts';
import type { S3Settings } from './storage/s3.ts';
import { parseStorageUrl } from './storage/storage.ts';
import { SLOWEST_BATCH_MS } from './notify/outbox.ts';

/** A batch's sends at their slowest (75 s) and a fifth more for the writes that record them. */
const MIN_PRODUCTION_LEASE_MS = SLOWEST_BATCH_MS * 1.2;

const trustProxyMessage = 'how many X-Forwarded-For entries the proxies in front add, 0 to 10 (true or yes for 1, false or no for 0)';

const schema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  ORIGIN: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOLER: z.enum(['none', 'pgbouncer']).default('none'),
  DATABASE_DIRECT_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  DEFAULT_LANG: z.enum(['bn', 'en', 'hi']).default('bn'),
  BODY_SIZE_LIMIT: z.coerce.number().int().positive().default(512 * 1024),
  UPLOAD_SIZE_LIMIT: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  UPLOADS_PER_HOUR: z.coerce.number().int().positive().default(200),
  UPLOAD_UNATTACHED_MAX_FILES: z.coerce.number().int().positive().default(40),
  UPLOAD_UNATTACHED_MAX_MB: z.coerce.number().positive().default(60),
  UPLOAD_UNATTACHED_HOURS: z.coerce.number().positive().default(24),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  TEMP_PASSWORD_HOURS: z.coerce.number().positive().default(72),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(30),
  LOGIN_THROTTLE_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().positive().default(60),
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().positive().default(5),
  REGISTRATIONS_PER_MOBILE_PER_DAY: z.coerce.number().int().positive().default(3),
  // How many X-Forwarded-For entries the reverse proxies in front add: 0 (none, the default), 1 (HAProxy or nginx
  // in front), or more. A flag once; its words still mean 1 and 0.
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|true|false|yes|no)$/, trustProxyMessage)
    .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)))
    .refine((n) => n <= 10, trustProxyMessage)
    .default(0),
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
  MAIL_FROM: z.string().default('e-District West Bengal <no-reply@localhost>'),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// address').default('mailto:no-reply@localhost'),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).optional(),
  RETENTION_GATEWAY_CALLBACK_DAYS: z.coerce.number().positive().default(30),
  RETENTION_SMS_INBOUND_DAYS: z.coerce.number().positive().default(365),
  RETENTION_EXPIRED_SESSION_DAYS: z.coerce.number().min(0).default(7),
  // At least a day: the longest window an attempt is counted in is a day (registrations per mobile).
  RETENTION_ATTEMPT_COUNTER_DAYS: z.coerce.number().min(1).default(2),
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0).default(60),
  SLA_DAYS: z.enum(['working', 'calendar']).default('working'),
  SLA_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  SLA_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  SLA_DIGEST_AFTER: z.coerce.number().int().min(1).max(100_000).default(5),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  AADHAAR_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  TRACK_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  SMS_INBOUND_PER_HOUR: z.coerce.number().int().positive().default(10),
  SIGNING_P12_DIR: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().optional(),
  SIGNING_TRUSTED_CA_PEM: z.string().optional(),
  DISTRICT_SEAL_KEY: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  STORAGE_URL: z.string().regex(/^s3:\/\//, 'must start with s3:// (unset: files under DATA_DIR/files)').optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('ap-south-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_CA_FILE: z.string().optional(),
  // issue 14 h14: signing modes, timestamps, eSign, PKCS#11, DigiLocker
  SIGNING_MODE: z.enum(['dev', 'p12', 'esign', 'pkcs11']).optional(),
  SIGNING_MODE_BY_DISTRICT: z
    .string()
    .regex(/^\s*\d{1,4}\s*=\s*(dev|p12|esign|pkcs11)\s*(,\s*\d{1,4}\s*=\s*(dev|p12|esign|pkcs11)\s*)*$/, 'must be a list like 11=esign,12=pkcs11 (district code = mode)')
    .optional(),
  TSA_URL: z.string().url().optional(),
  TSA_TRUSTED_CA_PEM: z.string().optional(),
  SIGNING_CRL_PEM: z.string().optional(),
  PKCS11_MODULE: z.string().optional(),
  PKCS11_TOKEN_LABEL: z.string().optional(),
  PKCS11_PIN: z.string().optional(),
  PKCS11_SEAL_KEY_LABEL: z.string().optional(),
  ESIGN_ESP_URL: z.string().url().optional(),
  ESIGN_ASP_ID: z.string().optional(),
  ESIGN_ASP_KEY_PEM: z.string().optional(),
  ESIGN_ASP_CERT_PEM: z.string().optional(),
  ESIGN_ESP_CERT_PEM: z.string().optional(),
  ESIGN_TRUSTED_CA_PEM: z.string().optional(),
  ESIGN_TIMEOUT_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  DIGILOCKER_ISSUER_ID: z.string().regex(/^[a-z0-9.]+$/, 'must be the issuer id DigiLocker assigned, e.g. in.gov.wb.edistrict').optional(),
  DIGILOCKER_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  DIGILOCKER_ORG_ID: z.string().optional(),
  DIGILOCKER_ISSUER_NAME: z.string().min(2).max(100).default('e-District West Bengal'),
  DIGILOCKER_DOC_TYPE: z.string().regex(/^[A-Z]{5}$/, 'must be the 5-letter DigiLocker document type code').default('RSCER')
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
  // Settings that are each valid but not together, named as the schema's errors are.
  const problems = needed.map((n) => `  ${n}: required when SMS_PROVIDER=${e.SMS_PROVIDER}`);
  // A counter purged inside its window would start again at zero: the login window must end before the purge.
  if (e.RETENTION_ATTEMPT_COUNTER_DAYS * 1440 < e.LOGIN_THROTTLE_MINUTES) problems.push('  RETENTION_ATTEMPT_COUNTER_DAYS: must be at least LOGIN_THROTTLE_MINUTES long');
  // A CA for an endpoint that is not used would be a setting someone believes is in force.
  if (e.S3_CA_FILE && !e.STORAGE_URL) problems.push('  S3_CA_FILE: only with STORAGE_URL (files on S3-compatible storage)');
  if (e.S3_CA_FILE && !e.S3_ENDPOINT?.startsWith('https://')) problems.push('  S3_CA_FILE: only with an https:// S3_ENDPOINT');
  // Development (demo accounts, the dev inbox, a movable clock) only when asked for in exactly these words: a typo
  // such as "Production" or "prod", or any other value ("test", "staging"), is production with all its checks.
  const production = e.NODE_ENV !== undefined && e.NODE_ENV !== 'development';
  // A lease shorter than a batch at its slowest lets a second dispatcher take and send a message the first is still
  // sending; only tests that kill a process on purpose (in development) want one that short.
  if (production && e.OUTBOX_LEASE_SECONDS !== undefined && e.OUTBOX_LEASE_SECONDS * 1000 < MIN_PRODUCTION_LEASE_MS) {
    problems.push(`  OUTBOX_LEASE_SECONDS: at least ${MIN_PRODUCTION_LEASE_MS / 1000} in production (a batch of messages at its slowest, and a margin for its database writes)`);
  }
  if (problems.length) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  // adapter-node assumes https when ORIGIN is missing, which breaks cookies on plain http in development.
  const origin = e.ORIGIN ?? `http://localhost:${e.PORT}`;
  return {
    production,
    port: e.PORT,
    // Development is reachable from this machine only unless HOST says otherwise; production from anywhere.
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    origin,
    secureCookies: origin.startsWith('https:'),
    databaseUrl: e.DATABASE_URL,
    databasePooler: e.DATABASE_POOLER,
    databaseDirectUrl: e.DATABASE_DIRECT_URL,
    dataDir: resolve(e.DATA_DIR),
    defaultLang: e.DEFAULT_LANG,
    bodySizeLimit: e.BODY_SIZE_LIMIT,
    uploadSizeLimit: e.UPLOAD_SIZE_LIMIT,
    auditCheckpointIntervalMs: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
    uploads: {
      perHour: e.UPLOADS_PER_HOUR,
      maxFiles: e.UPLOAD_UNATTACHED_MAX_FILES,
      maxBytes: Math.round(e.UPLOAD_UNATTACHED_MAX_MB * 1048576),
      unattachedMs: e.UPLOAD_UNATTACHED_HOURS * 3_600_000
    },
    session: {
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      maxMs: e.SESSION_MAX_HOURS * 3_600_000,
      tempPasswordMs: e.TEMP_PASSWORD_HOURS * 3_600_000
    },
    throttle: {
      perAccountAddress: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perClient: e.LOGIN_MAX_FAILURES_PER_CLIENT,
      windowMs: e.LOGIN_THROTTLE_MINUTES * 60_000,
      maxDelayMs: e.LOGIN_MAX_DELAY_SECONDS * 1000
    },
    registration: { perAddressPerHour: e.REGISTRATIONS_PER_ADDRESS_PER_HOUR, perMobilePerDay: e.REGISTRATIONS_PER_MOBILE_PER_DAY },
    trustedProxies: e.TRUST_PROXY,
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
    retention: {
      gatewayCallbackDays: e.RETENTION_GATEWAY_CALLBACK_DAYS,
      smsInboundDays: e.RETENTION_SMS_INBOUND_DAYS,
      expiredSessionDays: e.RETENTION_EXPIRED_SESSION_DAYS,
      attemptCounterDays: e.RETENTION_ATTEMPT_COUNTER_DAYS,
      intervalMs: e.RETENTION_INTERVAL_MINUTES * 60_000
    },
    sla: { days: e.SLA_DAYS, sweepIntervalMs: e.SLA_SWEEP_INTERVAL_SECONDS * 1000, reminderHour: e.SLA_REMINDER_HOUR, digestAfter: e.SLA_DIGEST_AFTER },
    logLevel: e.LOG_LEVEL,
    aadhaarKey: e.AADHAAR_KEY ? Buffer.from(e.AADHAAR_KEY, 'hex') : undefined,
    trackRequestsPerMinute: e.TRACK_REQUESTS_PER_MINUTE,
    smsInboundPerHour: e.SMS_INBOUND_PER_HOUR,
    signing: {
      p12Dir: e.SIGNING_P12_DIR && resolve(e.SIGNING_P12_DIR),
      p12Passphrase: e.SIGNING_P12_PASSPHRASE,
      trustedCaPath: e.SIGNING_TRUSTED_CA_PEM && resolve(e.SIGNING_TRUSTED_CA_PEM),
      sealKeyPath: e.DISTRICT_SEAL_KEY && resolve(e.DISTRICT_SEAL_KEY),
      // Unset: a PKCS#12 folder means p12 (as before modes existed); otherwise the development CA.
      mode: e.SIGNING_MODE ?? (e.SIGNING_P12_DIR || production ? 'p12' : 'dev'),
      modeByDistrict: Object.fromEntries(
        (e.SIGNING_MODE_BY_DISTRICT ?? '')
          .split(',')
          .filter((x) => x.trim())
          .map((x) => x.split('=').map((y) => y.trim()) as [string, SigningMode])
      ),
      tsaUrl: e.TSA_URL,
      trustedTsaCaPath: e.TSA_TRUSTED_CA_PEM && resolve(e.TSA_TRUSTED_CA_PEM),
      crlPath: e.SIGNING_CRL_PEM && resolve(e.SIGNING_CRL_PEM)
    },
    pkcs11: e.PKCS11_MODULE ? { module: e.PKCS11_MODULE, tokenLabel: e.PKCS11_TOKEN_LABEL, pin: e.PKCS11_PIN, sealKeyLabel: e.PKCS11_SEAL_KEY_LABEL } : undefined,
    esign: {
      espUrl: e.ESIGN_ESP_URL,
      aspId: e.ESIGN_ASP_ID,
      aspKeyPath: e.ESIGN_ASP_KEY_PEM && resolve(e.ESIGN_ASP_KEY_PEM),
      aspCertPath: e.ESIGN_ASP_CERT_PEM && resolve(e.ESIGN_ASP_CERT_PEM),
      espCertPath: e.ESIGN_ESP_CERT_PEM && resolve(e.ESIGN_ESP_CERT_PEM),
      trustedCaPath: e.ESIGN_TRUSTED_CA_PEM && resolve(e.ESIGN_TRUSTED_CA_PEM),
      timeoutMs: e.ESIGN_TIMEOUT_MINUTES * 60_000
    },
    digilocker: e.DIGILOCKER_ISSUER_ID && e.DIGILOCKER_API_KEY ? { issuerId: e.DIGILOCKER_ISSUER_ID, apiKey: e.DIGILOCKER_API_KEY, orgId: e.DIGILOCKER_ORG_ID, docType: e.DIGILOCKER_DOC_TYPE, issuerName: e.DIGILOCKER_ISSUER_NAME } : undefined,
    metricsToken: e.METRICS_TOKEN,
    storage: e.STORAGE_URL
      ? { kind: 's3', ...parseStorageUrl(e.STORAGE_URL), endpoint: e.S3_ENDPOINT, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY, caFile: e.S3_CA_FILE && resolve(e.S3_CA_FILE) }
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
  /** PostgreSQL itself, past the pooler: for pg_dump and pg_restore, which need a session of their own. */
  databaseDirectUrl: string | undefined;
  dataDir: string;
  defaultLang: 'bn' | 'en' | 'hi';
  bodySizeLimit: number;
  uploadSizeLimit: number;
  /** How often the audit trail's head is signed and kept outside the database (api/audit/checkpoints.ts); 0: never. */
  auditCheckpointIntervalMs: number;
  /** Per user: uploads an hour, and files and bytes uploaded but not yet in an application; the janitor removes those after unattachedMs. */
  uploads: { perHour: number; maxFiles: number; maxBytes: number; unattachedMs: number };
  session: { idleMs: number; maxMs: number; tempPasswordMs: number };
  /**
   * Login attempts in a window: per account from one address (then that address is refused for that account), per
   * account from anywhere (then growing delays up to maxDelayMs, never a lock-out), per address across accounts.
   */
  throttle: { perAccountAddress: number; perAccount: number; perClient: number; windowMs: number; maxDelayMs: number };
  registration: { perAddressPerHour: number; perMobilePerDay: number };
  /** X-Forwarded-For entries the reverse proxies in front add (TRUST_PROXY): the client's address is that many from the right. */
  trustedProxies: number;
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
  /** How long gateway callback keys, inbound SMS questions, expired sessions and idle attempt counters are kept; how often they are purged (0: never). */
  retention: { gatewayCallbackDays: number; smsInboundDays: number; expiredSessionDays: number; attemptCounterDays: number; intervalMs: number };
  /** Working or calendar days; how often the sweeper runs (0: never, tests sweep by hand); the reminder's hour (Kolkata) on the due day; how many new events of a kind an officer hears of one by one in a sweep before they become one message. */
  sla: { days: 'working' | 'calendar'; sweepIntervalMs: number; reminderHour: number; digestAfter: number };
  logLevel: LogLevel;
  /** Unset outside production: a development key is generated and kept under DATA_DIR (server.ts). */
  aadhaarKey: Buffer | undefined;
  trackRequestsPerMinute: number;
  /** Inbound SMS answered per sender's number per hour (sms/inbound.ts). */
  smsInboundPerHour: number;
  /** Paths resolved. Outside production, what is unset is replaced by a development CA, officer credentials and seal key under DATA_DIR/secrets. */
  signing: {
    p12Dir?: string;
    p12Passphrase?: string;
    trustedCaPath?: string;
    sealKeyPath?: string;
    /** The district-wide mode; a district code in modeByDistrict, or an officer's users.signing_mode, overrides it. */
    mode: SigningMode;
    modeByDistrict: Record<string, SigningMode>;
    /** RFC 3161 timestamp authority for every signature (PAdES-B-T), and the roots its tokens must chain to. */
    tsaUrl?: string;
    trustedTsaCaPath?: string;
    /** PEM CRLs of the officers' CAs, checked by verification. */
    crlPath?: string;
  };
  /** The token holding officers' keys (SIGNING_MODE=pkcs11) and, when sealKeyLabel is set, the district seal key. */
  pkcs11?: { module: string; tokenLabel?: string; pin?: string; sealKeyLabel?: string };
  /** CCA eSign API 2.1: the ESP's URL, the district's ASP id, key and certificate, the ESP's certificate and CAs. */
  esign: { espUrl?: string; aspId?: string; aspKeyPath?: string; aspCertPath?: string; espCertPath?: string; trustedCaPath?: string; timeoutMs: number };
  /** DigiLocker Issuer API 1.12: set when both the issuer id and the API key are. */
  digilocker?: { issuerId: string; apiKey: string; orgId?: string; docType: string; issuerName: string };
  /** Bearer token for /metrics; required for it to exist in production, optional elsewhere. */
  metricsToken: string | undefined;
  /** Where files go: DATA_DIR/files by default, or an S3-compatible bucket (STORAGE_URL=s3://bucket/prefix). */
  storage: { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Settings);
}

export type SigningMode = 'dev' | 'p12' | 'esign' | 'pkcs11';
