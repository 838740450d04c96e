// Copy buttons: inside an element marked data-copy-card, a button[data-copy-target] copies the
// text of the element with that id (a pay-to account number, a deposit address). The clipboard
// API where the page may use it, else a selected hidden field and execCommand, else the value
// is selected for the user to copy. The words shown come from the card's data-copy-* attributes.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-card]").forEach(function (card) { wire(card); });

  function wire(card) {
    var status = card.querySelector("[data-copy-status]");
    var done = card.getAttribute("data-copy-done") || "";
    var failed = card.getAttribute("data-copy-failed") || "";

    function legacyCopy(text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      return ok;
    }

    function selectText(node) {
      var range = document.createRange();
      range.selectNodeContents(node);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }

    function show(button, ok, node) {
      var label = button.querySelector("[data-copy-label]");
      var original = button.getAttribute("data-copy-original") || (label ? label.textContent : "");
      button.setAttribute("data-copy-original", original);
      if (!ok) { selectText(node); }
      var text = ok ? done : failed;
      if (label) { label.textContent = ok ? done : original; }
      button.classList.toggle("is-copied", ok);
      if (status) { status.textContent = text; }
      window.clearTimeout(button._copyTimer);
      button._copyTimer = window.setTimeout(function () {
        if (label) { label.textContent = original; }
        button.classList.remove("is-copied");
      }, 2000);
    }

    card.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-copy-target]");
      if (!button) { return; }
      var node = document.getElementById(button.getAttribute("data-copy-target"));
      if (!node) { return; }
      var text = node.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { show(button, true, node); },
          function () { show(button, legacyCopy(text), node); }
        );
      } else {
        show(button, legacyCopy(text), node);
      }
    });
  }
})();
