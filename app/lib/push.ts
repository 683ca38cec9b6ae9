// Web push on this device (DESIGN §8): offered, never forced; SMS reaches the citizen anyway. The browser's
// subscription is sent to the API, which keeps one per device and pushes on every status change.
import { ask, client } from './api.ts';

export type PushState = 'unsupported' | 'blocked' | 'available' | 'on';

function supported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The service worker's registration, or null when none is active within a few seconds (dev server, old browser). */
async function registration(): Promise<ServiceWorkerRegistration | null> {
  return Promise.race([navigator.serviceWorker.ready, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
}

/** What the offer should show. A device already subscribed is re-registered for whoever is logged in now. */
export async function pushState(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const reg = await registration();
  if (!reg) return 'unsupported';
  const existing = await reg.pushManager.getSubscription();
  if (existing && Notification.permission === 'granted') {
    // A subscription made with a key the server no longer uses can never receive: drop it and offer again.
    const key = await ask(client.GET('/api/push/key'));
    const made = existing.options?.applicationServerKey;
    if (key.ok && made && !sameBytes(new Uint8Array(made), keyBytes(key.data.publicKey))) {
      await existing.unsubscribe().catch(() => false);
      return 'available';
    }
    await ask(client.POST('/api/push/subscriptions', { body: subscriptionBody(existing) }));
    return 'on';
  }
  return 'available';
}

/** What the API keeps of a subscription; the browser's JSON types its keys loosely, though it always has them. */
function subscriptionBody(subscription: PushSubscription): { endpoint: string; keys: { p256dh: string; auth: string } } {
  const { keys } = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' } };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export async function turnOnPush(): Promise<'on' | 'blocked' | 'failed'> {
  try {
    if ((await Notification.requestPermission()) !== 'granted') return 'blocked';
    const reg = await registration();
    const key = await ask(client.GET('/api/push/key'));
    if (!reg || !key.ok) return 'failed';
    const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.data.publicKey) });
    const saved = await ask(client.POST('/api/push/subscriptions', { body: subscriptionBody(subscription) }));
    return saved.ok ? 'on' : 'failed';
  } catch {
    return 'failed';
  }
}

/** On logout: a shared phone must not keep receiving the last user's notifications. */
export async function forgetPush(): Promise<void> {
  if (!supported()) return;
  const reg = await registration();
  const subscription = await reg?.pushManager.getSubscription();
  if (!subscription) return;
  await ask(client.DELETE('/api/push/subscriptions', { body: { endpoint: subscription.endpoint } }));
  await subscription.unsubscribe().catch(() => false);
}
