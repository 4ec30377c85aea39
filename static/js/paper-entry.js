// Paper entry (surveys): a digit typed in an answer box moves to the next one, so the
// eleven answers are typed in one go; the first answer box takes the focus on a blank form.
(function () {
  "use strict";
  var form = document.querySelector("[data-paper-entry]");
  if (!form) {
    return;
  }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-paper-digit]"));
  boxes.forEach(function (box, index) {
    box.addEventListener("input", function () {
      if (box.value.trim().length === 1 && index + 1 < boxes.length) {
        boxes[index + 1].focus();
        boxes[index + 1].select();
      }
    });
  });
  var firstEmpty = boxes.find(function (box) { return box.value === ""; });
  var invalid = form.querySelector(".is-invalid, .invalid-feedback");
  if (firstEmpty && !invalid) {
    firstEmpty.focus();
  }
})();
