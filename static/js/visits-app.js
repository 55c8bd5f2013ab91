/*
 * The volunteer's phone app (/visits/app).
 * Auth: the signed-in page swaps its session (with the CSRF token) for an API bearer
 * token at /visits/app/token, kept in localStorage so the phone can send visits after
 * the 30-minute web session has ended. Elders and today's tasks come from
 * GET /api/v1/elders and are cached in localStorage; visits go through the
 * IndexedDB outbox (outbox.js) to POST /api/v1/visits with a uuid made here.
 * Signing out (the header's form) clears the token, the cache, the outbox and the
 * service worker's caches, after warning about anything not yet sent.
 */
(function () {
  "use strict";
  const root = document.getElementById("visits-app");
  if (!root) return;
  const S = JSON.parse(document.getElementById("visits-strings").textContent);
  const KEY = "visits:" + root.dataset.user + ":";
  const API = root.dataset.api;
  const $ = (id) => document.getElementById(id);
  let token = localStorage.getItem(KEY + "token");
  let data = readJson(KEY + "elders");
  let box = null;
  let records = [];
  let gps = null;
  let photo = null;

  // A shared phone: drop what another volunteer left (their outbox stays, by name).
  Object.keys(localStorage).forEach((k) => {
    if (k.startsWith("visits:") && !k.startsWith(KEY)) localStorage.removeItem(k);
  });

  function readJson(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, (m, name) => (name in params ? params[name] : m));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  }

  function message(text, kind) {
    const box = $("app-message");
    box.textContent = text;
    box.className = "notice" + (kind ? " notice-" + kind : "");
    box.hidden = !text;
  }

  const localDate = RocDate.date;

  function villageName(item) {
    const zh = document.documentElement.lang.startsWith("zh");
    return (zh ? item.village.name : item.village.name_en) || item.village.name;
  }

  // Token and API

  async function getToken(force) {
    if (token && !force) return token;
    const response = await fetch(root.dataset.tokenUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": root.dataset.csrf, "Accept": "application/json"},
    });
    if (!response.ok || response.redirected) throw new Error("auth");
    token = (await response.json()).token;
    localStorage.setItem(KEY + "token", token);
    return token;
  }

  async function api(path) {
    let response = await fetch(API + path, {headers: {Authorization: "Bearer " + await getToken()}});
    if (response.status === 401) {
      response = await fetch(API + path, {headers: {Authorization: "Bearer " + await getToken(true)}});
    }
    return response;
  }

  async function refresh() {
    try {
      const response = await api("/elders?per_page=200");
      if (!response.ok) throw new Error("HTTP " + response.status);
      const body = await response.json();
      data = {items: body.items, fetched_at: new Date().toISOString()};
      localStorage.setItem(KEY + "elders", JSON.stringify(data));
      render();
    } catch (e) {
      render();
      if (data) $("list-updated").textContent = S.ui.stale;
    }
  }

  // Lists

  const TASK_ORDER = {sweep: 0, recheck: 1, due: 2};

  function waitingFor(elderId) {
    return records.some((r) => r.payload.elder_id === elderId && r.status !== "failed");
  }

  function card(item) {
    const lines = [el("span", {class: "name", text: item.name}),
                   el("span", {class: "line", text: fmt(S.ui.level, {n: item.care_level}) + " · " +
                     villageName(item) + " " + (item.address || "")})];
    let state;
    if (waitingFor(item.id)) state = S.ui.status_waiting;
    else if (item.task) state = S.task[item.task] + (item.overdue_days ? " · " + fmt(S.ui.overdue_days, {n: item.overdue_days}) : "");
    else if (item.status === "overdue") state = fmt(S.ui.overdue_days, {n: item.overdue_days});
    else state = item.due_on ? fmt(S.ui.due_on, {date: localDate(item.due_on)}) : "";
    lines.push(el("span", {class: "line", text: state}));
    const link = el("a", {class: "elder-card" + (item.task === "sweep" ? " sweep" : item.status === "overdue" ? " overdue" : ""),
                          href: "#elder/" + item.id}, lines);
    return el("li", {}, [link]);
  }

  function render() {
    const items = (data && data.items) || [];
    const today = items.filter((i) => i.task && !waitingFor(i.id));
    today.sort((a, b) => TASK_ORDER[a.task] - TASK_ORDER[b.task] || b.care_level - a.care_level ||
               b.overdue_days - a.overdue_days);
    const todayList = $("today-list");
    todayList.replaceChildren(...(today.length ? today.map(card) : [el("li", {text: data ? S.ui.no_tasks : S.ui.loading})]));
    const all = items.slice().sort((a, b) => (a.due_on || "").localeCompare(b.due_on || ""));
    $("all-list").replaceChildren(...(all.length ? all.map(card) : (data ? [el("li", {text: S.ui.no_elders})] : [])));
    if (data) {
      const when = new Date(data.fetched_at);
      $("list-updated").textContent = fmt(S.ui.updated, {time: RocDate.dateTime(when)});
    }
  }

  function findElder(id) {
    return ((data && data.items) || []).find((i) => i.id === id);
  }

  function showElder(item) {
    $("elder-name").textContent = item.name;
    const list = $("elder-details");
    const place = (villageName(item) + " " + (item.neighbourhood ? item.neighbourhood + "鄰 " : "") +
                   (item.address || "")).trim();
    list.replaceChildren(
      el("li", {text: fmt(S.ui.level, {n: item.care_level}) + (item.role ? " · " + S.ui[item.role] : "")}),
      el("li", {text: place}),
      el("li", {text: item.last_contact ? fmt(S.ui.last_contact, {date: localDate(item.last_contact)}) : S.ui.never}),
    );
    if (item.due_on) {
      const late = item.overdue_days ? " · " + fmt(S.ui.overdue_days, {n: item.overdue_days}) : "";
      list.appendChild(el("li", {text: fmt(S.ui.due_on, {date: localDate(item.due_on)}) + late}));
    }
    if (item.phone) {
      list.appendChild(el("li", {}, [el("a", {href: "tel:" + item.phone, class: "big-link",
                                              text: fmt(S.ui.call, {name: item.name}) + " " + item.phone})]));
    }
    (item.emergency_contacts || []).forEach((c) => list.appendChild(el("li", {}, [
      S.ui.emergency + ": " + c.name + " (" + c.relation + ") ",
      el("a", {href: "tel:" + c.phone, class: "big-link", text: c.phone})])));
    $("record-link").href = "#record/" + item.id;
  }

  // The visit form

  function nowLocal() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }

  function startForm(item) {
    const form = $("visit-form");
    form.reset();
    form.dataset.elder = item.id;
    $("form-elder").textContent = item.name;
    $("form-back").href = "#elder/" + item.id;
    $("visited_at").value = nowLocal();
    $("form-errors").hidden = true;
    $("photo-state").textContent = "";
    document.querySelectorAll("#visit-form .has-error").forEach((g) => g.classList.remove("has-error"));
    photo = null;
    gps = null;
    // Position is a bonus: ask once, never wait for it.
    if (navigator.geolocation) {
      $("gps-state").textContent = S.ui.gps_wait;
      navigator.geolocation.getCurrentPosition((p) => {
        gps = {lat: p.coords.latitude, lng: p.coords.longitude, gps_accuracy: p.coords.accuracy};
        $("gps-state").textContent = S.ui.gps_ok;
      }, () => { $("gps-state").textContent = S.ui.gps_none; },
      {timeout: 5000, maximumAge: 300000, enableHighAccuracy: false});
    }
  }

  function readPhoto(file) {
    return new Promise((resolve, reject) => {
      const url = URL.createObjectURL(file);
      const img = new Image();
      img.onload = () => {
        const scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL("image/jpeg", 0.7));
      };
      img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("photo")); };
      img.src = url;
    });
  }

  $("photo").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    photo = null;
    if (!file) return;
    try {
      photo = await readPhoto(file);
      $("photo-state").textContent = S.ui.photo_added;
    } catch (e) {
      $("photo-state").textContent = S.ui.photo_error;
    }
  });

  function formErrors(list) {
    const box = $("form-errors");
    const ul = box.querySelector("ul");
    ul.replaceChildren(...list.map(([id, text]) => el("li", {}, [el("a", {href: "#" + id, text: text})])));
    list.forEach(([id]) => $(id).closest(".form-group").classList.add("has-error"));
    box.querySelectorAll("a").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault();
      const first = $(a.getAttribute("href").slice(1)).querySelector("input");
      if (first) first.focus();
    }));
    box.hidden = false;
    box.focus();
  }

  $("visit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const fd = new FormData(form);
    const errors = [];
    if (!fd.get("kind")) errors.push(["group-kind", S.ui.choose_kind]);
    if (!fd.get("outcome")) errors.push(["group-outcome", S.ui.choose_outcome]);
    if (errors.length) { formErrors(errors); return; }
    const elderId = Number(form.dataset.elder);
    const assessment = {};
    for (const [name, value] of fd.entries()) {
      if (name.startsWith("a_") && value) assessment[name.slice(2)] = value;
    }
    const when = fd.get("visited_at") ? new Date(fd.get("visited_at")) : new Date();
    const payload = {
      elder_id: elderId, kind: fd.get("kind"), outcome: fd.get("outcome"),
      visited_at: when.toISOString(), duration_minutes: Number(fd.get("duration") || 0),
      needs: fd.getAll("needs"), referral: fd.get("referral") === "1",
      notes: (fd.get("notes") || "").trim(), assessment: assessment,
    };
    if (gps) Object.assign(payload, gps);
    if (photo) payload.photo = photo;
    await box.add(API + "/visits", payload);
    const item = findElder(elderId);
    if (item && ["met_well", "met_concerns", "not_alone", "refused"].includes(payload.outcome)) {
      item.task = null;
      item.status = "ok";
      item.overdue_days = 0;
      item.last_contact = nowLocal().slice(0, 10);
      localStorage.setItem(KEY + "elders", JSON.stringify(data));
    }
    location.hash = "";
    message(navigator.onLine ? S.ui.sent : S.ui.saved_offline, navigator.onLine ? "success" : "warning");
    if (navigator.onLine) {
      const result = await flush();
      if (result.waiting) message(S.ui.saved_offline, "warning");
    }
  });

  // Outbox

  async function flush() {
    let result = await box.flush();
    if (result.auth) {
      try {
        await getToken(true);
        result = await box.flush();
      } catch (e) { /* the web session has ended too */ }
      if (result.auth) message(S.ui.sign_in_again, "error");
    }
    if (result.sent) refresh();
    return result;
  }

  function renderOutbox(rows) {
    records = rows;
    const waiting = rows.filter((r) => r.status !== "failed").length;
    const failed = rows.length - waiting;
    const parts = [];
    if (waiting) parts.push(fmt(S.ui.waiting, {n: waiting}));
    if (failed) parts.push(fmt(S.ui.failed, {n: failed}));
    $("outbox-state").textContent = parts.length ? parts.join(" · ") : S.ui.all_sent;
    const list = $("outbox-list");
    list.replaceChildren(...rows.map((r) => {
      const item = findElder(r.payload.elder_id);
      const li = el("li", {class: r.status}, [
        el("strong", {text: item ? item.name : "#" + r.payload.elder_id}), " · ",
        (S.kind[r.payload.kind] || r.payload.kind) + " · " + (S.outcome[r.payload.outcome] || r.payload.outcome),
        el("br"), RocDate.dateTime(r.payload.visited_at) + " · ",
        el("span", {text: r.status === "failed" ? S.ui.status_failed + ": " + r.last_error : S.ui.status_waiting}),
      ]);
      if (r.status === "failed") {
        const retry = el("button", {type: "button", class: "button secondary", text: S.ui.status_waiting});
        retry.textContent = "↻ " + S.ui.status_sending;
        retry.addEventListener("click", () => box.retry(r.uuid));
        const drop = el("button", {type: "button", class: "button warning", text: "✕"});
        drop.setAttribute("aria-label", S.ui.confirm_discard);
        drop.addEventListener("click", () => { if (confirm(S.ui.confirm_discard)) box.discard(r.uuid); });
        li.append(el("br"), retry, drop);
      }
      return li;
    }));
    if (!rows.length) list.appendChild(el("li", {text: S.ui.all_sent}));
    render();
  }

  function showNetwork() {
    const online = navigator.onLine;
    $("app-status").classList.toggle("is-offline", !online);
    $("net-state").textContent = online ? S.ui.online : S.ui.offline;
  }

  // Views

  function route() {
    const hash = location.hash.replace(/^#/, "");
    const [view, id] = hash.split("/");
    let show = "view-list";
    if (view === "elder" && findElder(Number(id))) { showElder(findElder(Number(id))); show = "view-elder"; }
    else if (view === "record" && findElder(Number(id))) { startForm(findElder(Number(id))); show = "view-form"; }
    else if (view === "outbox") show = "view-outbox";
    document.querySelectorAll(".app-view").forEach((v) => { v.hidden = v.id !== show; });
    const heading = document.querySelector("#" + show + " h1");
    if (hash && heading) heading.focus();
    window.scrollTo(0, 0);
  }

  // Sign-out: warn about unsent visits, then forget everything this phone holds.
  const logout = document.querySelector('form[action$="/logout"]');
  if (logout) {
    logout.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (navigator.onLine && records.length) await flush();
      const waiting = (await box.list()).length;
      if (waiting && !confirm(fmt(S.ui.confirm_logout, {n: waiting}))) return;
      try {
        if (token && navigator.onLine) {
          await fetch(API + "/auth/token", {method: "DELETE", headers: {Authorization: "Bearer " + token}});
        }
      } catch (e) { /* offline: the token expires by itself */ }
      Object.keys(localStorage).filter((k) => k.startsWith("visits:")).forEach((k) => localStorage.removeItem(k));
      await Outbox.clearAll();
      if (window.caches) {
        for (const name of await caches.keys()) if (name.startsWith("visits-")) await caches.delete(name);
      }
      logout.submit();
    });
  }

  async function start() {
    showNetwork();
    window.addEventListener("online", showNetwork);
    window.addEventListener("offline", showNetwork);
    window.addEventListener("hashchange", route);
    render();
    box = await Outbox.open("visits-" + root.dataset.user, {
      // Refusals come back in the app's language (problem+json `detail`).
      headers: async () => ({Authorization: "Bearer " + (token || await getToken()),
                             "Accept-Language": document.documentElement.lang}),
      onchange: renderOutbox,
    });
    renderOutbox(await box.list());
    window.addEventListener("online", () => flush());
    $("send-now").addEventListener("click", () => flush());
    route();
    if (navigator.onLine) await refresh();
    route();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.sw, {scope: root.dataset.scope}).catch(() => {});
    }
    root.dataset.ready = "1";
  }

  start();
})();
