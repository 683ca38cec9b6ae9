import type { HttpBindings } from '@hono/node-server';
import type { Lang } from '../../i18n/index.ts';
import type { Session } from '../auth/session.ts';
import type { User } from '../users/user.ts';

/** What middleware puts on every request's context. */
export interface ApiEnv {
  /** The Node request and response, when served over HTTP; absent under app.request() in unit tests. */
  Bindings: Partial<HttpBindings>;
  Variables: {
    lang: Lang;
    auth: { user: User; session: Session } | null;
  };
}
