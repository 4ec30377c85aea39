// The SMS counter under a message's text (messaging/templates/messaging/sms_counter.html):
// characters, encoding, parts, what is left in this part and the estimated cost, as the
// text is typed (a promotional SMS with its unsubscribe line). The same rules as messaging/sms.py sms_length (a browser test holds them
// equal): a text made only of the GSM 03.38 alphabet is GSM-7, 160 in one part, 153 per
// part when split, the extension characters taking two places; anything else (Arabic) is
// UCS-2, 70 in one part, 67 per part, counted in UTF-16 units.
(function () {
  "use strict";
  var GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENSION = "^{}\\[~]|€\f";

  function length(text) {
    var chars = Array.from(text);
    var gsm = chars.every(function (c) {
      return GSM_BASIC.indexOf(c) !== -1 || GSM_EXTENSION.indexOf(c) !== -1;
    });
    var units, single, perPart;
    if (gsm) {
      units = chars.reduce(function (sum, c) { return sum + (GSM_EXTENSION.indexOf(c) !== -1 ? 2 : 1); }, 0);
      single = 160; perPart = 153;
    } else {
      units = text.length; // UTF-16 code units, as UCS-2 carries them
      single = 70; perPart = 67;
    }
    var parts, capacity;
    if (units <= single) {
      parts = units ? 1 : 0; capacity = single;
    } else {
      parts = Math.ceil(units / perPart); capacity = perPart;
    }
    return {
      encoding: gsm ? "GSM-7" : "UCS-2",
      characters: chars.length,
      units: units,
      parts: parts,
      remaining: parts ? parts * capacity - units : capacity
    };
  }
  window.smsLength = length;

  function money(value) {
    return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function setAll(box, name, value) {
    box.querySelectorAll('[data-sms="' + name + '"]').forEach(function (el) { el.textContent = value; });
  }

  function recipients() {
    var audience = document.querySelector("[data-audience]");
    return audience ? parseInt(audience.getAttribute("data-recipients"), 10) || 0 : 0;
  }

  // The unsubscribe line a promotional SMS ends with (data-footers: {purpose: line}): the
  // gateway bills it, so parts, what is left and the cost count it.
  function footerOf(box) {
    var purpose = document.getElementById(box.getAttribute("data-purpose-field"));
    var footers = {};
    try { footers = JSON.parse(box.getAttribute("data-footers") || "{}"); } catch (e) { footers = {}; }
    return (purpose && footers[purpose.value]) || "";
  }

  function update(box, field) {
    // The text as it is sent: a browser submits new lines as CR LF, the server reads LF.
    var typed = field.value.replace(/\r\n/g, "\n");
    var footer = footerOf(box);
    var found = length(typed + footer);
    var count = recipients();
    var price = parseFloat(box.getAttribute("data-price")) || 0;
    setAll(box, "characters", String(Array.from(typed).length));
    setAll(box, "footer", String(Array.from(footer).length));
    box.querySelectorAll("[data-sms-footer-note]").forEach(function (el) { el.hidden = !footer; });
    setAll(box, "encoding", found.encoding);
    setAll(box, "parts", String(found.parts));
    setAll(box, "remaining", String(found.remaining));
    setAll(box, "recipients", count.toLocaleString("en-US"));
    setAll(box, "cost", money(found.parts * count * price));
  }

  document.querySelectorAll("[data-sms-counter]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-for"));
    if (!field) { return; }
    var run = function () { update(box, field); };
    field.addEventListener("input", run);
    var purpose = document.getElementById(box.getAttribute("data-purpose-field"));
    if (purpose) { purpose.addEventListener("change", run); }
    // The audience panel is replaced as the form changes (messaging.js): count again.
    document.addEventListener("messaging:audience", run);
    run();
  });
})();
