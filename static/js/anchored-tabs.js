// Tabs that are anchored sections: without JavaScript every section shows, one after the
// other, and the tab links jump to them. With it, one section shows at a time: the one named
// by the address's #anchor, else the one marked data-default-pane.
(function () {
  "use strict";
  document.querySelectorAll("[data-anchored-tabs]").forEach(function (container) {
    var panes = Array.prototype.slice.call(container.querySelectorAll(":scope > .anchored-pane"));
    var nav = container.previousElementSibling;
    var links = nav ? Array.prototype.slice.call(nav.querySelectorAll("[data-tab-link]")) : [];
    if (!panes.length || !links.length) {
      return;
    }
    function show(id) {
      var pane = panes.filter(function (p) { return p.id === id; })[0] ||
        container.querySelector(":scope > [data-default-pane]") || panes[0];
      panes.forEach(function (p) { p.classList.toggle("active", p === pane); });
      links.forEach(function (link) {
        var on = link.getAttribute("href") === "#" + pane.id;
        link.classList.toggle("active", on);
        if (on) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
      });
    }
    container.classList.add("anchored-tabs-on");
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var id = link.getAttribute("href").slice(1);
        history.replaceState(null, "", "#" + id);
        show(id);
      });
    });
    window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
    show(location.hash.slice(1));
  });
})();
