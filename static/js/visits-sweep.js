/* Live safety-check board: refresh the counts and each elder's state every 20 s. */
(function () {
  "use strict";
  const box = document.getElementById("sweep-counts");
  if (!box || box.dataset.live !== "1") return;
  const names = JSON.parse(document.getElementById("sweep-labels").textContent);
  const NUMBER = new Intl.NumberFormat("en-US");
  const colours = {needs_help: "red", unreachable: "orange", pending: "grey", checked: "green"};
  async function refresh() {
    try {
      const response = await fetch(box.dataset.url, {credentials: "same-origin",
                                                     headers: {Accept: "application/json"}});
      if (!response.ok) return;
      const data = await response.json();
      for (const [state, count] of Object.entries(data.counts)) {
        const cell = box.querySelector('[data-state="' + state + '"]');
        const shown = NUMBER.format(count);  // as the server's `num` filter: 1,234
        if (cell && cell.textContent !== shown) cell.textContent = shown;
      }
      for (const check of data.checks) {
        const cell = document.querySelector('[data-check="' + check.elder_id + '"]');
        if (cell && cell.dataset.state !== check.state) {
          cell.dataset.state = check.state;
          cell.innerHTML = "";
          const tag = document.createElement("span");
          tag.className = "tag " + colours[check.state];
          tag.textContent = names[check.state];
          cell.appendChild(tag);
        }
      }
      if (data.closed) clearInterval(timer);
    } catch (e) { /* offline: try again next time */ }
  }
  const timer = setInterval(refresh, 20000);
})();
