// Poll a job's state and move the progress bar; stop when it has finished.
(function () {
  var box = document.getElementById("job");
  if (!box || !window.fetch) return;
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-bar");
  var meter = bar.closest(".progress");
  var link = document.getElementById("job-download");
  var heading = document.querySelector("h1");
  var lang = document.documentElement.lang || "";
  var zh = lang.indexOf("zh") === 0;
  function text(s) {
    if (s.status === "queued") return zh ? "等待開始。" : "Waiting to start.";
    if (s.status === "running") return (s.message ? s.message + " " : "") + (zh ? "已完成 " : "") + s.done.toLocaleString() + " / " + s.total.toLocaleString() + (zh ? "。" : " done.");
    if (s.status === "done") return zh ? "完成。" : "Finished.";
    return (zh ? "失敗：" : "This job failed: ") + s.message;
  }
  function poll() {
    fetch(box.dataset.stateUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      bar.setAttribute("width", Math.max(0, Math.min(100, s.percent)));
      meter.setAttribute("aria-valuenow", s.percent);
      status.textContent = text(s);
      if (s.status === "done" || s.status === "failed") {
        if (s.status === "failed") heading.textContent = heading.dataset.failedLabel;
        else if (s.message) heading.textContent = s.message;
        var hint = document.getElementById("job-hint");
        if (hint) hint.hidden = true;
        var back = document.getElementById("job-return");
        if (back && s.status === "done") { back.textContent = back.dataset.doneLabel; back.classList.remove("secondary"); }
        if (s.download_url) { link.href = s.download_url; link.hidden = false; }
        var again = document.getElementById("job-again");
        if (again && s.again) again.hidden = false;
        return;
      }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") setTimeout(poll, 500);
})();
