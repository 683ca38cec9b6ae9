// DESIGN §2: dependencies point one way. api/ knows nothing of the PWA or the gateways; sms/ may use api/'s domain.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|svelte)$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => {
    const spec = m[1]!;
    return spec.startsWith('.') ? relative(root, resolve(file, '..', spec)) : spec;
  });
}

describe('dependency direction', () => {
  test.each([
    ['api', ['app/', 'sms/', '$app', '$lib', 'svelte']],
    ['sms', ['app/', '$app', '$lib', 'svelte']],
    ['i18n', ['app/', 'api/', 'sms/']],
    // The PWA talks to the API over HTTP only; the words both speak are in shared/, its types are generated.
    ['app', ['api/', 'sms/', 'server.ts']],
    // shared/ is a leaf: the PWA and the API both import it, so it may import neither, nor anything else of ours.
    ['shared', ['app/', 'api/', 'sms/', 'i18n/', 'server.ts', '$app', '$lib', '$i18n', '$shared', 'svelte']]
  ])('%s/ imports nothing from %j', (dir, forbidden) => {
    const offending = sourceFiles(join(root, dir)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.some((f) => spec === f || spec.startsWith(f)))
        .map((spec) => `${relative(root, file)} → ${spec}`)
    );
    expect(offending).toEqual([]);
  });
});

// sms/ is another door onto the API's domain, not a second API: it may use only these modules of api/, each named
// with what the gateway takes from it, so a new reach into api/'s insides is a decision made here in review.
const smsEntryPoints: Record<string, string> = {
  'api/deps.ts': 'the composition root: the gateway gets the database, clock, log and config through Deps like a route',
  'api/config.ts': 'the configuration type, to choose the SMS provider',
  'api/db/connect.ts': 'the Sql type a provider records with',
  'api/http/env.ts': "the request's context (ApiEnv): its own deps, whose logger writes the request id",
  'api/http/middleware.ts': "requestScope: the request's deps and id, as the API's requests have them",
  'api/notify/channels.ts': 'the SmsSender interface the providers implement for the outbox',
  'api/notify/outbox.ts': "applyDeliveryReport: a provider's delivery report settles the outbox row",
  'api/notify/notify.ts': 'enqueueSms: replies go out through the outbox like every other message',
  'api/notify/templates.ts': 'the SMS wording (reasons, clip to a segment) shared with the outbound notices',
  'api/applications/track.ts': "the public status lookup, the same a citizen's tracking page reads",
  'api/time.ts': 'smsDate: dates written as in the outbound notices (the one time module)',
  'api/users/phone-language.ts': "the language a phone chose, kept for the outbound notices too",
  'api/http/unavailable.ts': 'how a database outage is recognised and when to come back, as the API answers it',
  'api/dev/messages.ts': "the development outbox the console provider records into, as the console mailer does",
  'api/auth/throttle.ts': "takeAttempt: a number's inbound SMS counted per hour, in the database as logins and uploads are"
};

describe('sms/ and api/', () => {
  const uses = sourceFiles(join(root, 'sms')).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('api/'))
      .map((spec) => ({ file: relative(root, file), spec }))
  );

  test('sms/ uses of api/ only its named entry points', () => {
    expect(uses.filter(({ spec }) => !Object.hasOwn(smsEntryPoints, spec)).map(({ file, spec }) => `${file} → ${spec}`)).toEqual([]);
  });

  test('every named entry point is still used, so the list says what the gateway needs today', () => {
    expect(Object.keys(smsEntryPoints).filter((entry) => !uses.some(({ spec }) => spec === entry))).toEqual([]);
  });
});

describe('no hidden state', () => {
  test('keys and credentials are not kept in module state: they come through deps.secrets, one cache per runtime', () => {
    const offending = sourceFiles(join(root, 'api')).filter((file) => /^(?:export )?(?:const|let) \w+ = new WeakMap/m.test(readFileSync(file, 'utf8')));
    expect(offending.map((file) => relative(root, file))).toEqual([]);
  });
});

// STYLE habit 10: a route file parses, authorises, calls its folder's service module and answers; the SQL lives there.
test('no route file of the API holds a SQL template', () => {
  const routeFiles = sourceFiles(join(root, 'api')).filter((file) => /(^|[/-])routes\.ts$/.test(file));
  expect(routeFiles.length).toBeGreaterThan(10);
  const withSql = routeFiles.filter((file) => /\bsql(<[^`]*>)?`/.test(readFileSync(file, 'utf8'))).map((file) => relative(root, file));
  expect(withSql).toEqual([]);
});

// api/log.ts: a request's log lines get its id from the request's own logger. AsyncLocalStorage did it until 7 Dec
// 2026; on Node 20 it runs promise hooks for every promise of the process, and cost a tracking lookup a tenth of its
// CPU side by side (README, Speed bars). The server's code keeps off async_hooks altogether.
test('nothing the server runs uses async_hooks', () => {
  const files = [...['api', 'sms', 'shared'].flatMap((dir) => sourceFiles(join(root, dir))), join(root, 'server.ts')];
  const offending = files.filter((file) => importsOf(file).some((spec) => spec === 'node:async_hooks' || spec === 'async_hooks'));
  expect(offending.map((file) => relative(root, file))).toEqual([]);
});
