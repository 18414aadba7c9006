/* onestop service worker, shell {{ version }}. Served by onestop.portal.views.pwa at /sw.js.
 *
 * What it keeps, and nothing else:
 *  - the app shell (stylesheets, icons, the offline page): cache first, renewed with each
 *    new shell version;
 *  - the signed-in citizen's own "my dossiers" pages (the list and each dossier page they
 *    opened): network first; when the network fails, the saved copy with an
 *    "offline, saved at ..." notice. Every other page goes to the network, and a page that
 *    cannot be fetched shows the offline page. Files, receipts and other pages with
 *    personal data are never stored.
 *
 * Whose pages: every portal page names the signed-in citizen by an opaque tag (data-owner
 * on the pwa.js script tag, "" when nobody is). The saved pages belong to one tag; they are
 * deleted when
 *  - the sign-out form is posted (this worker sees the POST go by),
 *  - any page says nobody, or somebody else, is signed in (pwa.js posts the tag here; the
 *    page after sign-out does so),
 *  - a "my dossiers" page answers with a redirect (the session ended: sign-in page).
 */
"use strict";

const CONFIG = {{ config|safe }};
const SHELL_CACHE = "onestop-shell-" + CONFIG.version;
const MINE_CACHE = "onestop-mine";
const OWNER_KEY = "/__onestop-owner__";
const MINE = new RegExp("^" + CONFIG.mine.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "(\\d+/)?$");
const SHELL_PATHS = new Set(CONFIG.shell.map((u) => new URL(u, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(CONFIG.shell)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("onestop-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "owner") event.waitUntil(setOwner(String(data.owner || "")));
  if (data.type === "forget") event.waitUntil(forget());
});

async function forget() {
  await caches.delete(MINE_CACHE);
}

async function storedOwner() {
  if (!(await caches.has(MINE_CACHE))) return "";
  const response = await (await caches.open(MINE_CACHE)).match(OWNER_KEY);
  return response ? await response.text() : "";
}

async function setOwner(owner) {
  if (!owner) return forget();
  if ((await storedOwner()) === owner) return;
  await forget();
  await (await caches.open(MINE_CACHE)).put(OWNER_KEY, new Response(owner));
}

async function keep(request, response) {
  const text = await response.text();
  const found = /data-owner="([0-9a-f]+)"/.exec(text);
  if (!found) return;  // not a signed-in citizen's page: never stored
  await setOwner(found[1]);
  const headers = new Headers({"Content-Type": "text/html; charset=utf-8",
                               "X-Onestop-Saved-At": new Date().toISOString()});
  await (await caches.open(MINE_CACHE)).put(request.url, new Response(text, {headers}));
}

function vietnamTime(iso) {
  // Asia/Ho_Chi_Minh is UTC+7 all year (no summer time): H:i d/m/Y like the pages.
  const d = new Date(Date.parse(iso) + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, "0");
  return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " " + two(d.getUTCDate()) + "/"
    + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
}

async function saved(request) {
  if (!(await caches.has(MINE_CACHE))) return null;
  const response = await (await caches.open(MINE_CACHE)).match(request.url, {ignoreVary: true});
  if (!response) return null;
  const at = response.headers.get("X-Onestop-Saved-At") || "";
  const html = (await response.text())
    .replace("data-offline-notice hidden", "data-offline-notice")
    .replace("<time data-saved-at></time>",
             '<time data-saved-at datetime="' + at + '">' + (at ? vietnamTime(at) : "") + "</time>");
  return new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function offlinePage() {
  return (await caches.match(CONFIG.offline)) ||
    new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
}

async function mine(event) {
  let response;
  try {
    response = await fetch(event.request);
  } catch (err) {
    return (await saved(event.request)) || offlinePage();
  }
  const type = response.headers.get("Content-Type") || "";
  if (response.type === "opaqueredirect" || response.redirected) {
    event.waitUntil(forget());  // sent to the sign-in page: the session is over
  } else if (response.status === 200 && response.type === "basic" && type.startsWith("text/html")) {
    event.waitUntil(keep(event.request, response.clone()));
  }
  return response;
}

async function shell(request) {
  const cached = await caches.match(request, {ignoreSearch: false});
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === CONFIG.signOut) {
    event.waitUntil(forget());
  }
  if (request.method === "GET" && MINE.test(url.pathname)) {
    event.respondWith(mine(event));
  } else if (request.method === "GET" && SHELL_PATHS.has(url.pathname)
             && url.pathname !== CONFIG.offline) {
    event.respondWith(shell(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
