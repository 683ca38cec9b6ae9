// The HTTP API, mounted at /api by the composition root. Middleware order matters: the language comes first so
// every error is translated; the cross-site guard and body checks run before anything reads a body.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { actingRoutes } from './acting/routes.ts';
import { appealRoutes } from './appeals/routes.ts';
import { applicationRoutes } from './applications/routes.ts';
import { trackRoutes } from './applications/track.ts';
import { authRoutes } from './auth/routes.ts';
import { recoveryRoutes } from './auth/recovery-routes.ts';
import { certificateRoutes } from './certificates/routes.ts';
import { counterRoutes } from './counters/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import type { Deps } from './deps.ts';
import { healthRoutes, type Lifecycle } from './health.ts';
import { devRoutes } from './dev/routes.ts';
import type { ApiEnv } from './http/env.ts';
import { ApiError, errorBody, toErrorResponse, validationError } from './http/errors.ts';
import { crossSiteGuard, inOrder, isSafeMethod, jsonBodies, language, loadSession, requestLog, requestScope, securityHeaders } from './http/middleware.ts';
import { FixedPathsApartRouter } from './http/router.ts';
import { notifyRoutes } from './notify/routes.ts';
import { metricsRoutes } from './metrics/routes.ts';
import { misRoutes } from './mis/routes.ts';
import { esignRoutes } from './esign/routes.ts';
import { digilockerRoutes } from './digilocker/routes.ts';
import { officeRoutes } from './offices/routes.ts';
import { slaRoutes } from './sla/routes.ts';
import { userRoutes } from './users/routes.ts';
import { errorFields } from '../shared/log-line.ts';

export function createApi(deps: Deps, lifecycle: Lifecycle = { stopping: false }) {
  const app = new OpenAPIHono<ApiEnv>({
    // Every request schema reports its failures the same way: 400 with a translated message per field.
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
    router: new FixedPathsApartRouter()
  }).basePath('/api');

  // What every request goes through, as one layer of Hono's middleware chain. Each layer costs a request an async
  // dispatch and two or three promises: a public lookup crossed eleven layers and made about sixty promises, twice
  // what its query needs (test/bench/track.ts). So the steps run in order inside one layer, the request's own deps
  // (its logger, with its id) first; the body checks (which a GET skips) and the session come after the log, and an
  // error one of them throws is answered by the log itself, through the same handler as app.onError, so the line
  // carries the status the client got.
  const answerError = (err: Error, c: Context<ApiEnv>) =>
    toErrorResponse(c, err, c.get('lang') ?? deps.config.defaultLang, (bug) => (c.get('deps') ?? deps).log.error('unhandled', { route: c.req.routePath, ...errorFields(bug) }));
  // Outside services post here in their own protocols (issue 14): the ESP's answer arrives as a form post from the
  // ESP's page, DigiLocker's requests as XML authenticated by their HMAC; neither comes from our origin.
  const isForeignProtocol = (path: string) => path === '/api/esign/response' || path.startsWith('/api/digilocker/');
  const guard = crossSiteGuard(deps.config.origin);
  // Uploads are multipart and larger; their route sets its own limit.
  const isUpload = (path: string) => path === '/api/documents';
  const jsonLimit = bodyLimit({
    maxSize: deps.config.bodySizeLimit,
    onError: () => {
      // The rest of the body is never read, so the connection cannot be reused.
      throw new ApiError(413, 'payload_too_large', { headers: { Connection: 'close' } });
    }
  });
  // Only requests that carry a body meet these: a GET, HEAD or OPTIONS has no body to limit or type, and the
  // cross-site guard lets them through. The body limit builds the full fetch Request, which a GET never needs.
  const bodyChecks = inOrder(
    (c, next) => (isForeignProtocol(c.req.path) ? next() : guard(c, next)),
    (c, next) => (isUpload(c.req.path) ? next() : jsonLimit(c, next)),
    jsonBodies((path) => isUpload(path) || isForeignProtocol(path))
  );
  app.use(
    inOrder(
      requestScope(deps),
      language(deps),
      requestLog(deps, answerError),
      securityHeaders(deps.config.secureCookies),
      (c, next) => (isSafeMethod(c.req.method) ? next() : bodyChecks(c, next)),
      loadSession(deps)
    )
  );

  app.route('/', healthRoutes(deps, lifecycle));
  app.route('/', authRoutes(deps));
  app.route('/', recoveryRoutes(deps));
  app.route('/', officeRoutes(deps));
  app.route('/', userRoutes(deps));
  app.route('/', documentRoutes(deps));
  app.route('/', applicationRoutes(deps));
  app.route('/', trackRoutes(deps));
  app.route('/', certificateRoutes(deps));
  app.route('/', notifyRoutes(deps));
  app.route('/', slaRoutes(deps));
  app.route('/', misRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', esignRoutes(deps));
  app.route('/', digilockerRoutes(deps));
  app.route('/', actingRoutes(deps));
  app.route('/', counterRoutes(deps));
  app.route('/', appealRoutes(deps));
  if (!deps.config.production) app.route('/', devRoutes(deps));

  app.doc31('/openapi.json', openApiInfo);

  app.notFound((c) => c.json(errorBody(c.get('lang') ?? deps.config.defaultLang, 'not_found'), 404));
  app.onError(answerError);
  return app;
}

export type Api = ReturnType<typeof createApi>;

/** The document's header; the paths come from the routes' own schemas. The PWA's client is generated from it. */
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'e-District Ordinary Residential Certificate API',
    version: '1',
    description:
      'Errors are {"error":{"code","message","fields"?}} with messages in the Accept-Language language (bn, en, hi). ' +
      'Any route that needs the database answers 503 service_unavailable with Retry-After while the database is unreachable; retry then, with the same Idempotency-Key where the route takes one.'
  }
};
