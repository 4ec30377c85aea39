// Lists of several choices (a <select multiple>: a campaign's centres, donor interests,
// programmes promoted…): a box to type a name in, and each choice as a chip with its remove
// button (Tom Select, static/vendor/tom-select) instead of a list where only Ctrl-click adds a
// second choice. The texts come from this script tag's data-text-* attributes. Without this
// script the plain list still works.
(function () {
  "use strict";
  if (typeof window.TomSelect === "undefined") { return; }
  var texts = document.currentScript.dataset;

  function isolated(text, escape) {
    return "<div><bdi>" + escape(text) + "</bdi></div>";
  }

  function enhance(select) {
    new window.TomSelect(select, {
      plugins: { remove_button: { title: texts.textRemove } },
      // Every choice is offered (Tom Select shows 50 by default): typing narrows them.
      maxOptions: null,
      placeholder: texts.textPlaceholder,
      hidePlaceholder: true,
      closeAfterSelect: false,
      // The name typed goes once its choice is made: the next name is typed afresh.
      onItemAdd: function () {
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(texts.textNone) + "</div>";
        },
        option: function (data, escape) { return isolated(data.text, escape); },
        item: function (data, escape) { return isolated(data.text, escape); }
      }
    });
  }

  document.querySelectorAll("form select[multiple]").forEach(enhance);
})();
