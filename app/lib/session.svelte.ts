// Who is logged in, as the API last said. The session itself lives in an HttpOnly cookie the page cannot read.
// The last answer is kept on the device so the app still knows its user with no network (an Enquiry Officer in the
// field, a citizen finishing a draft on a bus); logout and a refused session remove it.
import { api } from './api.ts';
import { clearDevice } from './offline/db.ts';
import { forgetPush } from './push.ts';

export interface SessionUser {
  id: string;
  name: string;
  mobile: string;
  email: string | null;
  role: 'citizen' | 'operator' | 'eo' | 'bdo' | 'sdo' | 'dm' | 'admin';
  officeId: string | null;
  lang: 'bn' | 'en' | 'hi';
  mustChangePassword: boolean;
}

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
    const res = await api<{ user: SessionUser }>('/auth/me', { fetch: fetcher });
    if (res.ok) remember(res.data.user);
    else if (res.status === 0) user = JSON.parse(localStorage.getItem(KEY) ?? 'null') as SessionUser | null; // offline
    else remember(null);
    return user;
  },
  async logout() {
    await forgetPush().catch(() => undefined);
    await api('/auth/logout', { method: 'POST' });
    remember(null);
    // Drafts and their photos must not stay on a shared phone or a kiosk (DESIGN §7).
    await clearDevice();
  }
};
