// django-celery-beat's periodic task form: shows the chosen crontab in words under the field.
// Moved out of its template because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  var data = document.getElementById("readable-crontabs");
  var script = document.getElementById("periodic-task-overrides");
  if (!$ || !data || !script) { return; }
  var readableCrontabs = JSON.parse(data.textContent);
  var originalCrontabHelp = script.dataset.crontabHelp || "";
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help").first();
    help.text(originalCrontabHelp);
    help.append(document.createElement("br"));
    help.append(document.createTextNode(readableCrontabs[$("#id_crontab").val()] || ""));
  });
})();
