/* onestop: the community team visit app (backoffice/community/app.html).
 *
 * A visit is saved first in this browser's IndexedDB with an id made here
 * (crypto.randomUUID), then sent with the others waiting to POST /api/v1/community/visits/batch
 * whenever there is a signal: on saving, when the browser comes back online, every 30 s and on
 * "Send now". The server stores a visit sent twice once (same id, same body: 200), so a lost
 * answer only means the visit is sent again. Each answer says what became of each visit:
 * stored, a conflict (the id was used with another body) or refused (with the reason); the
 * member resolves conflicts and refusals here. The member signs in inside the app with
 * POST /api/v1/auth/staff/token; the access token is renewed with the refresh token.
 * Every text shown comes translated from the page (#app-strings).
 */
"use strict";

(() => {
  const root = document.getElementById("visit-app");
  if (!root) return;
  const S = JSON.parse(document.getElementById("app-strings").textContent);
  const API = root.dataset.api;
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ IndexedDB
  const dbReady = new Promise((resolve, reject) => {
    const request = indexedDB.open("onestop-community", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("kv");
      request.result.createObjectStore("visits", {keyPath: "client_id"});
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  async function run(store, mode, fn) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const kvGet = (key) => run("kv", "readonly", (s) => s.get(key));
  const kvSet = (key, value) => run("kv", "readwrite", (s) => s.put(value, key));
  const kvDelete = (key) => run("kv", "readwrite", (s) => s.delete(key));
  const visitsAll = () => run("visits", "readonly", (s) => s.getAll());
  const visitPut = (visit) => run("visits", "readwrite", (s) => s.put(visit));
  const visitDelete = (id) => run("visits", "readwrite", (s) => s.delete(id));

  // ------------------------------------------------------------------ API
  async function call(path, options, auth) {
    const headers = {"Content-Type": "application/json", "Accept": "application/json"};
    if (auth) headers.Authorization = "Bearer " + auth.access_token;
    return fetch(API + path, {...options, headers, credentials: "omit"});
  }

  async function refreshed(auth) {
    const r = await call("/auth/refresh", {method: "POST",
      body: JSON.stringify({refresh_token: auth.refresh_token})});
    if (r.status !== 200) return null;
    const fresh = await r.json();
    const next = {...auth, access_token: fresh.access_token, refresh_token: fresh.refresh_token};
    await kvSet("auth", next);
    return next;
  }

  // A call with the stored token, renewed once on a 401; null when signed out.
  async function authed(path, options) {
    let auth = await kvGet("auth");
    if (!auth) return null;
    let r = await call(path, options, auth);
    if (r.status === 401) {
      auth = await refreshed(auth);
      if (!auth) {
        await kvDelete("auth");
        return null;
      }
      r = await call(path, options, auth);
    }
    return r;
  }

  // ------------------------------------------------------------------ rendering
  function status(text) {
    const key = Object.keys(S).find((k) => S[k] === text) || "";
    $("sync-status").textContent = text;
    $("sync-status").dataset.state = key;  // for scripts and tests: offline, retry, synced, …
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
  }

  async function render() {
    const auth = await kvGet("auth");
    const teams = (await kvGet("teams")) || [];
    $("signin").hidden = Boolean(auth);
    $("sign-out").hidden = !auth;
    $("visit-form").hidden = !auth && teams.length === 0;
    const select = $("visit-team");
    if (select.options.length !== teams.length) {
      select.replaceChildren(...teams.map((t, i) => new Option(t.commune + " – " + t.hamlet, String(i))));
      if (teams.length) $("visit-hamlet").value = teams[0].hamlet;
    }
    if (auth && teams.length === 0) status(S.no_team);
    const visits = (await visitsAll()).sort((a, b) => (a.saved_at < b.saved_at ? 1 : -1));
    const pending = visits.filter((v) => v.state === "pending").length;
    $("pending-count").textContent = fmt(S.pending, {count: pending});
    $("pending-count").dataset.count = String(pending);
    $("visit-list").replaceChildren(...visits.map(item));
  }

  function item(visit) {
    const li = document.createElement("li");
    li.dataset.clientId = visit.client_id;
    li.dataset.state = visit.state;
    const when = new Date(visit.body.visited_at).toLocaleString(document.documentElement.lang);
    li.textContent = when + " · " + visit.body.hamlet + " – " + visit.body.household
      + " · " + S["state_" + visit.state];
    if (visit.message) {
      const why = document.createElement("span");
      why.className = "muted";
      why.textContent = " – " + visit.message;
      li.append(why);
    }
    if (visit.state === "conflict" || visit.state === "refused") {
      if (visit.state === "conflict") li.append(" ", button(S.resend_new, () => resendAsNew(visit)));
      li.append(" ", button(S.remove, async () => { await visitDelete(visit.client_id); render(); }));
    }
    return li;
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button--small";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  async function resendAsNew(visit) {
    await visitDelete(visit.client_id);
    const id = crypto.randomUUID();
    await visitPut({...visit, client_id: id, body: {...visit.body, client_id: id},
                    state: "pending", message: ""});
    await render();
    sync();
  }

  // ------------------------------------------------------------------ sending
  let syncing = false;

  async function sync() {
    if (syncing) return;
    if (!navigator.onLine) {
      status(S.offline);
      return;
    }
    const pending = (await visitsAll()).filter((v) => v.state === "pending");
    if (pending.length === 0) {
      status(S.synced);
      return;
    }
    syncing = true;
    status(S.syncing);
    try {
      const r = await authed("/community/visits/batch", {method: "POST",
        body: JSON.stringify({visits: pending.map((v) => v.body)})});
      if (r === null) {
        status(S.signed_out);
        return;
      }
      if (r.status !== 200) {
        status(S.retry);
        return;
      }
      const answer = await r.json();
      for (const result of answer.results) {
        const visit = pending[result.index];
        if (!visit) continue;
        if (result.stored) {
          visit.state = "stored";
          visit.message = "";
        } else if (result.status === 409) {
          visit.state = "conflict";
          visit.message = result.error ? result.error.message : "";
        } else {
          visit.state = "refused";
          visit.message = result.error ? result.error.message : "";
        }
        await visitPut(visit);
      }
      status(S.synced);
    } catch (err) {
      status(navigator.onLine ? S.retry : S.offline);  // no answer: the visits stay waiting
    } finally {
      syncing = false;
      await render();
    }
  }

  // ------------------------------------------------------------------ forms
  $("signin").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("signin-error");
    error.hidden = true;
    try {
      const r = await call("/auth/staff/token", {method: "POST", body: JSON.stringify({
        login: $("signin-login").value.trim(), password: $("signin-password").value})});
      const data = await r.json();
      if (r.status !== 200) {
        error.textContent = data.message || S.signin_failed;
        error.hidden = false;
        return;
      }
      await kvSet("auth", {access_token: data.access_token, refresh_token: data.refresh_token});
      $("signin-password").value = "";
      const teams = await authed("/community/teams", {method: "GET"});
      if (teams && teams.status === 200) await kvSet("teams", await teams.json());
    } catch (err) {
      error.textContent = S.signin_offline;
      error.hidden = false;
    }
    await render();
    sync();
  });

  $("visit-team").addEventListener("change", async () => {
    const teams = (await kvGet("teams")) || [];
    const team = teams[Number($("visit-team").value)];
    if (team) $("visit-hamlet").value = team.hamlet;
  });

  function localNow() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }

  $("visit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("visit-error");
    const helped = [...document.querySelectorAll("#visit-form input[name=helped]:checked")]
      .map((c) => c.value);
    if (helped.length === 0) {
      error.textContent = S.need_help;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const teams = (await kvGet("teams")) || [];
    const team = teams[Number($("visit-team").value)];
    if (!team) return;
    const id = crypto.randomUUID();
    const body = {
      client_id: id, visited_at: new Date($("visit-at").value).toISOString(),
      commune_code: team.commune_code, hamlet: $("visit-hamlet").value.trim(),
      household: $("visit-household").value.trim(), helped,
      dossier_code: $("visit-dossier").value.trim(), consent: $("visit-consent").checked,
      note: $("visit-note").value.trim(), follow_up: $("visit-follow-up").value.trim(),
    };
    await visitPut({client_id: id, body, state: "pending", message: "",
                    saved_at: new Date().toISOString()});
    for (const id of ["visit-household", "visit-dossier", "visit-note", "visit-follow-up"]) $(id).value = "";
    for (const c of document.querySelectorAll("#visit-form input[type=checkbox]")) c.checked = false;
    $("visit-at").value = localNow();
    status(S.saved);
    await render();
    sync();
  });

  $("sync-now").addEventListener("click", () => sync());
  $("sign-out").addEventListener("click", async () => {
    await kvDelete("auth");
    await render();
  });
  window.addEventListener("online", () => { status(S.online); sync(); });
  window.addEventListener("offline", () => status(S.offline));
  setInterval(() => sync(), 30000);

  $("visit-at").value = localNow();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, {scope: root.dataset.scope}).catch(() => {});
  }
  render().then(() => sync());
})();
