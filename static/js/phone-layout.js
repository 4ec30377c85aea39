// Phone layouts (issue 12 item 10), progressive: without this script every page still works.
//
// 1. Tables with the class "table-cards" turn into a list of cards under 576 px (CSS in
//    app.css). This copies each column heading into its cells' data-label, shown before the
//    value; a heading with the class "card-first" (status, deadline) puts its cells first.
// 2. A filter form with the class "filter-card" folds behind a button on phones, unless a
//    filter is in use. The button is the <template id="filter-toggle-template"> of base.html.
// Content swapped in later by htmx is enhanced too (its htmx:load event).
(function () {
  "use strict";

  function labelCells(table) {
    var labels = [];
    var first = {};
    var header = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!header) {
      return;
    }
    Array.prototype.forEach.call(header.cells, function (cell) {
      for (var span = 0; span < (cell.colSpan || 1); span += 1) {
        if (cell.classList.contains("card-first")) {
          first[labels.length] = true;
        }
        labels.push(cell.textContent.replace(/\s+/g, " ").trim());
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (labels[column] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", labels[column]);
          }
          if (first[column]) {
            cell.classList.add("card-first");
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function filtersInUse(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "page") {
        return false;
      }
      if (["submit", "button", "hidden", "reset"].indexOf(field.type) !== -1) {
        return false;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked;
      }
      return field.value.trim() !== "";
    }).length;
  }

  function foldFilters(form, index) {
    var template = document.getElementById("filter-toggle-template");
    if (!template) {
      return;
    }
    var button = template.content.firstElementChild.cloneNode(true);
    var used = filtersInUse(form);
    if (!form.id) {
      form.id = "filter-card-" + index;
    }
    button.setAttribute("aria-controls", form.id);
    var count = button.querySelector("[data-filter-count]");
    if (count && used) {
      count.textContent = String(used);
      count.hidden = false;
    }
    var folded = !used;
    function show() {
      form.classList.toggle("is-folded", folded);
      button.setAttribute("aria-expanded", folded ? "false" : "true");
    }
    button.addEventListener("click", function () {
      folded = !folded;
      show();
    });
    show();
    form.parentNode.insertBefore(button, form);
  }

  var folded = 0;
  function enhance(root) {
    var around = root.closest && root.closest("table.table-cards");
    if (around) {
      labelCells(around);
    }
    root.querySelectorAll("table.table-cards").forEach(labelCells);
    root.querySelectorAll("form.filter-card:not([data-folding])").forEach(function (form) {
      form.setAttribute("data-folding", "");
      folded += 1;
      foldFilters(form, folded);
    });
  }

  enhance(document);
  // Content swapped in later (htmx) gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
})();
