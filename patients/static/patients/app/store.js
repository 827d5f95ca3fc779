// The device's copy of the patient's things: one IndexedDB database, wiped whole on sign-out.
// "kv" holds the refresh token, the cached profile, vocabulary, form and program;
// "queue" holds what was recorded and not yet accepted by the server (keyed by client_id).
const DB_NAME = "clinic-app";
const VERSION = 1;
let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("queue")) {
          db.createObjectStore("queue", { keyPath: "client_id" });
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(req.error); };
      req.onblocked = () => reject(new Error("database blocked"));
    });
  }
  return opening;
}

async function tx(store, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    let result;
    Promise.resolve(work(t.objectStore(store))).then((r) => { result = r; });
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("aborted"));
  });
}

export const kv = {
  get: (key) => tx("kv", "readonly", (s) => request(s.get(key))),
  set: (key, value) => tx("kv", "readwrite", (s) => { s.put(value, key); }),
  del: (key) => tx("kv", "readwrite", (s) => { s.delete(key); }),
};

export const queue = {
  all: () => tx("queue", "readonly", (s) => request(s.getAll())),
  get: (id) => tx("queue", "readonly", (s) => request(s.get(id))),
  put: (item) => tx("queue", "readwrite", (s) => { s.put(item); }),
  del: (id) => tx("queue", "readwrite", (s) => { s.delete(id); }),
};

// Sign-out on a shared phone: the database goes, not just its rows.
export async function wipeDatabase() {
  if (opening) {
    try { (await opening).close(); } catch (e) { /* already closed */ }
    opening = null;
  }
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
