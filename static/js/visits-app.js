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

  const NUMBER = new Intl.NumberFormat("en-US");

  // Figures get thousands separators, as the server's `num` filter gives them.
  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, (m, name) => {
      if (!(name in params)) return m;
      return typeof params[name] === "number" ? NUMBER.format(params[name]) : params[name];
    });
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  }

  // `notice` names what the message says, so a later state can take it back.
  let notice = "";

  function message(text, kind, key) {
    const box = $("app-message");
    box.textContent = text;
    box.className = "notice" + (kind ? " notice-" + kind : "");
    box.hidden = !text;
    notice = text ? (key || "other") : "";
  }

  const localDate = RocDate.date;

  // The interface language's name, as the server's `village_name` gives it; the cached
  // list keeps both names, so switching language needs no new download.
  function villageName(item) {
    const zh = document.documentElement.lang.startsWith("zh");
    return (zh ? item.village.name : item.village.name_en) || item.village.name;
  }

  function neighbourhood(item) {
    return item.neighbourhood ? fmt(S.ui.neighbourhood, {n: item.neighbourhood}) + " " : "";
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
      if (!data) data = {items: [], failed: true};
      render();
      if (!data.failed) $("list-updated").textContent = S.ui.stale;
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
    // Until the first list arrives the skeleton cards keep its place (no layout shift).
    if (!data) return;
    const items = data.items || [];
    const today = items.filter((i) => i.task && !waitingFor(i.id));
    today.sort((a, b) => TASK_ORDER[a.task] - TASK_ORDER[b.task] || b.care_level - a.care_level ||
               b.overdue_days - a.overdue_days);
    const todayList = $("today-list");
    const empty = data.failed ? S.ui.loading : S.ui.no_tasks;
    todayList.replaceChildren(...(today.length ? today.map(card) : [el("li", {text: empty})]));
    const all = items.slice().sort((a, b) => (a.due_on || "").localeCompare(b.due_on || ""));
    $("all-list").replaceChildren(...(all.length ? all.map(card) : (data.failed ? [] : [el("li", {text: S.ui.no_elders})])));
    todayList.removeAttribute("aria-busy");
    $("all-list").removeAttribute("aria-busy");
    if (data.fetched_at) {
      $("list-updated").textContent = fmt(S.ui.updated, {time: RocDate.dateTime(data.fetched_at)});
    }
  }

  function findElder(id) {
    return ((data && data.items) || []).find((i) => i.id === id);
  }

  function showElder(item) {
    $("elder-name").textContent = item.name;
    const list = $("elder-details");
    const place = (villageName(item) + " " + neighbourhood(item) +
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

  // The visit form: one step on screen at a time (#record/<elder>/<step>), each checked
  // before the next; messages sit beside their fields and in the summary above.

  const form = $("visit-form");
  const STEPS = Number(form.dataset.steps);
  const ZONE = document.documentElement.dataset.tz || "Asia/Taipei";

  function officeParts(moment) {
    const found = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(moment).forEach((p) => { found[p.type] = Number(p.value); });
    return found;
  }

  // A wall-clock time at the office as a moment (the zone's offset found by one guess).
  function officeMoment(y, mo, d, h, mi) {
    const guess = Date.UTC(y, mo - 1, d, h, mi);
    const p = officeParts(new Date(guess));
    return new Date(guess - (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess));
  }

  // 115/12/04, 1151204, 115年12月4日 (ROC) or 2026-12-04, 2026/12/04 (AD), as the server's
  // RocDateField reads them.
  function parseDate(text) {
    const clean = text.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    let m = clean.match(/^(\d{1,4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?$/);
    if (!m) m = clean.match(/^(\d{3})(\d{2})(\d{2})$/) || clean.match(/^(\d{4})(\d{2})(\d{2})$/);
    if (!m) return {error: "format"};
    let year = Number(m[1]);
    if (m[1].length < 4) year += 1911;
    const month = Number(m[2]), day = Number(m[3]);
    const check = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || check.getUTCDate() !== day) return {error: "impossible"};
    return {year: year, month: month, day: day};
  }

  function parseTime(text) {
    const m = text.trim().replace(/：/g, ":").match(/^(\d{1,2}):?(\d{2})$/);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
    return {hour: Number(m[1]), minute: Number(m[2])};
  }

  function visitedAt(fd) {
    const day = parseDate(fd.get("visited_on") || "");
    const time = parseTime(fd.get("visited_time") || "");
    if (day.error || !time) return null;
    return officeMoment(day.year, day.month, day.day, time.hour, time.minute);
  }

  // [group id, the control the summary links to, message] for one step.
  function stepErrors(n, fd) {
    const errors = [];
    if (n === 1 && !fd.get("kind")) errors.push(["group-kind", "kind-home_visit", S.ui.choose_kind]);
    if (n === 2 && !fd.get("outcome")) errors.push(["group-outcome", "outcome-met_well", S.ui.choose_outcome]);
    if (n === 3) {
      const text = (fd.get("visited_on") || "").trim();
      const day = parseDate(text);
      if (!text) errors.push(["group-visited_on", "visited_on", S.ui.enter_date]);
      else if (day.error) errors.push(["group-visited_on", "visited_on", day.error === "impossible" ? S.ui.date_impossible : S.ui.date_format]);
      if (!parseTime(fd.get("visited_time") || "")) errors.push(["group-visited_time", "visited_time", S.ui.enter_time]);
      const when = visitedAt(fd);
      if (when && when.getTime() > Date.now() + 10 * 60000) errors.push(["group-visited_on", "visited_on", S.ui.future]);
      if (when && when.getTime() < Date.now() - 400 * 86400000) errors.push(["group-visited_on", "visited_on", S.ui.too_old]);
      const minutes = (fd.get("duration") || "0").trim();
      if (!/^\d{1,4}$/.test(minutes) || Number(minutes) > 1440) errors.push(["group-duration", "duration", S.ui.minutes]);
    }
    return errors;
  }

  function clearErrors() {
    $("form-errors").hidden = true;
    form.querySelectorAll(".error-message").forEach((node) => node.remove());
    form.querySelectorAll(".has-error").forEach((g) => g.classList.remove("has-error"));
    form.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
    form.querySelectorAll("[data-described]").forEach((c) => {
      if (c.dataset.described) c.setAttribute("aria-describedby", c.dataset.described);
      else c.removeAttribute("aria-describedby");
      delete c.dataset.described;
    });
  }

  // The GOV.UK pattern: the message under the label or legend, tied to the control,
  // and the same words in the summary linking to it.
  function showErrors(list) {
    clearErrors();
    list.forEach(([groupId, target, text]) => {
      const group = $(groupId);
      const id = groupId + "-error";
      group.classList.add("has-error");
      const span = el("span", {class: "error-message", id: id},
                      [el("span", {class: "visually-hidden", text: S.ui.error_prefix}), " " + text]);
      const fieldset = group.querySelector("fieldset");
      const control = fieldset || $(target);
      const anchor = fieldset ? fieldset.querySelector("legend") : (group.querySelector(".hint") || group.querySelector("label"));
      if (group.querySelector(".error-message")) return;  // one message per field
      anchor.after(span);
      const described = control.getAttribute("aria-describedby") || "";
      if (!("described" in control.dataset)) control.dataset.described = described;
      control.setAttribute("aria-describedby", (described + " " + id).trim());
      if (!fieldset) control.setAttribute("aria-invalid", "true");
    });
    const box = $("form-errors");
    box.querySelector("ul").replaceChildren(...list.map(([, target, text]) => {
      const link = el("a", {href: "#" + target, text: text});
      link.addEventListener("click", (e) => {
        e.preventDefault();
        $(target).focus();
        $(target).scrollIntoView({block: "center"});
      });
      return el("li", {}, [link]);
    }));
    box.hidden = false;
    box.focus();
  }

  function showStep(n) {
    form.dataset.step = n;
    form.querySelectorAll(".form-step").forEach((s) => { s.hidden = Number(s.dataset.step) !== n; });
    $("step-next").hidden = n === STEPS;
    $("save-visit").hidden = n !== STEPS;
    const elder = form.dataset.elder;
    $("form-back").href = n === 1 ? "#elder/" + elder : "#record/" + elder + "/" + (n - 1);
    clearErrors();
  }

  function startForm(item) {
    form.reset();
    form.dataset.elder = item.id;
    $("form-elder").textContent = item.name;
    const [day, time] = RocDate.dateTime(new Date()).split(" ");
    $("visited_on").value = day;
    $("visited_time").value = time;
    $("photo-state").textContent = "";
    if (notice !== "sign_in_again") message("");
    photo = null;
    gps = null;
    showStep(1);
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

  // #record/<elder>/<n>: a step is shown only when the steps before it are complete.
  function openStep(item, n) {
    if (String(form.dataset.elder) !== String(item.id) || !(n >= 1 && n <= STEPS)) {
      startForm(item);
      history.replaceState(null, "", "#record/" + item.id);
      return;
    }
    const fd = new FormData(form);
    for (let k = 1; k < n; k++) {
      if (stepErrors(k, fd).length) { n = k; break; }
    }
    showStep(n);
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

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fd = new FormData(form);
    const step = Number(form.dataset.step);
    const errors = stepErrors(step, fd);
    if (errors.length) { showErrors(errors); return; }
    const elderId = Number(form.dataset.elder);
    if (step < STEPS) {
      location.hash = "#record/" + elderId + "/" + (step + 1);
      return;
    }
    for (let k = 1; k < STEPS; k++) {
      const earlier = stepErrors(k, fd);
      if (earlier.length) { showStep(k); showErrors(earlier); return; }
    }
    const assessment = {};
    for (const [name, value] of fd.entries()) {
      if (name.startsWith("a_") && value) assessment[name.slice(2)] = value;
    }
    const when = visitedAt(fd);
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
      const p = officeParts(when);
      item.task = null;
      item.status = "ok";
      item.overdue_days = 0;
      item.last_contact = p.year + "-" + String(p.month).padStart(2, "0") + "-" + String(p.day).padStart(2, "0");
      localStorage.setItem(KEY + "elders", JSON.stringify(data));
    }
    form.dataset.elder = "";
    location.hash = "";
    message(S.ui.saved_offline, "warning", "saved_offline");
    if (navigator.onLine) {
      const result = await flush();
      if (result.sent && !result.waiting && !result.failed) message(S.ui.sent, "success", "sent");
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
      if (result.auth) message(S.ui.sign_in_again, "error", "sign_in_again");
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
    // "Saved on this phone" or "sign in again" are stale once everything has gone.
    if (!waiting && ["saved_offline", "sign_in_again"].includes(notice)) message("");
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
    const [view, id, step] = hash.split("/");
    let show = "view-list";
    if (view === "elder" && findElder(Number(id))) { showElder(findElder(Number(id))); show = "view-elder"; }
    else if (view === "record" && findElder(Number(id))) {
      const item = findElder(Number(id));
      if (step) openStep(item, Number(step)); else startForm(item);
      show = "view-form";
    }
    else if (view === "outbox") show = "view-outbox";
    document.querySelectorAll(".app-view").forEach((v) => { v.hidden = v.id !== show; });
    if ((show === "view-elder" || show === "view-form") && notice !== "sign_in_again") message("");
    const heading = show === "view-form" && step
      ? document.querySelector(".form-step:not([hidden]) .step-title")
      : document.querySelector("#" + show + " h1");
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
