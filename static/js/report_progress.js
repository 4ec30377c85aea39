// The report page while the report is produced: poll its state every 2 seconds and reload
// once it is ready or failed. A file, not an inline script (Content-Security-Policy).
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var label = box.querySelector("[data-progress-label]");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        label.textContent = data.label;
        bar.style.width = data.percent + "%";
        meter.setAttribute("aria-valuenow", data.percent);
        if (data.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
