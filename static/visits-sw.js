/*
 * Service worker for the volunteer app, served at /visits/sw.js (scope /visits/).
 * Caches the app shell so the app opens without signal; API calls are never cached
 * here (the app keeps its own copy and clears it on sign-out, with these caches).
 */
const SHELL = "visits-shell-v3";
const SHELL_URLS = [
  "/visits/app",
  "/static/css/app.css",
  "/static/css/visits.css",
  "/static/js/rocdate.js",
  "/static/js/outbox.js",
  "/static/js/visits-app.js",
  "/static/icons/visits-192.png",
  "/visits/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    for (const url of SHELL_URLS) {
      try {
        const response = await fetch(url, {credentials: "same-origin", cache: "no-store"});
        if (response.ok && !response.redirected) await cache.put(url, response);
      } catch (e) { /* offline during install: cached on the next visit */ }
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("visits-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isShell(url) {
  return url.origin === self.location.origin &&
    (url.pathname === "/visits/app" || SHELL_URLS.includes(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!isShell(url)) return;
  // Network first so a fresh page and fresh scripts win; the cache when there is no signal.
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    try {
      const response = await fetch(request);
      if (response.ok && !response.redirected) await cache.put(url.pathname, response.clone());
      return response;
    } catch (e) {
      const cached = await cache.match(url.pathname);
      if (cached) return cached;
      throw e;
    }
  })());
});
