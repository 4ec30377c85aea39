// Customer lookup fields (customers.lookup.CustomerLookupWidget): the text box of customer
// codes becomes a search-as-you-type list (Tom Select, static/vendor/tom-select). The
// suggestions come from the box's data-customer-lookup URL; the texts from its data-text-*
// attributes. Without this script the box still takes the codes.
(function () {
  "use strict";
  if (typeof window.TomSelect === "undefined") { return; }

  function lookupUrl(base, query) {
    return base + (base.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
  }

  function message(text, escape, className) {
    return '<div class="' + className + '">' + escape(text) + "</div>";
  }

  function enhance(input) {
    var data = input.dataset;
    var selected = [];
    try { selected = JSON.parse(data.selected || "[]"); } catch (error) { selected = []; }
    var footer = document.createElement("div");
    footer.className = "lookup-new d-none";
    var link = document.createElement("a");
    link.textContent = data.textNew;
    footer.appendChild(link);

    var select = new window.TomSelect(input, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      options: selected,
      items: selected.map(function (option) { return option.value; }),
      maxItems: data.multiple === "1" ? null : 1,
      delimiter: ",",
      create: false,
      persist: false,
      preload: false,
      loadThrottle: 250,
      closeAfterSelect: true,
      plugins: data.multiple === "1" ? ["remove_button"] : [],
      // Inside a scrolling table the list would be cut off: it opens over the page instead.
      dropdownParent: input.closest(".table-responsive") ? "body" : null,
      // The server already searched (Arabic-normalised): keep its order, drop nothing.
      score: function () { return function () { return 1; }; },
      shouldLoad: function (query) { return query.trim().length >= 2; },
      load: function (query, callback) {
        var self = this;
        fetch(lookupUrl(data.customerLookup, query), {
          credentials: "same-origin",
          headers: { "Accept": "application/json", "X-Requested-With": "XMLHttpRequest" }
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (json) {
            if (json.new_url) {
              link.href = json.new_url;
              footer.classList.remove("d-none");
            }
            self.clearOptions();
            callback(json.results || []);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function (item, escape) { return message(data.textNone, escape, "no-results"); },
        not_loading: function (item, escape) { return message(data.textType, escape, "no-results"); },
        loading: function (item, escape) { return message(data.textLoading, escape, "no-results"); },
        option: function (item, escape) {
          if (!item.name) { return "<div><bdi>" + escape(item.text) + "</bdi></div>"; }
          return '<div class="lookup-option"><bdi>' + escape(item.name) + "</bdi> " +
            '<small class="text-body-secondary" dir="ltr">' + escape(item.details) + "</small></div>";
        },
        item: function (item, escape) { return "<div><bdi>" + escape(item.text) + "</bdi></div>"; }
      },
      onInitialize: function () { this.dropdown.appendChild(footer); }
    });
    // A single choice replaces the previous one as soon as the user types again.
    select.on("item_add", function () { select.setTextboxValue(""); });
  }

  document.querySelectorAll("input[data-customer-lookup]").forEach(enhance);
})();
