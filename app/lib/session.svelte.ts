// Who is logged in, as the API last said. The session itself lives in an HttpOnly cookie the page cannot read.
import { api } from './api.ts';

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

let user = $state<SessionUser | null>(null);

export const session = {
  get user() {
    return user;
  },
  set(u: SessionUser | null) {
    user = u;
  },
  async refresh(fetcher?: typeof fetch): Promise<SessionUser | null> {
    const res = await api<{ user: SessionUser }>('/auth/me', { fetch: fetcher });
    user = res.ok ? res.data.user : null;
    return user;
  },
  async logout() {
    await api('/auth/logout', { method: 'POST' });
    // The device keeps no personal data yet; when drafts arrive (issue 3) they are cleared here too (DESIGN §7).
    user = null;
  }
};
