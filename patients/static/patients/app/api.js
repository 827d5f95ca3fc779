// The public API, and nothing else. The access token lives in memory only (gone when the app
// closes); the refresh token is kept in IndexedDB so the session survives closing the app.
import { kv, wipeDatabase } from "./store.js";

const BASE = "/api/v1/";
const TIMEOUT_MS = 15000;
let access = null;
let refreshing = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.fields = (body && body.error && body.error.fields) || {};
  }
}
export class OfflineError extends Error {}
export class SignedOut extends Error {}

async function send(path, { method = "GET", body, headers = {}, auth = true, timeout = TIMEOUT_MS } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (auth && access) h.Authorization = `Bearer ${access}`;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  try {
    return await fetch(BASE + path, {
      method, headers: h, signal: ctrl.signal, credentials: "omit", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new OfflineError(e.message);
  } finally {
    clearTimeout(timer);
  }
}

async function parse(res) {
  const text = await res.text();
  try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
}

async function refresh() {
  // One refresh at a time: the refresh token rotates, a second use of the old one would fail.
  if (!refreshing) {
    refreshing = (async () => {
      const token = await kv.get("refresh");
      if (!token) throw new SignedOut();
      const res = await send("auth/token/refresh/", { method: "POST", body: { refresh: token }, auth: false });
      if (res.status === 401) { access = null; await kv.del("refresh"); throw new SignedOut(); }
      if (!res.ok) throw new ApiError(res.status, await parse(res));
      const pair = await parse(res);
      access = pair.access;
      if (pair.refresh) await kv.set("refresh", pair.refresh);
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function api(path, options = {}) {
  if (!access) await refresh();
  let res = await send(path, options);
  if (res.status === 401) {
    await refresh();
    res = await send(path, options);
    if (res.status === 401) throw new SignedOut();
  }
  const data = await parse(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return { data, status: res.status, headers: res.headers };
}

// A file the patient downloads (their export): fetched with the token, saved from a Blob,
// so the token never appears in a link.
export async function download(path) {
  if (!access) await refresh();
  let res = await send(path);
  if (res.status === 401) { await refresh(); res = await send(path); }
  if (!res.ok) throw new ApiError(res.status, await parse(res));
  const disposition = res.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  return { blob: await res.blob(), name: match ? match[1] : "export.json" };
}

async function keep(pair) {
  access = pair.access;
  await kv.set("refresh", pair.refresh);
}

export async function signIn(email, password) {
  const res = await send("auth/token/", { method: "POST", body: { email, password }, auth: false });
  const data = await parse(res);
  if (!res.ok) throw new ApiError(res.status, data);
  await keep(data);
}

export async function invitationInfo(token) {
  const res = await send("auth/invitation/", { method: "POST", body: { token }, auth: false });
  const data = await parse(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export async function acceptInvitation(token, password) {
  const res = await send("auth/invitation/accept/", { method: "POST", body: { token, password }, auth: false });
  const data = await parse(res);
  if (!res.ok) throw new ApiError(res.status, data);
  await keep(data);
}

export async function hasSession() {
  return Boolean(access || (await kv.get("refresh")));
}

// Every trace of the patient leaves the device: the refresh token is revoked when the
// network allows, then the database, any caches holding API data and web storage go.
export async function signOut() {
  const token = await kv.get("refresh").catch(() => null);
  access = null;
  if (token) {
    try {
      await send("auth/logout/", { method: "POST", body: { refresh: token }, auth: false, timeout: 5000 });
    } catch (e) { /* offline: the token expires on its own */ }
  }
  await wipeDatabase();
  if (self.caches) {
    for (const name of await caches.keys()) {
      if (!name.startsWith("app-shell-")) await caches.delete(name);
    }
  }
  try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* storage disabled */ }
}
