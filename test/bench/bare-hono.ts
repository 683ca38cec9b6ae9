// The calibration point for the tracking benchmark: the least a Node server can do for the same request — bare Hono
// on @hono/node-server, one postgres.js query, no middleware. Usage: tsx test/bench/bare-hono.ts PORT DATABASE_URL
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const [port, url] = process.argv.slice(2);
const sql = postgres(url!, { max: 10 });
const app = new Hono();
app.get('/track/:ain', async (c) => {
  const [row] = await sql`select status, updated_at, due_at, applicant_name from applications where ain = ${c.req.param('ain')}`;
  return row ? c.json(row) : c.json({ error: 'not found' }, 404);
});
serve({ fetch: app.fetch, port: Number(port) });
process.on('SIGTERM', () => void sql.end().then(() => process.exit(0)));
