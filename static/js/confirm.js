// Asks before a destructive step: a form with data-confirm="question", or a submit button
// with its own data-confirm. In a file rather than on*= attributes, which the
// Content-Security-Policy refuses.
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
