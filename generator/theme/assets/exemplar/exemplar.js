/* exemplar: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Accessibility: give Material's search dialog a name (axe: aria-dialog-name). */
  var dialog = document.querySelector('.md-search[role="dialog"]');
  if (dialog && !dialog.getAttribute("aria-label")) dialog.setAttribute("aria-label", "站内搜索");

  /* 大字 mode: a visible toggle in the header, remembered across pages. */
  var header = document.querySelector(".md-header__inner");
  if (header) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ex-large-toggle";
    button.textContent = "大字";
    button.title = "放大文字、提高对比度";
    var html = document.documentElement;
    button.setAttribute("aria-pressed", html.classList.contains("ex-large") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = html.classList.toggle("ex-large");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      try { localStorage.setItem("exemplar.large", on ? "1" : "0"); } catch (e) {}
    });
    var search = header.querySelector(".md-search");
    header.insertBefore(button, search || null);
  }

  /* Gallery filters: narrow the cards in place; the links still lead to listing pages without JS. */
  var filters = document.querySelector(".ex-filters");
  if (!filters) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".ex-cards--gallery .ex-card"));
  var status = document.querySelector(".ex-filter-status");
  var empty = document.querySelector(".ex-empty");
  var chosen = {};

  function apply() {
    var shown = 0;
    cards.forEach(function (card) {
      var ok = Object.keys(chosen).every(function (facet) {
        if (!chosen[facet]) return true;
        return (card.getAttribute("data-" + facet) || "").split("|").indexOf(chosen[facet]) !== -1;
      });
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    if (status) status.textContent = "共 " + shown + " 位";
    if (empty) empty.hidden = shown !== 0;
    Array.prototype.forEach.call(filters.querySelectorAll(".ex-filter"), function (group) {
      var facet = group.getAttribute("data-facet");
      Array.prototype.forEach.call(group.querySelectorAll(".ex-chip"), function (chip) {
        var active = (chip.getAttribute("data-value") || "") === (chosen[facet] || "");
        chip.setAttribute("aria-current", active ? "true" : "false");
      });
    });
    var parts = Object.keys(chosen).filter(function (f) { return chosen[f]; })
      .map(function (f) { return f + "=" + encodeURIComponent(chosen[f]); });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  filters.addEventListener("click", function (event) {
    var chip = event.target.closest(".ex-chip");
    if (!chip) return;
    event.preventDefault();
    var facet = chip.closest(".ex-filter").getAttribute("data-facet");
    chosen[facet] = chip.getAttribute("data-value") || "";
    apply();
  });

  if (location.hash.length > 1) {
    location.hash.slice(1).split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv.length === 2) chosen[kv[0]] = decodeURIComponent(kv[1]);
    });
    apply();
  }
})();
