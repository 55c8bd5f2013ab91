/*
 * Dates and times shown by scripts, by the same rules as the server's `roc` and `dt`
 * filters (welfare/web.py): ROC in the Chinese interface (115/12/07, 115/12/04 14:16),
 * ISO in English (2026-12-07, 2026-12-04 14:16); times in the office's zone, 24-hour.
 */
(function (global) {
  "use strict";
  const ZONE = document.documentElement.dataset.tz || "Asia/Taipei";

  function chinese() {
    return (document.documentElement.lang || "").startsWith("zh");
  }

  function pad(n, width) {
    return String(n).padStart(width || 2, "0");
  }

  function date(iso) {
    if (!iso) return "";
    const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
    if (!y || !m || !d) return String(iso);
    return chinese() ? pad(y - 1911, 3) + "/" + pad(m) + "/" + pad(d)
      : y + "-" + pad(m) + "-" + pad(d);
  }

  function parts(moment) {
    const found = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(moment).forEach((p) => { found[p.type] = p.value; });
    return found;
  }

  function toDate(moment) {
    const when = moment instanceof Date ? moment : new Date(moment);
    return isNaN(when.getTime()) ? null : when;
  }

  function time(moment) {
    const when = toDate(moment);
    if (!when) return "";
    const p = parts(when);
    return p.hour + ":" + p.minute;
  }

  function dateTime(moment) {
    const when = toDate(moment);
    if (!when) return "";
    const p = parts(when);
    return date(p.year + "-" + p.month + "-" + p.day) + " " + p.hour + ":" + p.minute;
  }

  global.RocDate = {date: date, dateTime: dateTime, time: time};
})(window);
