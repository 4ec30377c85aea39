// The messaging pages (messaging/templates/messaging/): the live audience panel of a
// segment or message form (fetched as the form changes, debounced), the placeholder buttons
// of the compose form, the fields of one channel only, and the progress of a message being
// sent (fetched every few seconds). Without JavaScript the pages work through their
// «count» buttons and a reload.
(function () {
  "use strict";
  if (!window.fetch) { return; }

  function fetchHtml(url) {
    return fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "text/html", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    });
  }

  // --- the live audience ---------------------------------------------------------------
  document.querySelectorAll("[data-audience-panel]").forEach(function (panel) {
    var anchor = panel.getAttribute("data-field");
    var form = anchor ? (document.getElementById(anchor) || {}).form : null;
    if (!form) { form = document.querySelector("form[data-audience-form]"); }
    if (!form) { return; }
    var timer = null;
    var asked = 0;

    function refresh() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("csrfmiddlewaretoken");
      ["body", "html_body", "description", "subject"].forEach(function (name) { params.delete(name); });
      var ticket = ++asked;
      panel.setAttribute("aria-busy", "true");
      fetchHtml(panel.getAttribute("data-url") + "?" + params.toString())
        .then(function (html) {
          if (ticket !== asked) { return; } // a later answer is on its way
          panel.innerHTML = html;
          panel.removeAttribute("aria-busy");
          document.dispatchEvent(new CustomEvent("messaging:audience"));
        })
        .catch(function () { panel.removeAttribute("aria-busy"); });
    }

    function later(event) {
      var name = event.target && event.target.name;
      if (["body", "html_body", "description", "subject", "name"].indexOf(name) !== -1) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    }
    form.addEventListener("change", later);
    form.addEventListener("input", later);
    form.querySelectorAll("[data-count-button]").forEach(function (button) { button.hidden = true; });
    if (form.matches("[data-audience-form]")) {
      form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
    }
  });

  // --- placeholder buttons ---------------------------------------------------------------
  document.querySelectorAll("[data-insert-into]").forEach(function (group) {
    var field = document.getElementById(group.getAttribute("data-insert-into"));
    if (!field) { return; }
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert]");
      if (!button) { return; }
      var text = button.getAttribute("data-insert");
      var start = field.selectionStart === null ? field.value.length : field.selectionStart;
      var end = field.selectionEnd === null ? start : field.selectionEnd;
      field.setRangeText(text, start, end, "end");
      field.focus();
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // --- fields of one channel -----------------------------------------------------------
  var channel = document.querySelector("select[name=channel]#id_channel");
  if (channel) {
    var show = function () {
      document.querySelectorAll("[data-channel-only]").forEach(function (part) {
        part.hidden = part.getAttribute("data-channel-only") !== channel.value;
      });
    };
    channel.addEventListener("change", show);
    show();
  }

  // --- the progress of a message being sent ------------------------------------------------
  function poll(box) {
    var url = box.getAttribute("data-refresh-url");
    if (!url) { return; }
    window.setTimeout(function () {
      fetchHtml(url).then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-progress]");
        if (!fresh) { return; }
        box.replaceWith(fresh);
        if (fresh.getAttribute("data-refresh-url")) {
          poll(fresh);
        } else {
          window.location.reload(); // finished: the page's steps and recipients changed
        }
      }).catch(function () { window.setTimeout(function () { poll(box); }, 5000); });
    }, 3000);
  }
  document.querySelectorAll("[data-progress][data-refresh-url]").forEach(poll);
})();
