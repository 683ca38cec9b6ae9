// DESIGN §10: submissions with four 500 KB documents — ≥ 50 per second, and nothing lost under twice that load.
// One submission here is what a phone does: upload 4 scans of ~500 KB and a signature, then POST the application.
//
// The load generator shares the machine's two cores with the server and PostgreSQL, so it spends as little as it can:
// each scan's multipart body is built once (as a phone's browser would build it) and sent with four bytes of each
// submission's own in the middle (`distinct`), instead of encoding 2 MB of FormData each time, and through node:http
// rather than fetch. Both had cost the generator more CPU than the server spent on the uploads. Besides submissions
// per second, it prints the CPU one submission costs the server and PostgreSQL (cpuMeter), which does not swing with
// the machine's load: cores ÷ that CPU is what a machine with nothing else on it could take; and the generator's own,
// to show what it took.
// Last, as many submissions again in two phases, all the uploads and then all the applications, each metered apart:
// what one upload and one application cost (cpuPerUpload, cpuPerApplication), which whole submissions cannot tell.
//
// Each concurrent submitter is a citizen of their own, as 50 submissions a second would be: one account's uploads
// are counted against its quota one at a time (its row is the lock, api/documents/documents.ts), so one account
// sending everything measured that lock, not the service. That figure is printed too (oneAccountPerSecond).
//
// The runs with 4 and 8 submitters at a time (perSecond, doubledLoadPerSecond) are closed loops: each waits for its
// answers before sending more, so they measure latency as much as capacity. The bar's own words are an offered load,
// so since 7 Dec 2026 two open loops follow (offered50PerSecond, offered100PerSecond): submissions sent at 50 and then
// 100 a second, whatever the answers, from 32 citizens in turn. The generator runs with production's V8 flag
// (package.json's bench script) for the same reason the server does: the bodies it copies are Buffers outside V8's
// heap, and without it its full collections cost it 9–12 ms of CPU a submission instead of 2–4 (one-off runs), on
// the cores the server needs.
import { Agent, request } from 'node:http';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import sharp from 'sharp';
import { validApplicant } from '../support/applications.ts';
import { cpuMeter, login, peakMemoryMiB, percentile, withServer, type BenchOptions, type BenchServer } from './support.ts';

async function scan(seed: number): Promise<Buffer> {
  // Noise compresses badly, like a real photographed page: about 500 KB at this size and quality.
  return sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 120 + seed, sigma: 30 } } })
    .jpeg({ quality: 68 })
    .toBuffer();
}

/**
 * Where four bytes of a JPEG's compressed image data can be changed and it stays a JPEG: the middle of a run of eight
 * bytes, none 0xFF, half way through the file (past the headers, in the scan). The picture changes a little; nothing
 * the server checks (the segments, the end marker, the header's size) does.
 */
function markable(jpeg: Buffer): number {
  for (let i = jpeg.length >> 1; i + 8 < jpeg.length; i++) if (!jpeg.subarray(i, i + 8).includes(0xff)) return i + 2;
  throw new Error('no run of image data without 0xFF to mark');
}

/** Scans marked so far by every driver in this process: two drivers on one database (compare.ts) never send the same scan. */
let sent = 0;

/** The bench's citizens, with the demo citizen's password: one for each of 32 submissions in turn in the open loops. */
const citizens = Array.from({ length: 32 }, (_, n) => `bench-citizen-${n + 1}`);

/**
 * What submits to `server`: its accounts (32 citizens, and the demo citizen for the one-account run), the
 * documents' bodies, `run` (whole submissions, `concurrency` at a time) and `phased` (uploads first, then
 * applications). compare.ts drives two servers on one database with it, so the citizens may exist already.
 */
export async function submissionDriver(server: BenchServer) {
  // Idempotency keys of this generator and server: two drivers on one database never send the same key.
  const keyOf = (label: string) => `bench-${process.pid}-${server.pid}-${label}`;
  const db = postgres(...postgresOptions(server.databaseUrl, { max: 1, onnotice: () => {} }));
  await db`
    insert into users (id, name, mobile, role, password_hash)
    select 'bench-citizen-' || n, 'Bench Citizen', '+9198300' || lpad(n::text, 5, '0'), 'citizen', password_hash
    from users, generate_series(1, ${citizens.length}) n where id = 'demo-citizen'
    on conflict (id) do nothing`;
  await db.end();
  const cookies = await Promise.all(citizens.map((id) => login(server.url, id)));
  const oneAccount = await login(server.url, 'demo-citizen');
  const scans = await Promise.all([0, 1, 2, 3].map(scan));
  const signature = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#fff' } }).png().toBuffer();
  const kinds: [string, string, Buffer][] = [
    ['photo', 'photograph', scans[0]!],
    ['identity', 'epic', scans[1]!],
    ['age', 'birth_certificate', scans[2]!],
    ['residence', 'panchayat_pradhan', scans[3]!],
    ['signed_form', 'signed_form', signature]
  ];
  // Each document's multipart body, encoded once. Every submission then sends its own copy of the scans with a few
  // bytes of their image data changed (`distinct`), as every citizen's scans differ: with the same four scans each
  // time, every upload after the first found its file already stored (content-addressed) and wrote nothing.
  const boundary = '----orc-bench-4f6c1a9e';
  const bodies = kinds.map(([kind, proof, bytes]) => {
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const type = kind === 'signed_form' ? 'image/png' : 'image/jpeg';
    const head = Buffer.from(field('kind', kind) + field('proof', proof) + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${kind}.jpg"\r\nContent-Type: ${type}\r\n\r\n`);
    const body = Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    return { body, mark: type === 'image/jpeg' ? head.length + markable(bytes) : null };
  });
  // A body is sent as three pieces: the encoded body up to the mark, the four bytes of this submission, and the rest,
  // the first and last shared by every submission (views, not copies). Until 7 Dec 2026 each upload sent a changed
  // copy of its 500 KB body: 2 MB allocated, copied and collected a submission by the generator, on the cores the
  // server needs, and more the more submissions were in flight (the generator's CPU a submission doubled at twice the
  // load). The server reads the same bytes either way.
  const distinct = ({ body, mark }: (typeof bodies)[number]): Buffer[] => {
    // The signed form (a few KB) goes as it is: a PNG's pixels cannot be changed without re-encoding it (its chunks
    // carry checksums), and one small file more or less a submission does not move the figures.
    if (mark === null) return [body];
    // 7-bit digits of a counter, so no 0xFF (a marker) appears in the compressed data.
    const own = Buffer.alloc(4);
    for (let n = ++sent, i = 0; i < 4; i++, n >>>= 7) own[i] = n & 0x7f;
    return [body.subarray(0, mark), own, body.subarray(mark + 4)];
  };

  // node:http, not fetch: undici's fetch copies a Buffer body before sending it and wraps it in a web stream, which
  // cost the generator 20–25 ms of CPU a submission on the two cores it shares with the server (5 Dec 2026).
  const agent = new Agent({ keepAlive: true });
  const post = (path: string, headers: Record<string, string>, pieces: Buffer[]) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const length = pieces.reduce((n, piece) => n + piece.length, 0);
      const req = request(server.url + path, { method: 'POST', agent, headers: { ...headers, 'content-length': String(length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      // Written before the agent hands the request its socket (on the next tick), the headers and the pieces wait in
      // the request and then leave together, in one write to the socket.
      for (const piece of pieces) req.write(piece);
      req.end();
    });

  /** A submission's five uploads: the documents' ids, or the status of the first one refused. */
  async function uploadSet(cookie: string): Promise<{ ids: string[] } | { status: number }> {
    const ids: string[] = [];
    for (const part of bodies) {
      const res = await post('/api/documents', { cookie, origin: server.url, 'content-type': `multipart/form-data; boundary=${boundary}` }, distinct(part));
      if (res.status !== 201) return { status: res.status };
      ids.push((JSON.parse(res.body) as { id: string }).id);
    }
    return { ids };
  }
  const apply = (key: string, cookie: string, ids: string[]) =>
    post('/api/applications', { cookie, origin: server.url, 'content-type': 'application/json', 'idempotency-key': key }, [Buffer.from(JSON.stringify({ applicant: validApplicant(), documents: ids }))]);

  async function submitOne(key: string, cookie: string): Promise<{ ok: boolean; ms: number; status: number }> {
    const started = performance.now();
    const uploaded = await uploadSet(cookie);
    if ('status' in uploaded) return { ok: false, ms: performance.now() - started, status: uploaded.status };
    const res = await apply(key, cookie, uploaded.ids);
    return { ok: res.status === 201, ms: performance.now() - started, status: res.status };
  }

  /**
   * Where a submission's CPU goes: `count` submissions' uploads first, four at a time, then their applications, each
   * phase metered apart. (Within one phase every request is of one kind, so /proc's CPU divides between them.)
   */
  async function phased(count: number, accounts: string[]) {
    const sets = accounts.map(() => [] as string[][]); // each account's uploaded sets, applied for by that account
    let failed = 0;
    let accepted = 0;
    let next = 0;
    const uploads = cpuMeter(server);
    await Promise.all(
      accounts.map(async (cookie, worker) => {
        while (next++ < count) {
          const uploaded = await uploadSet(cookie);
          if ('status' in uploaded) failed += 1;
          else sets[worker]!.push(uploaded.ids);
        }
      })
    );
    const uploaded = uploads.stop();
    const applications = cpuMeter(server);
    await Promise.all(
      accounts.map(async (cookie, worker) => {
        for (const [i, ids] of sets[worker]!.entries()) {
          if ((await apply(keyOf(`phased-${worker}-${i}`), cookie, ids)).status === 201) accepted += 1;
          else failed += 1;
        }
      })
    );
    const applied = applications.stop();
    const done = sets.flat().length;
    const per = (ms: number, n: number) => (ms / Math.max(1, n)).toFixed(2);
    return {
      upload: `server ${per(uploaded.serverMs, done * bodies.length)} ms + PostgreSQL ${per(uploaded.postgresMs, done * bodies.length)} ms`,
      application: `server ${per(applied.serverMs, done)} ms + PostgreSQL ${per(applied.postgresMs, done)} ms`,
      accepted,
      failed
    };
  }

  async function run(label: string, concurrency: number, count: number, accounts: string[]) {
    let next = 0;
    const results: { ok: boolean; ms: number; status: number }[] = [];
    const meter = cpuMeter(server);
    const generator = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        // A key of its own for every submission of every run: the warm-up's keys were once the first run's too, and a
        // key reused with other documents is refused (422), which counted as lost submissions.
        while (next < count) results.push(await submitOne(keyOf(`${label}-${next++}`), accounts[worker % accounts.length]!));
      })
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.stop();
    const used = process.cpuUsage(generator);
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const failures = results.filter((r) => !r.ok).map((r) => r.status);
    const ok = results.filter((r) => r.ok).length;
    return {
      perSecond: +(ok / seconds).toFixed(1),
      answered: results.length,
      cpuMs: { server: +(cpu.serverMs / ok).toFixed(1), postgres: +(cpu.postgresMs / ok).toFixed(1), generator: +((used.user + used.system) / 1000 / ok).toFixed(1) },
      p50ms: Math.round(percentile(ms, 50)),
      p99ms: Math.round(percentile(ms, 99)),
      failed: failures.length,
      failedStatuses: [...new Set(failures)].join(',') || 'none'
    };
  }

  /**
   * An open loop, as the bar is worded ("nothing lost under 2× that offered load"): a new submission starts every
   * 1/`perSecond` s whether or not the earlier ones are done, as citizens' phones send them, `count` in all, spread
   * over `accounts`. Its rate is that of the answers, from the first to the last: a server that keeps up answers as
   * fast as it is sent to, one that cannot answers at what it can take, while the number in flight grows.
   */
  async function offered(label: string, perSecond: number, count: number, accounts: string[]) {
    const results: { ok: boolean; ms: number; status: number }[] = [];
    const answeredAt: number[] = []; // of those accepted
    const sentAt: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const meter = cpuMeter(server);
    const generator = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const wait = started + (i * 1000) / perSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        sentAt.push(performance.now());
        const result = await submitOne(keyOf(`${label}-${i}`), accounts[i % accounts.length]!);
        results.push(result);
        if (result.ok) answeredAt.push(performance.now());
        inFlight -= 1;
      })
    );
    // The rate of the accepted answers, and of the sending: a generator that fell behind would show there.
    const rate = (at: number[]) => (at.length < 2 ? 0 : +((at.length - 1) / ((at[at.length - 1]! - at[0]!) / 1000)).toFixed(1));
    const cpu = meter.stop();
    const used = process.cpuUsage(generator);
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const failures = results.filter((r) => !r.ok).map((r) => r.status);
    const ok = results.length - failures.length;
    return {
      perSecond: rate(answeredAt),
      sentPerSecond: rate(sentAt.sort((a, b) => a - b)),
      answered: results.length,
      mostInFlight,
      cpuMs: { server: +(cpu.serverMs / ok).toFixed(1), postgres: +(cpu.postgresMs / ok).toFixed(1), generator: +((used.user + used.system) / 1000 / ok).toFixed(1) },
      p50ms: Math.round(percentile(ms, 50)),
      p99ms: Math.round(percentile(ms, 99)),
      failed: failures.length,
      failedStatuses: [...new Set(failures)].join(',') || 'none'
    };
  }

  return { cookies, oneAccount, scanBytes: scans[0]!.length, run, offered, phased, close: () => agent.destroy() };
}

export async function benchSubmit({ smoke = false }: BenchOptions = {}) {
  return withServer({}, (server) => measure(server, smoke ? 4 : 60, smoke));
}

async function measure(server: BenchServer, total: number, smoke: boolean) {
  const { cookies, oneAccount, scanBytes, run, offered, phased, close } = await submissionDriver(server);
  // Unmeasured first: V8 compiles the hot paths over the first few hundred submissions. After 8 of them (the warm-up
  // until 7 Dec 2026) the server spent 27–29 ms of CPU a submission, after 400 about 21 (one-off runs); a server in
  // service has long been past that, so what it costs then is the figure.
  const warm = smoke ? null : await run('warm', 8, 240, cookies.slice(0, 8));
  const base = await run('base', 4, total, cookies.slice(0, 4));
  const doubled = await run('doubled', 8, total, cookies.slice(0, 8));
  // The bar as worded: 50 submissions offered a second, then twice that, each from the next of 32 citizens.
  const atBar = await offered('offered-50', 50, smoke ? 4 : 500, cookies);
  const atTwice = await offered('offered-100', 100, smoke ? 4 : 500, cookies);
  const single = smoke ? null : await run('one-account', 4, total, [oneAccount]);
  const phases = await phased(total, cookies.slice(0, 4));
  const sql = postgres(...postgresOptions(server.databaseUrl, { max: 1, onnotice: () => {} }));
  const [{ stored }] = (await sql`select count(*)::int as stored from applications`) as unknown as [{ stored: number }];
  // Scans stored under the same bytes as another: 0 unless `distinct` stopped making every submission's scans its own.
  const [{ repeated }] = (await sql`
    select (count(*) - count(distinct sha256))::int as repeated from documents where kind <> 'signed_form'`) as unknown as [{ repeated: number }];
  await sql.end();
  close();
  const peakMemory = peakMemoryMiB(server.pid);
  return {
    name: `submission, 4 × ${Math.round(scanBytes / 1024)} KB scans + signature`,
    perSecond: base.perSecond,
    p50ms: base.p50ms,
    p99ms: base.p99ms,
    cpuPerSubmission: `server ${base.cpuMs.server} ms + PostgreSQL ${base.cpuMs.postgres} ms (at 2× load: ${doubled.cpuMs.server} + ${doubled.cpuMs.postgres})`,
    generatorCpuPerSubmission: `${base.cpuMs.generator} ms (at 2× load: ${doubled.cpuMs.generator})`,
    cpuPerUpload: `${phases.upload} (five a submission; uploads alone, then applications alone)`,
    cpuPerApplication: phases.application,
    // What V8's flags (package.json's start) let the heap grow to, with the scans' buffers, before it collects.
    serverPeakMemoryMiB: peakMemory,
    perSecondPerCore: +(1000 / (base.cpuMs.server + base.cpuMs.postgres)).toFixed(1),
    doubledLoadPerSecond: doubled.perSecond,
    doubledLoadFailed: `${doubled.failed} (HTTP ${doubled.failedStatuses})`,
    offered50PerSecond: `${atBar.perSecond} answered a second (${atBar.sentPerSecond} sent); at most ${atBar.mostInFlight} in flight, p50 ${atBar.p50ms} ms, p99 ${atBar.p99ms} ms; server ${atBar.cpuMs.server} ms + PostgreSQL ${atBar.cpuMs.postgres} ms + generator ${atBar.cpuMs.generator} ms a submission`,
    offered100PerSecond: `${atTwice.perSecond} answered a second (${atTwice.sentPerSecond} sent); at most ${atTwice.mostInFlight} in flight, p50 ${atTwice.p50ms} ms, p99 ${atTwice.p99ms} ms; server ${atTwice.cpuMs.server} ms + PostgreSQL ${atTwice.cpuMs.postgres} ms + generator ${atTwice.cpuMs.generator} ms a submission`,
    // Any submission refused or failed in any run (run.ts fails the benchmark on a non-zero *Errors figure).
    submissionErrors: [warm, base, doubled, atBar, atTwice, single, phases].reduce((n, r) => n + (r?.failed ?? 0), 0),
    repeatedScanErrors: repeated,
    oneAccountPerSecond: single ? `${single.perSecond} (4 at once from one account)` : 'not in a smoke run',
    accepted:
      2 * total - base.failed - doubled.failed + (single ? total - single.failed : 0) + (warm ? warm.answered - warm.failed : 0) + phases.accepted + [atBar, atTwice].reduce((n, r) => n + r.answered - r.failed, 0),
    stored,
    bars: '≥ 50 per second; nothing lost under 2× load (stored = accepted)'
  };
}
