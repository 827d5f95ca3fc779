// The offline queue. Each episode or exercise session is stored first, with the client_id the
// server deduplicates on and an Idempotency-Key, then sent. An item leaves the queue only
// when the server has answered for it, so closing the app, a 5xx, a timeout or a replayed
// batch can neither lose it nor make a second copy.
import { api, ApiError, OfflineError, SignedOut } from "./api.js";
import { kv, queue, uuid } from "./store.js";

const MAX_BATCH = 200;
let running = null;
let retryTimer = null;
let backoff = 2000;
let moved = false;
const listeners = new Set();

export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function changed() { for (const fn of listeners) { try { fn(); } catch (e) { console.error(e); } } }

export async function enqueue(kind, body) {
  const item = {
    client_id: body.client_id, kind, body, idempotency_key: uuid(),
    state: "waiting", errors: null, created_at: new Date().toISOString(),
  };
  await queue.put(item);
  changed();
  drainSoon(0);
  return item;
}

export async function waiting(kind) {
  const items = await queue.all();
  return items.filter((i) => !kind || i.kind === kind)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function discard(clientId) {
  await queue.del(clientId);
  changed();
}

export function drainSoon(delay = backoff) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => { drain().catch(() => {}); }, delay);
}

async function sendEpisodes(items) {
  // The batch in flight is stored before it is sent: after a crash or a 5xx the same batch
  // goes again with the same key (the server replays its answer); a changed queue makes a
  // new batch, and the client_ids still make any resent episode a duplicate, not a copy.
  let batch = await kv.get("inflight");
  const ids = new Set(items.map((i) => i.client_id));
  if (!batch || !batch.ids.every((id) => ids.has(id))) {
    batch = { key: uuid(), ids: items.slice(0, MAX_BATCH).map((i) => i.client_id) };
    await kv.set("inflight", batch);
  }
  const byId = new Map(items.map((i) => [i.client_id, i]));
  const body = { episodes: batch.ids.map((id) => byId.get(id).body) };
  const { data } = await api("episodes/sync/", {
    method: "POST", body, headers: { "Idempotency-Key": batch.key },
  });
  for (const result of data.results) {
    const item = byId.get(result.client_id);
    if (!item) continue;
    if (result.status === "rejected") {
      await queue.put({ ...item, state: "rejected", errors: result.errors });
    } else {
      await queue.del(item.client_id);
    }
    moved = true;
  }
  await kv.del("inflight");
}

async function sendSession(item) {
  try {
    await api("program/sessions/", {
      method: "POST", body: item.body, headers: { "Idempotency-Key": item.idempotency_key },
    });
    await queue.del(item.client_id);
    moved = true;
  } catch (e) {
    if (e instanceof ApiError && e.status >= 400 && e.status < 500 && ![401, 408, 409, 429].includes(e.status)) {
      await queue.put({ ...item, state: "rejected", errors: e.fields });
      moved = true;
      return;
    }
    throw e;
  }
}

export function drain() {
  if (running) return running;
  running = (async () => {
    // Yield first: "finally" below must run after "running" is assigned, never before.
    await null;
    try {
      if (!navigator.onLine) throw new OfflineError("offline");
      for (let round = 0; round < 50; round += 1) {
        const episodes = (await waiting("episode")).filter((i) => i.state === "waiting");
        if (!episodes.length) break;
        await sendEpisodes(episodes);
      }
      const sessions = (await waiting("session")).filter((i) => i.state === "waiting");
      for (const item of sessions) await sendSession(item);
      backoff = 2000;
      return true;
    } catch (e) {
      if (e instanceof SignedOut) return false;
      // Offline, a timeout, a 5xx or a throttle: try again later, a little later each time
      // (the "online" event also starts a try at once).
      drainSoon(backoff);
      backoff = Math.min(backoff * 2, 30000);
      return false;
    } finally {
      running = null;
      // Screens redraw only when an item left the queue or was refused, not on every try.
      if (moved) { moved = false; changed(); }
    }
  })();
  return running;
}

