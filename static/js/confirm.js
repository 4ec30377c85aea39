// Asks before a destructive action: a form or a submit button with data-confirm="question".
// (The Content-Security-Policy forbids onclick/onsubmit attributes.)
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
