// Asks before a destructive submission: a button or form with data-confirm="question".
// No inline handlers, so the pages keep working under a strict Content-Security-Policy.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
