// Who is logged in, as the API last said. The session itself lives in an HttpOnly cookie the page cannot read.
// The last answer is kept on the device so the app still knows its user with no network (an Enquiry Officer in the
// field, a citizen finishing a draft on a bus); logout and a refused session remove it.
import { ask, client, type Schemas } from './api.ts';
import { clearDevice } from './offline/db.ts';
import { forgetPush } from './push.ts';

export type SessionUser = Schemas['User'];

const KEY = 'session-user';
let user = $state<SessionUser | null>(null);

function remember(u: SessionUser | null) {
  user = u;
  if (u) localStorage.setItem(KEY, JSON.stringify(u));
  else localStorage.removeItem(KEY);
}

export const session = {
  get user() {
    return user;
  },
  set: remember,
  async refresh(fetcher?: typeof fetch): Promise<SessionUser | null> {
    const res = await ask(client.GET('/api/auth/me', { fetch: fetcher }));
    if (res.ok) remember(res.data.user);
    else if (res.status === 0) user = JSON.parse(localStorage.getItem(KEY) ?? 'null') as SessionUser | null; // offline
    else remember(null);
    return user;
  },
  async logout() {
    await forgetPush().catch(() => undefined);
    await ask(client.POST('/api/auth/logout'));
    remember(null);
    // Drafts and their photos must not stay on a shared phone or a kiosk (DESIGN §7).
    await clearDevice();
  }
};
