// Imported by the generated service worker (workbox importScripts): shows pushed status changes and opens the
// application when one is tapped. The payload is what api/notify/outbox.ts sends: { title, body, url, tag }.
self.addEventListener('push', (event) => {
  let message = { title: 'e-District', body: '', url: '/', tag: 'e-district' };
  try {
    message = { ...message, ...event.data.json() };
  } catch {
    // an empty or unreadable push still tells the user something changed
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      data: { url: message.url },
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png'
    })
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? '/', self.location.origin);
  // Only our own pages: a payload cannot send the user elsewhere.
  const target = url.origin === self.location.origin ? url.href : self.location.origin + '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target);
      return open ? open.focus() : self.clients.openWindow(target);
    })
  );
});
