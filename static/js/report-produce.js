// Show the month for the monthly reports and a day of the week for the weekly one.
(function () {
  "use strict";
  var select = document.getElementById("id_report_type");
  var data = document.getElementById("weekly-types");
  if (!select || !data) { return; }
  var weekly = JSON.parse(data.textContent);
  function update() {
    var isWeekly = weekly.indexOf(select.value) !== -1;
    document.querySelector("[data-period=weekly]").hidden = !isWeekly;
    document.querySelector("[data-period=monthly]").hidden = isWeekly;
  }
  select.addEventListener("change", update);
  update();
})();
