// Generated from templates/ by scripts/embed-templates.py (`make templates`). Do not edit.
enum EmbeddedTemplates {
    static let files: [String: String] = [
        "assets/site.js": ##"""
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

"""##,
        "assets/style.css": #"""
/* spotctl dashboard: one stylesheet, no web fonts, no network. */
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #5d6677; --line: #dde1e8;
  --accent: #2855c5; --over: #c62828; --ok: #2e7d32;
  --ondemand: #2f6fdb; --spot: #e08a00; --runpod: #7b3fc4; --contract: #17877a; --outofstock: #8a8f99; --total: #1d2330;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; overflow-wrap: anywhere; }
a { color: var(--accent); }
code, pre, textarea { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.8rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.6rem; }
h3 { font-size: 0.95rem; margin: 0.9rem 0 0.4rem; color: var(--muted); font-weight: 600; }

.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.6rem 1rem; background: var(--ink); color: #fff; }
.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; letter-spacing: 0.02em; }
.nav { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; flex: 1 1 20rem; min-width: 0; }
.nav a { opacity: 0.8; padding: 0.1rem 0; }
.nav a[aria-current="page"] { opacity: 1; border-bottom: 2px solid #fff; }
.search { position: relative; flex: 1 1 14rem; max-width: 24rem; min-width: 0; }
.search input { width: 100%; padding: 0.35rem 0.6rem; border-radius: 6px; border: 1px solid #59627a; background: #2b3344; color: #fff; font: inherit; }
.search-results { position: absolute; right: 0; left: 0; top: 2.2rem; z-index: 10; background: var(--panel); color: var(--ink); border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 8px 24px rgba(0,0,0,0.15); max-height: 70vh; overflow-y: auto; }
.search-results a { display: block; padding: 0.45rem 0.7rem; color: var(--ink); border-bottom: 1px solid var(--line); }
.search-results a:focus, .search-results a:hover { background: #eef2fb; outline: none; }
.search-results .kind { display: inline-block; min-width: 4.8rem; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; }
.search-results .detail { display: block; color: var(--muted); font-size: 0.85rem; }
.search-results .none { padding: 0.5rem 0.7rem; color: var(--muted); }

main { max-width: 1500px; margin: 0 auto; padding: 1rem; }
.foot { max-width: 1500px; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: 0.85rem; }
.lede { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem 1rem; margin: 1rem 0; }
.empty, .muted { color: var(--muted); }
.count { display: inline-block; min-width: 1.4rem; padding: 0 0.4rem; border-radius: 999px; background: #e8ebf1; color: var(--muted); font-size: 0.8rem; text-align: center; font-weight: 600; }
.note { background: #fff8e1; border: 1px solid #f3d37a; border-radius: 6px; padding: 0.5rem 0.8rem; }

.types { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); gap: 1rem; }
.type-card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem 1rem; min-width: 0; }
.type-card h2 a { text-decoration: none; }
.figures { margin: 0.4rem 0; color: var(--muted); }
.figures strong { color: var(--ink); }
.bar { height: 10px; border-radius: 5px; background: #e6e9ef; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--accent); }
.bar.over span { background: var(--over); }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; overflow-wrap: normal; }
td { overflow-wrap: anywhere; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 0.8rem; text-transform: uppercase; color: var(--muted); letter-spacing: 0.03em; }
.pools td, .pools th { white-space: nowrap; }
.dot { display: inline-block; width: 0.7em; height: 0.7em; border-radius: 50%; margin-right: 0.4em; background: var(--outofstock); vertical-align: baseline; }
.dot.pool-ondemand { background: var(--ondemand); } .dot.pool-spot { background: var(--spot); } .dot.pool-runpod { background: var(--runpod); }
.dot.pool-contracts, .dot.pool-contract { background: var(--contract); } .dot.pool-outofstock { background: var(--outofstock); } .dot.pool-total { background: var(--total); }
.warnings { margin: 0; padding-left: 1.2rem; }
.warning { margin: 0.2rem 0; }
.hostlist { columns: 18rem; margin: 0; padding-left: 1.2rem; }

.type-summary { max-width: 40rem; margin-bottom: 1rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr)); gap: 0.8rem; align-items: start; }
.column { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid var(--outofstock); border-radius: 8px; padding: 0.7rem; min-width: 0; }
.column.pool-ondemand { border-top-color: var(--ondemand); } .column.pool-spot { border-top-color: var(--spot); } .column.pool-runpod { border-top-color: var(--runpod); }
.column.pool-contracts { border-top-color: var(--contract); }
.column .aggregates { margin: 0 0 0.4rem; color: var(--muted); font-size: 0.85rem; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35rem; }
.card { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.4rem; padding: 0.4rem 0.5rem; border: 1px solid var(--line); border-radius: 6px; background: #fbfcfd; min-width: 0; }
.card.over { border-color: var(--over); }
.card.selected { outline: 2px solid var(--accent); background: #eef2fb; }
.card .host { font-weight: 600; flex: 1 1 8rem; min-width: 0; }
.card .pick { display: none; }
.js .card .pick { display: inline-flex; }
.card .reason { flex-basis: 100%; color: var(--muted); font-size: 0.85rem; }
.card .netbox { font-size: 0.8rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem; background: #e8ebf1; white-space: nowrap; }
.badge.gpu { background: #e3ecff; color: #1b3f99; font-weight: 600; }
.badge.gpu.over { background: #fde4e4; color: var(--over); }
.badge.owner { background: #eef5ec; color: #2f5b2c; white-space: normal; }
.filter select, .composer select { max-width: 100%; }
.filter { display: block; margin: 0.3rem 0; font-size: 0.9rem; }

.composer { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 1rem; margin-bottom: 1rem; }
.composer summary { cursor: pointer; font-weight: 600; }
.composer label { display: block; margin: 0.5rem 0; }
.composer textarea { width: 100%; min-height: 9rem; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; background: #fbfcfd; }
.composer button { font: inherit; padding: 0.3rem 0.8rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }

.crumbs { margin: 0; color: var(--muted); }
.hostname { word-break: break-all; }
.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.25rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.chips { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.chip { padding: 0.1rem 0.6rem; border-radius: 999px; background: #e8ebf1; }
.chip.pool { background: #e3ecff; font-weight: 600; }
.vms .name { font-weight: 600; }
.events { margin: 0; padding-left: 1.2rem; }
.events time { color: var(--muted); }

.contracts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
.contracts.comparing { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.contracts.comparing .contract { display: none; }
.contracts.comparing .contract.left, .contracts.comparing .contract.right { display: block; }
.contracts.comparing .contract.left { order: 1; } .contracts.comparing .contract.right { order: 2; }
.contract { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid var(--contract); border-radius: 8px; padding: 0.8rem 1rem; min-width: 0; }
.plain { list-style: none; padding: 0; margin: 0; }
.plain li { padding: 0.15rem 0; }
.compare, .filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.5rem 0 1rem; }
.compare select, .filters select, .filters input { font: inherit; max-width: 100%; }

.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); gap: 1rem; }
.chart-box { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem; min-width: 0; }
.chart-box figcaption { font-weight: 600; margin-bottom: 0.4rem; }
.chart { display: block; width: 100%; height: auto; }
.chart .grid { stroke: #e3e6ec; stroke-width: 1; }
.chart .axis { fill: var(--muted); font-size: 11px; }
.chart .series { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; }
.chart circle.series { stroke-width: 2; }
.series.pool-total { stroke: var(--total); stroke-width: 3; } .series.pool-ondemand { stroke: var(--ondemand); } .series.pool-spot { stroke: var(--spot); }
.series.pool-runpod { stroke: var(--runpod); } .series.pool-contract { stroke: var(--contract); }
.bar-moves { fill: var(--accent); }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; color: var(--muted); font-size: 0.9rem; }
.legend > span { white-space: nowrap; }
.change pre { white-space: pre-wrap; background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem; }
.log code { white-space: pre-wrap; }
.log .nowrap { white-space: nowrap; }
.log pre.output { white-space: pre-wrap; margin: 0; font-size: 0.85rem; }
.plan-summary .muted, .hint { color: var(--muted); }
.problems, .warnings { margin: 0.4rem 0; padding-left: 1.2rem; }
.problem { color: var(--over); }
.outcome-invalid td { color: var(--over); }
.status-error td, .status-timeout td { color: var(--over); }
[hidden] { display: none !important; }

@media (max-width: 600px) {
  main { padding: 0.6rem; }
  .top { padding: 0.5rem 0.6rem; }
  .search { max-width: none; flex-basis: 100%; }
  .contracts.comparing { grid-template-columns: minmax(0, 1fr); }
  .facts { grid-template-columns: minmax(5.5rem, 35%) minmax(0, 1fr); gap: 0.2rem 0.7rem; }
  table.stack thead { display: none; }
  table.stack tr { display: block; padding: 0.35rem 0; border-bottom: 1px solid var(--line); }
  table.stack td { display: flex; gap: 0.6rem; border: 0; padding: 0.1rem 0; }
  table.stack td::before { content: attr(data-label); flex: 0 0 5.5rem; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; }
  th, td { padding: 0.3rem 0.35rem; }
}

"""#,
        "card.mustache": #"""
<li class="card{{#over}} over{{/over}}" data-host="{{name}}" data-from="{{from}}" data-pool="{{pool}}" data-contract="{{contract}}" data-used="{{used}}" data-capacity="{{capacity}}" title="{{tooltip}}">
  <label class="pick"><input type="checkbox" class="compose-pick" value="{{name}}" aria-label="Select {{name}}"></label>
  <a class="host" href="{{href}}">{{name}}</a>
  <span class="badge gpu{{#over}} over{{/over}}">{{used}}/{{capacity}}</span>
  <span class="badge owner">{{owner}}</span>
  <span class="badge vms">{{vmLabel}}</span>
  {{#hasNetbox}}<a class="netbox" href="{{netbox}}" rel="noopener noreferrer">NetBox</a>{{/hasNetbox}}
  {{#hasReason}}<span class="reason">{{reason}}</span>{{/hasReason}}
</li>

"""#,
        "changes.mustache": #"""
{{> head}}{{!}}
<h1>Changes</h1>
<section class="panel" id="pending">
  <h2>Pending</h2>
  {{#hasPending}}{{!}}
  <p class="plan-summary" data-valid="{{planValid}}"><strong>{{planSummary}}</strong> <span class="muted">(planned against snapshot <code>{{planBasis}}</code>; <code>spotctl plan</code> prints the same)</span></p>
  {{#pending}}<article class="change" data-path="{{path}}" data-valid="{{valid}}">
    <h3><code>{{path}}</code></h3>
    {{#hasReason}}<p class="reason">{{reason}}</p>{{/hasReason}}
    {{#hasProblems}}<ul class="problems">{{#problems}}<li class="problem"><code>{{position}}</code>: {{#hasHost}}host {{host}}: {{/hasHost}}{{message}}{{#hasHint}} <span class="hint">({{hint}})</span>{{/hasHint}}</li>{{/problems}}</ul>{{/hasProblems}}
    {{#hasWarnings}}<ul class="warnings">{{#warnings}}<li class="warning"><code>{{position}}</code>: warning: {{#hasHost}}host {{host}}: {{/hasHost}}{{message}}{{#hasHint}} <span class="hint">({{hint}})</span>{{/hasHint}}</li>{{/warnings}}</ul>{{/hasWarnings}}
    {{#hasHosts}}<div class="table-wrap"><table class="plan stack">
      <thead><tr><th scope="col">Host</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Plan</th><th scope="col">Steps</th></tr></thead>
      <tbody>
      {{#hosts}}<tr class="outcome-{{outcome}}" data-host="{{host}}"><td data-label="Host">{{#known}}<a href="{{href}}">{{host}}</a>{{/known}}{{^known}}{{host}}{{/known}}</td><td data-label="From">{{from}}</td><td data-label="To">{{to}}</td><td data-label="Plan">{{outcomeLabel}}</td><td data-label="Steps">{{#steps}}<div><code>{{command}}</code>{{#skipped}} <span class="hint">(skipped: {{skip}})</span>{{/skipped}}</div>{{/steps}}</td></tr>
      {{/hosts}}{{!}}
      </tbody>
    </table></div>{{/hasHosts}}
    <details><summary>The file</summary><pre>{{text}}</pre></details>
  </article>{{/pending}}{{/hasPending}}
  {{^hasPending}}<p>No pending change files. Compose one from a GPU type page, or write one under <code>changes/</code>.</p>{{/hasPending}}
</section>
<section class="panel" id="applied">
  <h2>Applied</h2>
  {{#hasApplied}}{{#applied}}<article class="change" data-path="{{path}}">
    <h3><code>{{path}}</code></h3>
    {{#hasOutcome}}<p>Applied {{appliedAt}} by {{user}} (run <code>{{run}}</code>){{#hasReason}}: {{reason}}{{/hasReason}}</p>
    <div class="table-wrap"><table class="outcome stack">
      <thead><tr><th scope="col">Host</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Outcome</th><th scope="col">Steps</th></tr></thead>
      <tbody>
      {{#hosts}}<tr class="outcome-{{status}}" data-host="{{host}}"><td data-label="Host">{{#known}}<a href="{{href}}">{{host}}</a>{{/known}}{{^known}}{{host}}{{/known}}</td><td data-label="From">{{from}}</td><td data-label="To">{{to}}</td><td data-label="Outcome">{{status}}</td><td data-label="Steps">{{#steps}}<div><code>{{command}}</code> {{status}}{{#hasOutput}}: {{output}}{{/hasOutput}}</div>{{/steps}}</td></tr>
      {{/hosts}}{{!}}
      </tbody>
    </table></div>{{/hasOutcome}}
    {{#hasOutcomeProblem}}<p class="problem">{{outcomeProblem}}</p>{{/hasOutcomeProblem}}
    <details><summary>The file</summary><pre>{{text}}</pre></details>
  </article>{{/applied}}{{/hasApplied}}
  {{^hasApplied}}<p>No change has been applied yet.</p>{{/hasApplied}}
</section>
{{> foot}}{{!}}

"""#,
        "contracts.mustache": #"""
{{> head}}{{!}}
<h1>Contracts</h1>
{{#hasContracts}}{{!}}
<p>The customer view: each contract's hosts grouped by free GPUs, with no owner or internal fields. Choose two contracts to see them side by side.</p>
<form class="compare" id="compare" hidden>
  <label>Left <select id="compare-left">{{#contracts}}<option value="{{id}}">{{name}}</option>{{/contracts}}</select></label>
  <label>Right <select id="compare-right">{{#contracts}}<option value="{{id}}">{{name}}</option>{{/contracts}}</select></label>
</form>
<div class="contracts" data-left="{{compareLeft}}" data-right="{{compareRight}}">
{{#contracts}}{{!}}
  <article class="contract" id="{{id}}" data-contract="{{name}}" data-hosts="{{hostCount}}" data-used="{{used}}" data-capacity="{{capacity}}" data-percentage="{{percentage}}">
    <h2>{{name}}</h2>
    <p class="figures">{{type}} · {{hostCount}} hosts · {{ratio}} GPUs used · {{freeGPUs}} free</p>
    <div class="bar{{#over}} over{{/over}}" role="img" aria-label="{{ratio}} GPUs used, {{percentage}}%"><span style="width: {{bar}}%"></span></div>
    {{#groups}}{{!}}
      <h3>{{label}} <span class="count">{{count}}</span></h3>
      <ul class="plain">{{#hosts}}<li><span class="host">{{name}}</span> <span class="badge gpu">{{used}}/{{capacity}}</span></li>{{/hosts}}</ul>
    {{/groups}}{{!}}
  </article>
{{/contracts}}{{!}}
</div>
{{/hasContracts}}{{!}}
{{^hasContracts}}<p class="empty">No contract aggregates.</p>{{/hasContracts}}
{{> foot}}{{!}}

"""#,
        "foot.mustache": #"""
</main>
<footer class="foot">
  Snapshot <code>{{snapshotCommit}}</code> · {{snapshotDate}} · {{snapshotSubject}} · rendered by <code>spotctl render</code>
</footer>
<script src="{{root}}assets/search-index.js"></script>
<script src="{{root}}assets/site.js"></script>
</body>
</html>

"""#,
        "head.mustache": #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · spotctl</title>
<link rel="stylesheet" href="{{root}}assets/style.css">
</head>
<body data-root="{{root}}" data-page="{{page}}">
<header class="top">
  <a class="brand" href="{{root}}index.html">spotctl</a>
  <nav class="nav" aria-label="Pages">{{#nav}}<a href="{{root}}{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}</nav>
  <form class="search" action="{{root}}search.html" method="get" role="search">
    <input type="search" name="q" placeholder="Search hosts, tenants, aggregates" aria-label="Search hosts, tenants and aggregates" autocomplete="off">
    <div class="search-results" role="listbox" hidden></div>
  </form>
</header>
<main>

"""#,
        "history.mustache": #"""
{{> head}}{{!}}
<h1>History</h1>
{{#hasHistory}}{{!}}
<p>{{snapshotCount}} snapshots, read from the git history of <code>inventory/</code>{{#truncated}} (the newest; older ones are not drawn){{/truncated}}.</p>
<p class="legend"><span><span class="dot pool-total"></span>all pools</span> <span><span class="dot pool-ondemand"></span>On-Demand</span> <span><span class="dot pool-spot"></span>Spot</span> <span><span class="dot pool-runpod"></span>RunPod</span> <span><span class="dot pool-contract"></span>Contracts</span></p>
<div class="charts">
{{#charts}}{{!}}
  <figure class="chart-box"><figcaption>{{type}}: GPU use per pool</figcaption>{{{svg}}}</figure>
{{/charts}}{{!}}
  <figure class="chart-box"><figcaption>Hosts moved per snapshot</figcaption>{{{movesChart}}}</figure>
</div>
<section class="panel">
  <h2>Snapshots</h2>
  <div class="table-wrap">
  <table class="snapshots stack">
    <thead><tr><th scope="col">Taken</th><th scope="col">Commit</th><th scope="col">Change</th><th scope="col">Moved</th></tr></thead>
    <tbody>
    {{#snapshots}}<tr><td data-label="Taken">{{date}}</td><td data-label="Commit"><code>{{commit}}</code></td><td data-label="Change">{{subject}}{{#moves}}<br><a href="{{href}}">{{host}}</a>: {{from}} → {{to}}{{/moves}}</td><td data-label="Moved">{{moved}}</td></tr>
    {{/snapshots}}{{!}}
    </tbody>
  </table>
  </div>
</section>
{{/hasHistory}}{{!}}
{{^hasHistory}}<p class="empty">No committed snapshot yet: the history starts with the first <code>spotctl snapshot</code>.</p>{{/hasHistory}}
{{> foot}}{{!}}

"""#,
        "host.mustache": #"""
{{> head}}{{!}}
{{#host}}{{!}}
<p class="crumbs"><a href="{{typeHref}}">{{typeLabel}}</a> › {{poolLabel}}</p>
<h1 class="hostname">{{name}}</h1>
<p class="figures" data-host="{{name}}" data-used="{{used}}" data-capacity="{{capacity}}" data-pool="{{pool}}"><span class="badge gpu{{#over}} over{{/over}}">{{used}}/{{capacity}} GPUs</span> <a href="{{apiHref}}">JSON</a></p>
{{/host}}{{!}}

<section class="panel">
  <h2>Facts</h2>
  <dl class="facts">
  {{#facts}}<dt>{{label}}</dt><dd>{{#hasLink}}<a href="{{link}}" rel="noopener noreferrer">{{value}}</a>{{/hasLink}}{{^hasLink}}{{value}}{{/hasLink}}</dd>
  {{/facts}}{{!}}
  </dl>
</section>

<section class="panel">
  <h2>Aggregates</h2>
  {{#hasAggregates}}<ul class="chips">{{#aggregates}}<li class="chip{{#pool}} pool{{/pool}}">{{name}}</li>{{/aggregates}}</ul>{{/hasAggregates}}
  {{^hasAggregates}}<p>In no aggregate.</p>{{/hasAggregates}}
</section>

<section class="panel">
  <h2>VMs</h2>
  {{#hasVMs}}{{!}}
  <div class="table-wrap">
  <table class="vms stack">
    <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Flavor</th><th scope="col">GPUs</th><th scope="col">Tenant</th><th scope="col">Created</th></tr></thead>
    <tbody>
    {{#vms}}<tr{{#idle}} class="muted"{{/idle}}><td class="name" data-label="Name" title="{{id}}">{{name}}</td><td data-label="Status">{{status}}</td><td data-label="Flavor">{{flavor}}</td><td data-label="GPUs">{{gpus}}</td><td data-label="Tenant">{{tenant}}</td><td data-label="Created">{{created}}</td></tr>
    {{/vms}}{{!}}
    </tbody>
  </table>
  </div>
  {{/hasVMs}}{{!}}
  {{^hasVMs}}<p>No VMs.</p>{{/hasVMs}}
</section>

{{#hyperstackKnown}}{{!}}
<section class="panel">
  <h2>RunPod (Hyperstack)</h2>
  {{#hasRunpodVMs}}{{!}}
  <div class="table-wrap">
  <table class="runpod stack">
    <thead><tr><th scope="col">VM</th><th scope="col">Status</th><th scope="col">Flavor</th><th scope="col">Environment</th><th scope="col">Firewall</th><th scope="col">Networks</th></tr></thead>
    <tbody>
    {{#runpodVMs}}<tr><td class="name" data-label="VM" title="{{id}}">{{name}}</td><td data-label="Status">{{status}}</td><td data-label="Flavor">{{flavor}}</td><td data-label="Environment">{{environment}}</td><td data-label="Firewall"{{^firewallOK}} class="warn"{{/firewallOK}}>{{firewalls}}</td><td data-label="Networks"{{^networkOK}} class="warn"{{/networkOK}}>{{networks}}</td></tr>
    {{/runpodVMs}}{{!}}
    </tbody>
  </table>
  </div>
  {{/hasRunpodVMs}}{{!}}
  {{^hasRunpodVMs}}<p>No Hyperstack VM on this host.</p>{{/hasRunpodVMs}}
</section>
{{/hyperstackKnown}}{{!}}

<section class="panel">
  <h2>History</h2>
  {{#hasHistory}}{{!}}
  <ol class="events">{{#history}}<li><time>{{date}}</time> <code>{{commit}}</code> {{text}}</li>{{/history}}</ol>
  {{/hasHistory}}{{!}}
  {{^hasHistory}}<p>No change to this host in the snapshots read.</p>{{/hasHistory}}
</section>
{{> foot}}{{!}}

"""#,
        "log.mustache": #"""
{{> head}}{{!}}
<h1>Command log</h1>
{{#hasEntries}}{{!}}
<form class="filters" id="log-filters" hidden>
  <label>Status <select id="log-status"><option value="">any</option><option value="success">success</option><option value="error">error</option><option value="timeout">timeout</option></select></label>
  <label>Host, change, output or text <input type="search" id="log-text" autocomplete="off"></label>
  <span class="count" id="log-count">{{entryCount}} commands</span>
</form>
<div class="table-wrap">
<table class="log stack">
  <thead><tr><th scope="col">Time</th><th scope="col">Command</th><th scope="col">Status</th><th scope="col">Return code</th><th scope="col">Output</th><th scope="col">Took</th><th scope="col">User</th><th scope="col">Change</th><th scope="col">Step</th></tr></thead>
  <tbody>
  {{#entries}}<tr class="status-{{status}}" data-status="{{status}}" data-id="{{id}}"><td data-label="Time">{{timestamp}}</td><td data-label="Command"><code>{{command}}</code></td><td data-label="Status" class="nowrap">{{status}}</td><td data-label="Return code">{{returnCode}}</td><td data-label="Output">{{#hasOutput}}<pre class="output">{{output}}</pre>{{/hasOutput}}</td><td data-label="Took" class="nowrap">{{executionTime}}</td><td data-label="User">{{user}}</td><td data-label="Change">{{change}}</td><td data-label="Step">{{step}}</td></tr>
  {{/entries}}{{!}}
  </tbody>
</table>
</div>
{{/hasEntries}}{{!}}
{{^hasEntries}}<p class="empty">No command has run yet: <code>spotctl apply</code> logs every command it runs here.</p>{{/hasEntries}}
{{> foot}}{{!}}

"""#,
        "overview.mustache": #"""
{{> head}}{{!}}
<h1>GPU capacity</h1>
<p class="lede">
  <span class="usage" data-total data-used="{{total.used}}" data-capacity="{{total.capacity}}" data-percentage="{{total.percentage}}">{{total.ratio}} GPUs in use ({{total.percentage}}%)</span>
  across <span data-host-count="{{hostCount}}">{{hostCount}} GPU hosts</span> and {{serverCount}} VMs.
  Snapshot <code>{{snapshotCommit}}</code> taken {{snapshotDate}}.
</p>

<section class="types" aria-label="GPU types">
{{#types}}{{!}}
  <article class="type-card" data-type="{{name}}" data-hosts="{{hostCount}}" data-used="{{used}}" data-capacity="{{capacity}}" data-percentage="{{percentage}}">
    <h2><a href="{{href}}">{{displayName}}</a></h2>
    <div class="bar{{#over}} over{{/over}}" role="img" aria-label="{{ratio}} GPUs used, {{percentage}}%"><span style="width: {{bar}}%"></span></div>
    <p class="figures"><strong>{{ratio}}</strong> GPUs used · <strong>{{percentage}}%</strong> · {{hostCount}} hosts</p>
    <div class="table-wrap">
    <table class="pools">
      <thead><tr><th scope="col">Pool</th><th scope="col">Hosts</th><th scope="col">GPUs</th><th scope="col">Use</th></tr></thead>
      <tbody>
      {{#pools}}{{!}}
        <tr class="pool-row{{#outOfStock}} muted{{/outOfStock}}" data-type="{{typeName}}" data-pool="{{key}}" data-hosts="{{hosts}}" data-used="{{used}}" data-capacity="{{capacity}}" data-percentage="{{percentage}}">
          <th scope="row"><span class="dot pool-{{key}}"></span>{{label}}</th><td>{{hosts}}</td><td>{{ratio}}</td><td>{{percentage}}%</td>
        </tr>
      {{/pools}}{{!}}
      </tbody>
    </table>
    </div>
  </article>
{{/types}}{{!}}
{{^hasTypes}}{{!}}
  <p class="empty">No GPU types: the snapshot has no GPU host and no GPU-pool aggregate.</p>
{{/hasTypes}}{{!}}
</section>

{{#hasUnclassified}}{{!}}
<section class="panel" id="unclassified">
  <h2>Unclassified</h2>
  <p>GPU hosts whose type is unknown (no NetBox tag and no GPU-pool aggregate names one). They are on no type page.</p>
  <ul class="hostlist">{{#unclassified}}<li><a href="{{href}}">{{name}}</a> — {{reason}}</li>{{/unclassified}}</ul>
</section>
{{/hasUnclassified}}{{!}}

<section class="panel" id="reconciliation">
  <h2>Inventory reconciliation</h2>
  {{#reconciliation}}{{!}}
    {{#configured}}{{!}}
      <p>NetBox lists <strong data-netbox-servers="{{netboxServers}}">{{netboxServers}}</strong> GPU servers; the dashboard shows <strong data-dashboard-hosts="{{dashboardHosts}}">{{dashboardHosts}}</strong> GPU hosts.
      {{#reconciled}}They reconcile.{{/reconciled}}{{^reconciled}}The differences, host by host:{{/reconciled}}</p>
      {{^reconciled}}{{!}}
      <div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Host</th><th scope="col">Finding</th></tr></thead><tbody>
      {{#entries}}<tr><td data-label="Host">{{#hasHref}}<a href="{{href}}">{{host}}</a>{{/hasHref}}{{^hasHref}}{{host}}{{/hasHref}}</td><td data-label="Finding">{{finding}}</td></tr>{{/entries}}
      </tbody></table></div>
      {{/reconciled}}{{!}}
    {{/configured}}{{!}}
    {{^configured}}<p>NetBox was not configured for this snapshot: there is nothing to reconcile with.</p>{{/configured}}
  {{/reconciliation}}{{!}}
</section>

<section class="panel" id="warnings">
  <h2>Warnings <span class="count">{{warningCount}}</span></h2>
  {{#hasWarnings}}<ul class="warnings">{{#warnings}}<li class="warning" data-kind="{{kind}}"><strong>{{subject}}</strong>: {{message}}</li>{{/warnings}}</ul>{{/hasWarnings}}
  {{^hasWarnings}}<p>No conflicts and no host above capacity.</p>{{/hasWarnings}}
</section>

<section class="panel" id="out-of-stock">
  <h2>Out of stock <span class="count">{{outOfStockCount}}</span></h2>
  {{#hasOutOfStock}}<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Host</th><th scope="col">Type</th><th scope="col">Why</th></tr></thead><tbody>
  {{#outOfStock}}<tr><td data-label="Host"><a href="{{href}}">{{name}}</a></td><td data-label="Type">{{type}}</td><td data-label="Why">{{reason}}</td></tr>
  {{/outOfStock}}</tbody></table></div>{{/hasOutOfStock}}
  {{^hasOutOfStock}}<p>Every GPU host is in service.</p>{{/hasOutOfStock}}
</section>
{{#hasPending}}<p class="note"><a href="changes.html">{{pendingCount}} pending change files</a> wait for review.</p>{{/hasPending}}
{{> foot}}{{!}}

"""#,
        "search.mustache": #"""
{{> head}}{{!}}
<h1>Search</h1>
<p id="search-summary">Every host, tenant and aggregate. Type in the box above to filter.</p>
<div class="table-wrap">
<table class="search-table stack">
  <thead><tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Details</th></tr></thead>
  <tbody>
  {{#rows}}<tr data-kind="{{kind}}"><td data-label="Kind">{{kind}}</td><td data-label="Name"><a href="{{href}}">{{name}}</a></td><td data-label="Details">{{detail}}</td></tr>
  {{/rows}}{{!}}
  </tbody>
</table>
</div>
{{> foot}}{{!}}

"""#,
        "type.mustache": #"""
{{> head}}{{!}}
<h1>{{type.displayName}}</h1>
{{#overview}}{{!}}
<div class="type-summary" data-type="{{type.name}}" data-used="{{used}}" data-capacity="{{capacity}}" data-percentage="{{percentage}}">
  <div class="bar{{#over}} over{{/over}}" role="img" aria-label="{{ratio}} GPUs used, {{percentage}}%"><span style="width: {{bar}}%"></span></div>
  <p class="figures"><strong>{{ratio}}</strong> GPUs used in service · <strong>{{percentage}}%</strong> · <a href="{{root}}{{apiHref}}">JSON</a></p>
</div>
{{/overview}}{{!}}

<details class="composer" id="composer" hidden>
  <summary>Compose a change <span class="count" id="composer-count">0 hosts selected</span></summary>
  <p>Tick hosts below, choose where they go, and commit the text as a file under <code>changes/</code> in a pull request; <code>spotctl plan</code> previews it in the review and <code>spotctl apply</code> runs it after the merge.</p>
  <label>Move to
    <select id="composer-target">
      {{#targets}}<option value="{{value}}">{{label}}</option>{{/targets}}
    </select>
  </label>
  <textarea id="composer-output" rows="10" readonly spellcheck="false" aria-label="Change file"></textarea>
  <p class="composer-actions"><button type="button" id="composer-copy">Copy</button> <button type="button" id="composer-clear">Clear selection</button> <span id="composer-file"></span></p>
</details>

<div class="columns">
{{#columns}}{{!}}
  <section class="column pool-{{key}}" data-pool="{{key}}" data-variant="{{variant}}" data-hosts="{{hostCount}}" data-used="{{used}}" data-capacity="{{capacity}}" data-percentage="{{percentage}}" aria-label="{{label}}">
    <h2><span class="dot pool-{{key}}"></span>{{label}} <span class="count">{{hostCount}}</span></h2>
    <p class="aggregates">{{aggregates}}</p>
    <div class="bar{{#over}} over{{/over}}" role="img" aria-label="{{ratio}} GPUs used, {{percentage}}%"><span style="width: {{bar}}%"></span></div>
    <p class="figures">{{ratio}} GPUs · {{percentage}}%</p>
    {{#isContracts}}{{!}}
    <label class="filter">Contract
      <select class="contract-filter">
        <option value="">All contracts</option>
        {{#contracts}}<option value="{{name}}">{{name}} ({{hostCount}})</option>{{/contracts}}
      </select>
    </label>
    {{/isContracts}}{{!}}
    {{#empty}}<p class="empty">No hosts.</p>{{/empty}}
    {{#available}}{{!}}
      <h3>Available · {{label}} <span class="count">{{count}}</span></h3>
      <ul class="cards">{{#hosts}}{{> card}}{{/hosts}}</ul>
    {{/available}}{{!}}
    {{#inUse}}{{!}}
      <h3>In use · {{label}} <span class="count">{{count}}</span></h3>
      <ul class="cards">{{#hosts}}{{> card}}{{/hosts}}</ul>
    {{/inUse}}{{!}}
  </section>
{{/columns}}{{!}}
</div>
{{> foot}}{{!}}

"""#,
    ]
}
