// The calibration point for the tracking benchmark: the least a Node server can do for the same request — bare Hono
// on @hono/node-server and postgres.js, no middleware. Usage: tsx test/bench/bare-hono.ts PORT DATABASE_URL
//
// It makes the app's own lookup and answer (findPublicStatus's query through a client set up like the app's, and
// trackingAnswer), so the ratio measures what the app's stack costs around them: routing, the request id, the log
// line and histogram, the rate limit, the language, the security headers. /narrow/:ain is the lookup this file made
// until 3 Dec 2026 (four columns of one table): the app's answer has more in it (the office, the certificate's
// revocation, the decision), so that ratio also counted the richer answer; it is printed beside, for the history.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { findPublicStatus, trackingAnswer } from '../../api/applications/track.ts';

const [port, url] = process.argv.slice(2);
const sql = postgres(...postgresOptions(url!, { max: 10, transform: postgres.camel }));
const app = new Hono();
app.get('/track/:ain', async (c) => {
  const row = await findPublicStatus(sql, c.req.param('ain'));
  return row ? c.json(trackingAnswer(row, 'en')) : c.json({ error: 'not found' }, 404);
});
app.get('/narrow/:ain', async (c) => {
  const [row] = await sql`select status, updated_at, due_at, applicant_name from applications where ain = ${c.req.param('ain')}`;
  return row ? c.json(row) : c.json({ error: 'not found' }, 404);
});
serve({ fetch: app.fetch, port: Number(port) });
process.on('SIGTERM', () => void sql.end().then(() => process.exit(0)));
