// Search suggestions as one types: any <input data-suggest="URL"> asks URL?q=… (the
// portal's /thu-tuc/goi-y/, accent-blind) and lists the procedures under the box as an
// ARIA combobox (arrow keys, Enter, Escape). Without JavaScript the form simply searches.
(function () {
  "use strict";
  function setUp(input) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var timer = null;
    var active = -1;
    var asked = 0;
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
    }
    function show(results) {
      list.textContent = "";
      results.forEach(function (r, i) {
        // An option is not a link (no interactive control inside another): choosing it,
        // by click or Enter, opens the procedure's page.
        var item = document.createElement("li");
        var name = document.createElement("span");
        var meta = document.createElement("span");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-url", r.url);
        name.textContent = r.name;
        meta.className = "suggestions__meta";
        meta.textContent = r.code + " · " + r.field;
        item.appendChild(name);
        item.appendChild(meta);
        item.addEventListener("mousedown", function (e) {
          e.preventDefault();  // keep the focus in the box until we leave the page
          window.location.href = r.url;
        });
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }
    function ask() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { if (mine === asked) { show(data.results || []); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = options()[active].getAttribute("data-url");
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }
  document.querySelectorAll("input[data-suggest]").forEach(setUp);
})();
