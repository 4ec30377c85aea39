// Choosing a programme reloads the form (?programme=<pk>) with the donors interested in it
// ticked; what was typed so far comes back too.
(function () {
  "use strict";
  var form = document.getElementById("opportunity-form");
  if (!form || !form.elements.programme) { return; }
  form.elements.programme.addEventListener("change", function () {
    var params = new URLSearchParams();
    ["title", "programme", "expected_amount", "probability", "success_factors", "other_donors"].forEach(function (name) {
      if (form.elements[name] && form.elements[name].value) { params.set(name, form.elements[name].value); }
    });
    window.location.search = params.toString();
  });
})();
