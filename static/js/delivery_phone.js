/* Doorstep reports on the serviceman's phone: each report goes into the outbox
 * (static/js/outbox.js) with the form's UUID and is sent when there is signal.
 * GPS is watched in the background and attached if known: saving never waits for it. */
(function () {
  "use strict";
  // The error summary takes the focus, and its links move it to the field (as GOV.UK's).
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
    });
  }
  var cfg = window.deliveryPhone;
  if (!cfg || !window.Outbox || !window.indexedDB) return;  // plain form posts still work
  var lastFix = null;
  if (navigator.geolocation) {
    try {
      navigator.geolocation.watchPosition(function (p) { lastFix = p; }, function () {},
        {enableHighAccuracy: true, maximumAge: 60000, timeout: 5000});
    } catch (e) { /* no GPS: fine */ }
  }
  var status = document.getElementById("outbox-status");

  function show(records) {
    var waiting = records.filter(function (r) { return r.status !== "failed"; });
    var failed = records.filter(function (r) { return r.status === "failed"; });
    var parts = [];
    if (waiting.length) parts.push(cfg.text.waiting.replace("{n}", waiting.length));
    failed.forEach(function (r) { parts.push(cfg.text.failed.replace("{e}", r.last_error || r.http_status)); });
    status.hidden = !parts.length;
    status.textContent = parts.join(" ");
  }

  function resizePhoto(file) {
    return new Promise(function (resolve) {
      if (!file) return resolve(null);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(img.src);
        resolve(canvas.toDataURL("image/jpeg", 0.7));
      };
      img.onerror = function () { resolve(null); };
      img.src = URL.createObjectURL(file);
    });
  }

  Outbox.open("delivery", {
    headers: async function () { return {"X-CSRFToken": cfg.csrf}; },
    onchange: show,
  }).then(function (box) {
    box.list().then(show);
    document.querySelectorAll("form.outcome-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var chosen = form.querySelector("input[name=outcome]:checked");
        // Nothing chosen: the server answers with its error summary.
        if (!chosen) return;
        event.preventDefault();
        var file = form.querySelector("input[name=photo]").files[0];
        resizePhoto(file).then(function (photo) {
          var payload = {
            uuid: form.querySelector("input[name=uuid]").value,
            stop_id: Number(form.dataset.stop), outcome: chosen.value,
            note: form.querySelector("input[name=note]").value,
            recorded_at: new Date().toISOString(), photo: photo,
          };
          if (lastFix) {
            payload.lat = lastFix.coords.latitude;
            payload.lng = lastFix.coords.longitude;
            payload.accuracy_m = lastFix.coords.accuracy;
          }
          return box.add(cfg.api, payload);
        }).then(function (record) {
          // A fresh UUID for any later change of this stop's report.
          form.querySelector("input[name=uuid]").value = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
          return box.flush().then(function (result) {
            if (result && result.auth) { status.hidden = false; status.textContent = cfg.text.auth; }
            return box.get(record.uuid);
          });
        }).then(function (left) {
          // Sent (no longer in the outbox): on to the next stop. Else it waits on the phone.
          if (!left) window.location.assign(form.dataset.next);
        });
      });
    });
  });
})();
