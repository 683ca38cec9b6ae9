// Two approvals at once (issue 16 item 5). An approval renders and signs a certificate: hundreds of milliseconds
// of CPU, and with a TSA a network round trip. Done inside the approval's transaction, that time holds the
// application's row lock and a pooled connection; on the embedded database, whose pool is its one connection,
// every other request of every user waits for it. This measures, on PGlite and on PostgreSQL, with the TSA next
// door and 200 ms away, how long two simultaneous approvals take and how long a request that needs the database
// (`/api/health/ready`, a `select 1`) waits meanwhile. Figures only; nothing here is asserted about speed.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTsaMock } from '../mocks/tsa.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import type { Client } from '../support/client.ts';
import { median, percentile, startServer, type BenchOptions } from './support.ts';

/** A TSA `delayMs` away: waits, then forwards the request to the local one. */
async function distantTsa(targetUrl: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    setTimeout(() => {
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

async function fileApplications(url: string, count: number): Promise<string[]> {
  const citizen = await loginClient(url, 'demo-citizen');
  const ains: string[] = [];
  for (let i = 0; i < count; i++) {
    const documents = await uploadDocumentSet(citizen, url, i * 10);
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey(), origin: url });
    if (res.status !== 201) throw new Error(`submission: ${res.status} ${JSON.stringify(res.body)}`);
    ains.push(res.body.ain);
  }
  return ains;
}

async function approve(bdo: Client, url: string, ain: string): Promise<number> {
  const { version } = (await bdo.get(`/api/applications/${ain}`)).body as { version: number };
  const started = performance.now();
  const res = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version, remarks: 'Residence evident from the documents; no enquiry needed.' }, { origin: url });
  if (res.status !== 200) throw new Error(`approval of ${ain}: ${res.status} ${JSON.stringify(res.body)}`);
  return performance.now() - started;
}

async function scenario(embedded: boolean, tsaDelayMs: number | null, rounds: number) {
  const tsa = tsaDelayMs === null ? null : await startTsaMock();
  const far = tsa && tsaDelayMs ? await distantTsa(tsa.url, tsaDelayMs) : null;
  const server = await startServer({ ...(embedded ? { DATABASE_URL: '' } : {}), ...(tsa ? { TSA_URL: far?.url ?? tsa.url } : {}) });
  try {
    const ains = await fileApplications(server.url, 2 * rounds + 1);
    const bdo = await loginClient(server.url, 'demo-bdo');
    await approve(bdo, server.url, ains.pop()!); // warm-up: the development CA and the BDO's credential, fonts, JIT
    const pairs: number[] = [];
    const waits: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let probing = true;
      const probe = (async () => {
        while (probing) {
          const started = performance.now();
          await fetch(server.url + '/api/health/ready');
          waits.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const started = performance.now();
      await Promise.all([approve(bdo, server.url, ains[2 * r]!), approve(bdo, server.url, ains[2 * r + 1]!)]);
      pairs.push(performance.now() - started);
      probing = false;
      await probe;
    }
    waits.sort((a, b) => a - b);
    return { pair: median(pairs), probeP50: percentile(waits, 50), probeMax: waits[waits.length - 1]! };
  } finally {
    await server.stop();
    await far?.close();
    await tsa?.close();
  }
}

export async function benchApprovals({ smoke = false }: BenchOptions = {}) {
  const rounds = smoke ? 1 : 5;
  const result: Record<string, string> = { name: `approvals: two at once, median of ${rounds} pairs; a readiness probe every 10 ms meanwhile` };
  // A smoke run proves the benchmark still runs, on one database: starting a second server with PGlite cost it a
  // third of the smoke run's time, and the integration suite runs approvals on PGlite anyway.
  for (const [label, embedded] of (smoke ? [['PostgreSQL', false]] : [['PGlite', true], ['PostgreSQL', false]]) as [string, boolean][]) {
    for (const [tsaLabel, delay] of (smoke ? [['no TSA', null]] : [['no TSA', null], ['TSA 200 ms away', 200]]) as [string, number | null][]) {
      const r = await scenario(embedded, delay, rounds);
      result[`${label}, ${tsaLabel}`] = `pair ${r.pair.toFixed(0)} ms; probe p50 ${r.probeP50.toFixed(0)} ms, max ${r.probeMax.toFixed(0)} ms`;
    }
  }
  return result;
}
