// A small HTTP client that keeps the session cookie, like one browser tab.
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class Client {
  cookie = '';
  constructor(
    readonly base: string,
    readonly lang = 'en'
  ) {}

  async request<T = any>(method: string, path: string, init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { 'accept-language': this.lang, ...init.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (init.json !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { json, headers });
  }
}

/** Reads the newest SMS or email to a recipient from the dev outbox, and pulls the one-time password out of it. */
export async function oneTimePasswordFor(base: string, recipient: string): Promise<string> {
  const res = await fetch(base + '/api/dev/outbox');
  const { messages } = (await res.json()) as { messages: { recipient: string; channel: string; body: string }[] };
  const sms = messages.find((m) => m.channel === 'sms' && m.recipient === recipient);
  if (!sms) throw new Error('no SMS to ' + recipient);
  const match = /(?:one-time password|এককালীন পাসওয়ার্ড|एक बार का पासवर्ड)\s*:?\s*([a-z0-9]{10})/.exec(sms.body);
  if (!match) throw new Error('no one-time password in: ' + sms.body);
  return match[1]!;
}
