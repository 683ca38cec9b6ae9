// A browser's push subscription, as PushSubscription.toJSON() gives it: a P-256 public key and a 16-byte secret,
// pointing at a (local) push service.
import { createECDH, randomBytes } from 'node:crypto';

export function fakeSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}
