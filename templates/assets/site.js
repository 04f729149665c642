// spotctl dashboard scripts: search, the change composer, filters and the contract comparison.
// Every page works without them; they only add to what the HTML already shows. Text from the
// cloud is only ever set with textContent or value, never parsed as markup.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var root = document.body.getAttribute("data-root") || "";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
  }

  function matches(haystack, query) {
    var text = haystack.toLowerCase();
    return query.every(function (word) { return text.indexOf(word) !== -1; });
  }

  // Search: the index is window.SPOTCTL_SEARCH, entries [kind, name, page, detail].
  function searchIndex(queryText, limit) {
    var index = window.SPOTCTL_SEARCH || [];
    var query = words(queryText);
    if (query.length === 0) { return []; }
    var whole = queryText.trim().toLowerCase();
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      if (matches(entry[1] + " " + entry[3] + " " + entry[0], query)) {
        var name = entry[1].toLowerCase();
        var rank = name === whole ? 0 : (name.indexOf(whole) === 0 ? 1 : (name.indexOf(whole) !== -1 ? 2 : 3));
        found.push({ entry: entry, rank: rank });
      }
    }
    found.sort(function (a, b) { return a.rank - b.rank || (a.entry[1] < b.entry[1] ? -1 : a.entry[1] > b.entry[1] ? 1 : 0); });
    return found.slice(0, limit).map(function (item) { return item.entry; });
  }

  function setUpSearchBox() {
    var form = document.querySelector("form.search");
    if (!form) { return; }
    var input = form.querySelector("input");
    var results = form.querySelector(".search-results");
    function show() {
      while (results.firstChild) { results.removeChild(results.firstChild); }
      var text = input.value;
      if (words(text).length === 0) { results.hidden = true; return; }
      var entries = searchIndex(text, 20);
      if (entries.length === 0) {
        var none = document.createElement("div");
        none.className = "none";
        none.textContent = "Nothing matches “" + text + "”.";
        results.appendChild(none);
      }
      entries.forEach(function (entry) {
        var link = document.createElement("a");
        link.href = root + entry[2];
        link.setAttribute("data-kind", entry[0]);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry[0];
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = entry[1];
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = entry[3];
        link.appendChild(kind);
        link.appendChild(name);
        link.appendChild(detail);
        results.appendChild(link);
      });
      results.hidden = false;
    }
    input.addEventListener("input", show);
    input.addEventListener("focus", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { results.hidden = true; }
      if (event.key === "ArrowDown") {
        var first = results.querySelector("a");
        if (first) { first.focus(); event.preventDefault(); }
      }
    });
    results.addEventListener("keydown", function (event) {
      var current = document.activeElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) { current.nextElementSibling.focus(); event.preventDefault(); }
      if (event.key === "ArrowUp") {
        (current.previousElementSibling || input).focus();
        event.preventDefault();
      }
      if (event.key === "Escape") { results.hidden = true; input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { results.hidden = true; }
    });
  }

  // The search page: filter the full table with the query from the address (?q=) or the box.
  function setUpSearchPage() {
    if (document.body.getAttribute("data-page") !== "search") { return; }
    var input = document.querySelector("form.search input");
    var rows = Array.prototype.slice.call(document.querySelectorAll(".search-table tbody tr"));
    var summary = document.getElementById("search-summary");
    function filter() {
      var query = words(input.value);
      var shown = 0;
      rows.forEach(function (row) {
        var visible = query.length === 0 || matches(row.textContent, query);
        row.hidden = !visible;
        if (visible) { shown++; }
      });
      summary.textContent = query.length === 0 ? rows.length + " hosts, tenants and aggregates." : shown + " of " + rows.length + " match “" + input.value + "”.";
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) { input.value = params.get("q"); }
    input.addEventListener("input", filter);
    filter();
  }

  // The change composer: ticked hosts and a target pool give the text of a change file.
  function yamlString(text) { return JSON.stringify(String(text)); }

  function composeChange(picks, target) {
    if (picks.length === 0) { return ""; }
    var lines = [
      "# Move " + picks.length + " host" + (picks.length === 1 ? "" : "s") + " to " + target + ".",
      "# Commit as changes/<date>-<what>.yaml in a pull request: `spotctl plan` previews it, `spotctl apply` runs it after the merge.",
      "migrations:"
    ];
    picks.forEach(function (pick) {
      lines.push("  - host: " + yamlString(pick.host));
      if (pick.from) { lines.push("    from: " + yamlString(pick.from)); }
      lines.push("    to: " + yamlString(target));
    });
    return lines.join("\n") + "\n";
  }
  window.spotctlComposeChange = composeChange;

  function setUpComposer() {
    var composer = document.getElementById("composer");
    if (!composer) { return; }
    composer.hidden = false;
    var target = document.getElementById("composer-target");
    var output = document.getElementById("composer-output");
    var count = document.getElementById("composer-count");
    var fileName = document.getElementById("composer-file");
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input.compose-pick"));
    function update() {
      var picks = [];
      boxes.forEach(function (box) {
        var card = box.closest(".card");
        card.classList.toggle("selected", box.checked);
        if (box.checked) { picks.push({ host: card.getAttribute("data-host"), from: card.getAttribute("data-from") }); }
      });
      var to = target.value;
      output.value = composeChange(picks, to);
      count.textContent = picks.length + (picks.length === 1 ? " host selected" : " hosts selected");
      var slug = to.replace(/[^A-Za-z0-9._-]+/g, "-");
      fileName.textContent = picks.length ? "save as changes/" + new Date().toISOString().slice(0, 10) + "-" + slug + ".yaml" : "";
      if (picks.length > 0) { composer.open = true; }
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    target.addEventListener("change", update);
    document.getElementById("composer-clear").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      update();
    });
    document.getElementById("composer-copy").addEventListener("click", function () {
      output.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(output.value).catch(function () { document.execCommand("copy"); });
      } else {
        document.execCommand("copy");
      }
    });
    update();
  }

  // Contracts column: show one contract's hosts.
  function setUpContractFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("select.contract-filter"), function (select) {
      var column = select.closest(".column");
      select.addEventListener("change", function () {
        Array.prototype.forEach.call(column.querySelectorAll(".card"), function (card) {
          card.hidden = select.value !== "" && card.getAttribute("data-contract") !== select.value;
        });
      });
    });
  }

  // Contracts page: two contracts side by side.
  function setUpComparison() {
    var form = document.getElementById("compare");
    var grid = document.querySelector(".contracts");
    if (!form || !grid) { return; }
    var panels = grid.querySelectorAll(".contract");
    if (panels.length < 2) { return; }
    form.hidden = false;
    var left = document.getElementById("compare-left");
    var right = document.getElementById("compare-right");
    left.value = grid.getAttribute("data-left");
    right.value = grid.getAttribute("data-right");
    function apply() {
      Array.prototype.forEach.call(panels, function (panel) {
        panel.classList.toggle("left", panel.id === left.value);
        panel.classList.toggle("right", panel.id === right.value && right.value !== left.value);
      });
      grid.classList.add("comparing");
    }
    left.addEventListener("change", apply);
    right.addEventListener("change", apply);
    apply();
  }

  // Command log: filter by status and text.
  function setUpLogFilters() {
    var form = document.getElementById("log-filters");
    if (!form) { return; }
    form.hidden = false;
    var status = document.getElementById("log-status");
    var text = document.getElementById("log-text");
    var count = document.getElementById("log-count");
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.log tbody tr"));
    function filter() {
      var query = words(text.value);
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (status.value === "" || row.getAttribute("data-status") === status.value) && matches(row.textContent, query);
        row.hidden = !visible;
        if (visible) { shown++; }
      });
      count.textContent = shown + " of " + rows.length + " commands";
    }
    status.addEventListener("change", filter);
    text.addEventListener("input", filter);
  }

  setUpSearchBox();
  setUpSearchPage();
  setUpComposer();
  setUpContractFilters();
  setUpComparison();
  setUpLogFilters();
})();
