// The progress page of a background job (templates/core/job_progress.html): polls the
// job's status every second, moves the bar, and goes on once the job is done or failed.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-label]");
  var percent = box.querySelector("[data-progress-percent]");
  var failures = 0;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    percent.textContent = data.percent + "%";
    label.textContent = data.label;
  }

  function poll() {
    fetch(box.dataset.statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.done) {
          window.location.assign(data.url);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A network hiccup: try again a little later; after a few, reload the page.
        failures += 1;
        if (failures > 5) { window.location.assign(box.dataset.jobUrl); return; }
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
