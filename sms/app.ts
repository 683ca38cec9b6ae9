// The gateway app, mounted at /sms: USSD, inbound SMS and delivery reports from Africa's Talking and MSDG arrive
// here (issue 5). Gateways post forms across sites by design, so this app has no cross-site guard; it is protected
// by SMS_CALLBACK_SECRET instead. Until the callbacks exist, every path answers a plain 404.
import { Hono } from 'hono';
import type { Deps } from '../api/deps.ts';

export function createSmsApp(deps: Deps) {
  const app = new Hono().basePath('/sms');
  app.notFound((c) => c.text('Not found', 404));
  app.onError((err, c) => {
    deps.log.error('sms_unhandled', { route: c.req.routePath, error: err.message });
    return c.text('Error', 500);
  });
  return app;
}
