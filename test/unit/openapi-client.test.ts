// The PWA's API types are generated from the OpenAPI document (scripts/openapi.ts). A route whose schema changed
// without `npm run openapi` would leave the PWA compiling against an API that no longer exists: this fails first.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { generateSchemaModule, schemaFile } from '../../scripts/openapi.ts';

test('app/lib/api/schema.ts is what the OpenAPI document generates now (run `npm run openapi` if not)', async () => {
  expect(readFileSync(schemaFile, 'utf8') === (await generateSchemaModule())).toBe(true);
}, 60_000);
