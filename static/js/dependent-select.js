// Selects that follow another field (core.widgets.DependentSelect): a centre list offers only
// the centres of the chosen city. The select names the field it follows in data-follows and
// each option its parent's value in data-parent. Without this script every option stays and
// the server refuses a centre of another city.
(function () {
  "use strict";
  function follow(select) {
    var form = select.form;
    var parent = form && form.elements[select.dataset.follows];
    if (!parent) { return; }
    var options = Array.prototype.slice.call(select.options);
    function update() {
      var chosen = parent.value;
      var current = select.value;
      while (select.options.length) { select.remove(0); }
      options.forEach(function (option) {
        var key = option.dataset.parent;
        if (!chosen || key === undefined || key === chosen) { select.add(option); }
      });
      select.value = current;
      if (select.value !== current) { select.value = ""; }
    }
    parent.addEventListener("change", update);
    update();
  }
  document.querySelectorAll("select[data-follows]").forEach(follow);
})();
