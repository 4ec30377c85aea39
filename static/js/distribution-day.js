// Distribution day (support): Enter records the beneficiary without reloading the page; the
// box clears and keeps the focus, the answer is read out (aria-live) and the newest entry
// goes on top of the running list. Without JavaScript the form posts and the page reloads.
(function () {
  "use strict";
  var form = document.querySelector("[data-distribution-entry]");
  if (!form) {
    return;
  }
  var script = document.currentScript;
  var failed = (script && script.dataset.textFailed) || "Error";
  var box = form.querySelector("input[name=key]");
  var status = form.querySelector("[data-entry-status]");
  var candidates = form.querySelector("[data-entry-candidates]");
  var list = document.querySelector("[data-entry-list]");
  var count = document.querySelector("[data-entry-count]");
  var busy = false;
  var queue = [];
  var tones = { recorded: "success", duplicate: "warning", choose: "info", error: "danger" };

  function show(outcome) {
    status.textContent = "";
    var alert = document.createElement("div");
    alert.className = "alert py-2 mb-0 alert-" + (tones[outcome.status] || "danger");
    alert.setAttribute("data-status", outcome.status || "error");
    alert.textContent = outcome.message || failed;
    status.appendChild(alert);
    candidates.textContent = "";
    (outcome.candidates || []).forEach(function (candidate) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm";
      button.textContent = candidate.name + " · " + candidate.code;
      button.addEventListener("click", function () {
        send(String(candidate.code));
      });
      candidates.appendChild(button);
    });
    if (outcome.row) {
      var empty = list.querySelector("[data-entry-empty]");
      if (empty) {
        empty.remove();
      }
      var item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2";
      item.setAttribute("data-testid", "entry-row");
      var who = document.createElement("span");
      var name = document.createElement("bdi");
      name.textContent = outcome.row.name;
      var code = document.createElement("span");
      code.className = "ltr-value";
      code.textContent = outcome.row.code;
      who.appendChild(name);
      who.appendChild(document.createTextNode(" · "));
      who.appendChild(code);
      var when = document.createElement("span");
      when.className = "small text-body-secondary";
      when.textContent = outcome.row.at + (outcome.row.by ? " · " + outcome.row.by : "");
      item.appendChild(who);
      item.appendChild(when);
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 50) {
        list.removeChild(list.lastChild);
      }
    }
    if (typeof outcome.count === "number") {
      count.textContent = outcome.count.toLocaleString("en-US");
    }
  }

  function next() {
    if (busy || !queue.length) {
      return;
    }
    busy = true;
    var data = new FormData(form);
    data.set("key", queue.shift());
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        show({ status: "error", message: failed });
      })
      .then(function () {
        busy = false;
        next();
      });
  }

  function send(key) {
    if (!key.trim()) {
      return;
    }
    // A scanner may send the next card before the answer: keep the order, one at a time.
    queue.push(key);
    box.value = "";
    box.focus();
    next();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var submitter = event.submitter;
    send(submitter && submitter.name === "key" ? submitter.value : box.value);
  });
  box.focus();
})();
