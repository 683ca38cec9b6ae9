// Every setting the process reads, in one place. Documented in .env.example; nothing else reads process.env.
import { resolve } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  ORIGIN: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
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
  SMS_PROVIDER: z.enum(['console']).default('console'),
  MAIL_PROVIDER: z.enum(['console']).default('console'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  AADHAAR_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  TRACK_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  SIGNING_P12_DIR: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().optional(),
  SIGNING_TRUSTED_CA_PEM: z.string().optional(),
  DISTRICT_SEAL_KEY: z.string().optional()
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
    smsProvider: e.SMS_PROVIDER,
    mailProvider: e.MAIL_PROVIDER,
    logLevel: e.LOG_LEVEL,
    aadhaarKey: e.AADHAAR_KEY ? Buffer.from(e.AADHAAR_KEY, 'hex') : undefined,
    trackRequestsPerMinute: e.TRACK_REQUESTS_PER_MINUTE,
    signing: {
      p12Dir: e.SIGNING_P12_DIR && resolve(e.SIGNING_P12_DIR),
      p12Passphrase: e.SIGNING_P12_PASSPHRASE,
      trustedCaPath: e.SIGNING_TRUSTED_CA_PEM && resolve(e.SIGNING_TRUSTED_CA_PEM),
      sealKeyPath: e.DISTRICT_SEAL_KEY && resolve(e.DISTRICT_SEAL_KEY)
    }
  };
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  origin: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  defaultLang: 'bn' | 'en' | 'hi';
  bodySizeLimit: number;
  uploadSizeLimit: number;
  session: { idleMs: number; maxMs: number; tempPasswordMs: number };
  throttle: { perAccount: number; perClient: number; windowMs: number };
  trustProxy: boolean;
  demoSeed: boolean;
  demoPassword: string;
  smsProvider: 'console';
  mailProvider: 'console';
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Unset outside production: a development key is generated and kept under DATA_DIR (server.ts). */
  aadhaarKey: Buffer | undefined;
  trackRequestsPerMinute: number;
  /** Paths resolved. Outside production, what is unset is replaced by a development CA, officer credentials and seal key under DATA_DIR/secrets. */
  signing: { p12Dir?: string; p12Passphrase?: string; trustedCaPath?: string; sealKeyPath?: string };
}
