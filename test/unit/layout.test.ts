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
    ['shared', ['app/', 'api/', 'sms/', 'i18n/', 'server.ts', '$app', '$lib', '$i18n', 'svelte']]
  ])('%s/ imports nothing from %j', (dir, forbidden) => {
    const offending = sourceFiles(join(root, dir)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.some((f) => spec === f || spec.startsWith(f)))
        .map((spec) => `${relative(root, file)} → ${spec}`)
    );
    expect(offending).toEqual([]);
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
