/* onestop: service worker of the community team visit app, shell {{ version }}.
 * Served by onestop.backoffice.views.community_app; its scope is the app's page only.
 *
 * It keeps the app shell (the page, its script, stylesheets, icon) so the app opens with no
 * signal: the page network first (a fresh copy replaces the kept one), the static files
 * cache first (a new shell version is a new cache). It never touches the API: visits wait
 * in IndexedDB (the page's script) and are sent by the page itself.
 */
"use strict";

const CONFIG = {{ config|safe }};
const CACHE = "onestop-visits-" + CONFIG.version;
const SHELL = new Set(CONFIG.shell.map((u) => new URL(u, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(CONFIG.shell)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("onestop-visits-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function page(request) {
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const copy = response.clone();
      await (await caches.open(CACHE)).put(CONFIG.page, copy);
    }
    return response;
  } catch (err) {
    const kept = await caches.match(CONFIG.page, {ignoreSearch: true});
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === CONFIG.page) {
    event.respondWith(page(request));
  } else if (SHELL.has(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});
