// The patient app's service worker (version {{ version }}).
// It stores the app's own files so the app opens with no network. It never stores an API
// answer: patient data lives only in the app's IndexedDB, which sign-out deletes.
const SHELL = "app-shell-{{ version }}";
const ASSETS = [
  "/app/",
{% for url in assets %}  "{{ url|escapejs }}",
{% endfor %}{% for url in catalogues %}  "{{ url|escapejs }}",
{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== SHELL) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;  // always the network, never a cache
  if (event.request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    // The shell: fresh when the network answers within 3 seconds, else the stored copy (a
    // patient with one bar of signal should not wait for a page the phone already has).
    event.respondWith((async () => {
      const kept = await caches.match("/app/", { cacheName: SHELL });
      const fresh = fetch(event.request);
      if (!kept) return fresh;
      const slow = new Promise((resolve) => setTimeout(() => resolve(kept), 3000));
      return Promise.race([fresh.catch(() => kept), slow]);
    })());
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith((async () => {
      const hit = await caches.match(url.pathname, { cacheName: SHELL });
      return hit || fetch(event.request);
    })());
  }
});
