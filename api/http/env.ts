import type { HttpBindings } from '@hono/node-server';
import type { Deps } from '../deps.ts';
import type { Lang } from '../../i18n/index.ts';
import type { Session } from '../auth/session.ts';
import type { User } from '../users/user.ts';

/** What middleware puts on every request's context. */
export interface ApiEnv {
  /** The Node request and response, when served over HTTP; absent under app.request() in unit tests. */
  Bindings: Partial<HttpBindings>;
  Variables: {
    /** The app's dependencies with this request's logger, whose lines carry its id (api/deps.ts, `RouteDeps`). */
    deps: Deps;
    /** The request's id (X-Request-Id), on every log line it causes. */
    reqId: string;
    lang: Lang;
    auth: { user: User; session: Session } | null;
  };
}
