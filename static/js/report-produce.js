// Show the period field of the chosen report: a month, a day of the week or a quarter.
(function () {
  "use strict";
  var select = document.getElementById("id_report_type");
  var data = document.getElementById("period-fields");
  if (!select || !data) { return; }
  var fieldOf = JSON.parse(data.textContent);
  function update() {
    var shown = fieldOf[select.value] || "monthly";
    document.querySelectorAll("[data-period]").forEach(function (block) {
      block.hidden = block.getAttribute("data-period") !== shown;
    });
  }
  select.addEventListener("change", update);
  update();
})();
