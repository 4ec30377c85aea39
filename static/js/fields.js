// Form fields in the page's language (progressive enhancement; every field works without it).
// File pickers (templates/bootstrap5/layout/field_file.html): show the chosen file names,
// isolated so Latin names keep their order in an Arabic line.
(function () {
  "use strict";
  function showNames(input) {
    var picker = input.closest(".file-picker");
    var names = picker && picker.querySelector("[data-file-names]");
    if (!names) {
      return;
    }
    names.textContent = "";
    if (!input.files || input.files.length === 0) {
      names.textContent = names.dataset.none || "";
      return;
    }
    Array.prototype.forEach.call(input.files, function (file, index) {
      if (index > 0) {
        names.appendChild(document.createTextNode("، "));
      }
      var name = document.createElement("bdi");
      name.textContent = file.name;
      names.appendChild(name);
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(".file-picker-input")) {
      showNames(event.target);
    }
  });
  document.querySelectorAll(".file-picker-input").forEach(showNames);
})();
