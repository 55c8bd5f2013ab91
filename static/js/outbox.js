/*
 * Outbox: records made on the phone wait in IndexedDB until the server has them.
 * Generic: home visits and doorstep delivery outcomes both use it.
 *
 *   const box = await Outbox.open("visits", {
 *     headers: async () => ({Authorization: "Bearer " + token}),  // or {"X-CSRFToken": ...}
 *     onchange: (records) => render(records),   // called after every change
 *   });
 *   const rec = await box.add("/api/v1/visits", payload);  // sets payload.uuid if missing
 *   const result = await box.flush();  // {sent, failed, waiting, auth}
 *   const rows = await box.list();     // every record still on the phone, oldest first
 *   await box.retry(uuid);             // a failed record back to waiting
 *   await box.discard(uuid);           // only after the user confirmed (failed records)
 *   await box.clear();                 // sign-out: forget everything
 *   await Outbox.clearAll();           // every outbox this page ever opened
 *
 * A record is {uuid, url, payload, status, attempts, created_at, last_error, http_status}
 * with status "waiting" (not yet accepted), "failed" (the server refused it: kept
 * and shown until the user deals with it) or, briefly, "sending".
 * flush() POSTs each waiting record as JSON: 200/201 remove it (the server stores
 * by uuid, so a replay is harmless); 409 and other 4xx mark it failed with the
 * server's message; 401/403 stop the flush with result.auth = true (sign in again,
 * records kept); network errors and 5xx leave it waiting for the next try.
 * The box flushes itself on the `online` event, on page load (open) and every
 * `interval` ms (default 60000) while the page is open. Nothing is ever dropped
 * without discard() or clear().
 */
(function (global) {
  "use strict";

  const STORE = "records";
  const opened = new Set(JSON.parse(localStorageGet("outbox:names") || "[]"));
  const boxes = [];

  function localStorageGet(key) {
    try { return global.localStorage.getItem(key); } catch (e) { return null; }
  }

  function localStorageSet(key, value) {
    try { global.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  function newUuid() {
    if (global.crypto && typeof global.crypto.randomUUID === "function") {
      return global.crypto.randomUUID();
    }
    // Older browsers (Android 9 WebView): RFC 4122 version 4 from getRandomValues.
    const bytes = new Uint8Array(16);
    if (global.crypto && global.crypto.getRandomValues) {
      global.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function openDb(name) {
    return new Promise((resolve, reject) => {
      const req = global.indexedDB.open("outbox-" + name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, {keyPath: "uuid"});
        store.createIndex("created_at", "created_at");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  class Box {
    constructor(name, db, options) {
      this.name = name;
      this.db = db;
      this.headers = options.headers || (async () => ({}));
      this.onchange = options.onchange || (() => {});
      this.flushing = null;
      this._online = () => this.flush();
      global.addEventListener("online", this._online);
      if (options.interval !== 0) {
        this._timer = global.setInterval(() => {
          if (global.navigator.onLine !== false) this.flush();
        }, options.interval || 60000);
      }
    }

    _tx(mode) {
      return this.db.transaction(STORE, mode).objectStore(STORE);
    }

    async _put(record) {
      await request(this._tx("readwrite").put(record));
    }

    async _changed() {
      try { this.onchange(await this.list()); } catch (e) { /* the UI's problem */ }
    }

    async add(url, payload) {
      payload = Object.assign({}, payload);
      payload.uuid = payload.uuid || newUuid();
      const record = {
        uuid: payload.uuid, url: url, payload: payload, status: "waiting", attempts: 0,
        created_at: new Date().toISOString(), last_error: "", http_status: null,
      };
      await this._put(record);
      await this._changed();
      return record;
    }

    async list() {
      const rows = await request(this._tx("readonly").index("created_at").getAll());
      return rows;
    }

    async get(uuid) {
      return request(this._tx("readonly").get(uuid));
    }

    async retry(uuid) {
      const record = await this.get(uuid);
      if (record) {
        record.status = "waiting";
        record.last_error = "";
        await this._put(record);
        await this._changed();
      }
      return this.flush();
    }

    async discard(uuid) {
      await request(this._tx("readwrite").delete(uuid));
      await this._changed();
    }

    async clear() {
      await request(this._tx("readwrite").clear());
      await this._changed();
    }

    close() {
      global.removeEventListener("online", this._online);
      if (this._timer) global.clearInterval(this._timer);
      this.db.close();
    }

    flush() {
      // One flush at a time per page; a second caller shares the running one.
      if (!this.flushing) {
        this.flushing = this._flush().finally(() => { this.flushing = null; });
      }
      return this.flushing;
    }

    async _flush() {
      const result = {sent: 0, failed: 0, waiting: 0, auth: false};
      const rows = await this.list();
      for (const record of rows) {
        if (record.status === "failed") { result.failed++; continue; }
        if (result.auth) { result.waiting++; continue; }
        let response;
        try {
          const headers = Object.assign({"Content-Type": "application/json",
                                         "Accept": "application/json"}, await this.headers());
          response = await global.fetch(record.url, {
            method: "POST", headers: headers, body: JSON.stringify(record.payload),
            credentials: "same-origin", cache: "no-store",
          });
        } catch (e) {
          record.attempts++;
          record.last_error = "network";
          await this._put(record);
          result.waiting++;
          continue;
        }
        record.attempts++;
        record.http_status = response.status;
        if (response.status === 200 || response.status === 201) {
          await request(this._tx("readwrite").delete(record.uuid));
          result.sent++;
        } else if (response.status === 401 || response.status === 403) {
          record.last_error = "auth";
          await this._put(record);
          result.auth = true;
          result.waiting++;
        } else if (response.status >= 400 && response.status < 500) {
          let message = "";
          try { message = (await response.json()).detail || ""; } catch (e) { /* not JSON */ }
          record.status = "failed";
          record.last_error = message || ("HTTP " + response.status);
          await this._put(record);
          result.failed++;
        } else {
          record.last_error = "HTTP " + response.status;
          await this._put(record);
          result.waiting++;
        }
      }
      await this._changed();
      return result;
    }
  }

  const Outbox = {
    uuid: newUuid,
    async open(name, options) {
      const db = await openDb(name);
      opened.add(name);
      localStorageSet("outbox:names", JSON.stringify(Array.from(opened)));
      const box = new Box(name, db, options || {});
      boxes.push(box);
      if (global.navigator.onLine !== false) box.flush();
      return box;
    },
    async clearAll() {
      // Open connections would block the deletion: close them first.
      while (boxes.length) boxes.pop().close();
      for (const name of Array.from(opened)) {
        await new Promise((resolve) => {
          const req = global.indexedDB.deleteDatabase("outbox-" + name);
          req.onsuccess = req.onerror = req.onblocked = () => resolve();
        });
      }
      opened.clear();
      localStorageSet("outbox:names", "[]");
    },
  };

  global.Outbox = Outbox;
})(window);
