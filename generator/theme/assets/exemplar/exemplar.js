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

  /* 复制到公众号: put the page's WeChat copy on the clipboard as rich text (plain text as fallback). */
  Array.prototype.forEach.call(document.querySelectorAll(".ex-copy-wechat"), function (copyButton) {
    var status = copyButton.closest(".ex-share").querySelector(".ex-share__status");
    function say(text) { if (status) status.textContent = text; }
    copyButton.addEventListener("click", function () {
      fetch(copyButton.getAttribute("data-src")).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      }).then(function (source) {
        var doc = new DOMParser().parseFromString(source, "text/html");
        var html = doc.body.innerHTML, text = doc.body.innerText || doc.body.textContent || "";
        if (navigator.clipboard && window.ClipboardItem) {
          return navigator.clipboard.write([new ClipboardItem({
            "text/html": new Blob([html], { type: "text/html" }),
            "text/plain": new Blob([text], { type: "text/plain" })
          })]);
        }
        var holder = document.createElement("div");  // older browsers: copy a selection
        holder.contentEditable = "true";
        holder.style.position = "fixed"; holder.style.left = "-9999px";
        holder.innerHTML = html;
        document.body.appendChild(holder);
        var range = document.createRange(); range.selectNodeContents(holder);
        var selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        var ok = document.execCommand("copy");
        selection.removeAllRanges(); holder.remove();
        if (!ok) throw new Error("execCommand");
      }).then(function () {
        say("已复制。打开公众号后台的图文编辑器，直接粘贴即可，样式和图片都会保留。");
      }).catch(function () {
        say("复制失败：请点“预览公众号版”，在打开的页面中全选并复制。");
      });
    });
  });

  /* Gallery filters: narrow the cards in place when one page holds them all; the links
     still lead to listing pages without JS, and always when the gallery has several pages. */
  var filters = document.querySelector(".ex-filters[data-in-place]");
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
