/** report.html's browser script, last part: the rule, resource and table views and navigation (see html-client.ts). */
export const CLIENT_VIEWS = String.raw`  function findingBadges(parent, r, withSeverity) {
    var f = r.f;
    if (withSeverity) parent.appendChild(badge(f.severity, "sev-" + f.severity));
    parent.appendChild(badge(f.status, "st-" + f.status));
    if (f.suppression) parent.appendChild(badge("suppressed", "b-supp"));
    if (f.baseline) parent.appendChild(badge(f.baseline, "b-" + f.baseline));
    if (f.status === "fail" && (r.live === "observed" || r.live === "confirmed")) parent.appendChild(badge("confirmed live", "b-live"));
    if (r.live === "contradicted") parent.appendChild(badge("contradicted live", "b-contra"));
  }
  /** One finding as a disclosure: summary line, details built when first opened. */
  function findingItem(r, label, withRule) {
    var li = node("li");
    var d = node("details", "finding");
    d.setAttribute("data-index", String(r.i));
    var s = node("summary");
    findingBadges(s, r, withRule);
    s.appendChild(node("span", "r", label));
    s.appendChild(node("span", "loc", r.f.account + " \u00b7 " + r.f.region));
    s.appendChild(node("span", "m", r.f.message));
    d.appendChild(s);
    var body = null;
    d.addEventListener("toggle", function () {
      if (d.open && !body) { body = node("div", "fbody"); details(body, r.f, withRule); d.appendChild(body); }
    });
    li.appendChild(d);
    return li;
  }
  function moreButton(list, items, shown, make) {
    if (items.length <= shown) return;
    var b = node("button", "more", "Show " + Math.min(GROUP_PAGE, items.length - shown) + " more of " + (items.length - shown));
    b.type = "button";
    b.addEventListener("click", function () {
      var next = items.slice(shown, shown + GROUP_PAGE);
      next.forEach(function (r) { list.appendChild(make(r)); });
      b.remove();
      moreButton(list, items, shown + next.length, make);
      var first = list.children[shown] && list.children[shown].querySelector("summary");
      if (first) first.focus();
    });
    list.parentNode.appendChild(b);
  }

  // ---- By rule ---------------------------------------------------------------------------------------------------
  function groupWorst(g) { return g.fail ? 0 : g.error ? 1 : g.skipped ? 2 : g.supp ? 3 : 4; }
  function renderRules() {
    var groups = {}, order = [];
    view.forEach(function (r) {
      var id = r.f.ruleId, g = groups[id];
      if (!g) {
        g = groups[id] = { id: id, items: [], fail: 0, error: 0, pass: 0, skipped: 0, supp: 0, live: 0, fresh: 0, sev: r.sev };
        order.push(g);
      }
      g.items.push(r);
      var f = r.f;
      if (f.status === "fail") { if (f.suppression) g.supp++; else g.fail++; }
      else if (f.status === "error") g.error++;
      else if (f.status === "pass") g.pass++;
      else g.skipped++;
      if (f.status === "fail" && !f.suppression && (r.live === "observed" || r.live === "confirmed")) g.live++;
      if (f.baseline === "new") g.fresh++;
      if (r.sev < g.sev) g.sev = r.sev;
    });
    order.sort(function (a, b) {
      return groupWorst(a) - groupWorst(b) || a.sev - b.sev || (b.live > 0) - (a.live > 0) || b.fail - a.fail || b.error - a.error || cmpStr(a.id, b.id);
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (g) { frag.appendChild(ruleGroup(g)); });
    if (!order.length) frag.appendChild(node("p", "muted", "Nothing matches these filters."));
    el("view-rule").replaceChildren(frag);
  }
  function ruleGroup(g) {
    var rule = rules[g.id] || {};
    var d = node("details", "group");
    d.setAttribute("data-rule", g.id);
    var s = node("summary");
    var sev = SEV[g.sev] || "info";
    s.appendChild(badge(sev, "sev-" + sev));
    if (g.live) s.appendChild(badge("confirmed live", "b-live"));
    if (g.fresh) s.appendChild(badge(g.fresh + " new", "b-new"));
    s.appendChild(node("span", "t", rule.title || g.items[0].f.title));
    s.appendChild(node("code", "id", g.id));
    var parts = [];
    if (g.fail) parts.push(g.fail + " failing");
    if (g.error) parts.push(g.error + " error");
    if (g.skipped) parts.push(g.skipped + " not probed");
    if (g.supp) parts.push(g.supp + " suppressed");
    if (g.pass) parts.push(g.pass + " passing");
    s.appendChild(node("span", "c", parts.join(" \u00b7 ")));
    d.appendChild(s);
    var built = false;
    function build() {
      if (built) return;
      built = true;
      var body = node("div", "gbody");
      if (rule.remediation) {
        var fx = node("p", "fixline");
        fx.appendChild(node("b", null, "Fix: "));
        fx.appendChild(document.createTextNode(rule.remediation.text));
        body.appendChild(fx);
      }
      var list = node("ul", "items");
      body.appendChild(list);
      var make = function (r) { return findingItem(r, r.f.resourceName, false); };
      g.items.slice(0, GROUP_PAGE).forEach(function (r) { list.appendChild(make(r)); });
      d.appendChild(body);
      moreButton(list, g.items, Math.min(GROUP_PAGE, g.items.length), make);
      if (rule.remediation) {
        var how = node("details");
        how.appendChild(node("summary", null, "Why it matters, how to fix, references"));
        remediation(how, rule);
        body.appendChild(how);
      }
    }
    d.addEventListener("toggle", function () {
      if (d.open) { build(); state.openGroups[g.id] = true; } else delete state.openGroups[g.id];
    });
    if (state.openGroups[g.id]) { build(); d.open = true; }
    return d;
  }

  // ---- By resource: account → region → service → resource -----------------------------------------------------
  function tally(items) {
    var t = { fail: 0, error: 0, skipped: 0, sev: 9 };
    items.forEach(function (r) {
      if (r.f.status === "fail" && !r.f.suppression) { t.fail++; if (r.sev < t.sev) t.sev = r.sev; }
      else if (r.f.status === "error") t.error++;
      else if (r.f.status === "skipped") t.skipped++;
    });
    return t;
  }
  function tallyText(t, n) {
    var parts = [];
    if (t.fail) parts.push(t.fail + " failing, worst " + SEV[t.sev]);
    if (t.error) parts.push(t.error + " error");
    if (t.skipped) parts.push(t.skipped + " not probed");
    if (!parts.length) parts.push(plural(n, "finding"));
    return parts.join(" \u00b7 ");
  }
  function split(items, keyOf) {
    var m = {}, keys = [];
    items.forEach(function (r) { var k = keyOf(r); if (!m[k]) { m[k] = []; keys.push(k); } m[k].push(r); });
    return keys.map(function (k) { return { key: k, items: m[k], t: tally(m[k]) }; }).sort(function (a, b) {
      return (b.t.fail > 0) - (a.t.fail > 0) || a.t.sev - b.t.sev || b.t.fail - a.t.fail || b.t.error - a.t.error || cmpStr(a.key, b.key);
    });
  }
  // API Gateway resources (the API, its stages, methods and routes, the probes of its endpoints) group under their
  // API, custom domains under the domain, so everything wrong with one API is together; the rest by service.
  var apiNames = {};
  all.forEach(function (r) {
    var m = /::\/(?:restapis|apis)\/([^/]+)$/.exec(r.f.resourceArn);
    if (m && (r.f.resourceType === "aws.apigateway.restapi" || r.f.resourceType === "aws.apigatewayv2.api")) apiNames[m[1]] = r.f.resourceName;
  });
  function groupOf(r) {
    var arn = r.f.resourceArn, m = /::\/(?:restapis|apis)\/([^/]+)/.exec(arn) || /^tollgate:probe:([^/\s]+)\//.exec(arn);
    if (m) {
      var id = m[1];
      if (apiNames[id]) return "API " + apiNames[id] + " (" + id + ")";
      return id.indexOf(".") >= 0 ? "Domain " + id : "API " + id;
    }
    m = /::\/domainnames\/([^/]+)/.exec(arn);
    return m ? "Domain " + m[1] : "Service " + r.svc;
  }
  var LEVELS = [
    { name: "Account", key: function (r) { return r.f.account; } },
    { name: "Region", key: function (r) { return r.f.region; } },
    { name: "Service", key: groupOf },
    { name: "Resource", key: function (r) { return r.f.resourceArn; } }
  ];
  function treeLevel(parent, items, depth, path) {
    split(items, LEVELS[depth].key).forEach(function (grp) {
      var id = path + "\u0000" + grp.key;
      var d = node("details");
      d.setAttribute("data-level", LEVELS[depth].name.toLowerCase());
      var s = node("summary");
      if (grp.t.fail) s.appendChild(badge(SEV[grp.t.sev], "sev-" + SEV[grp.t.sev]));
      var label = depth === 3 ? grp.items[0].f.resourceName : grp.key;
      s.appendChild(node("b", null, depth >= 2 ? label : LEVELS[depth].name + " " + label));
      if (depth === 3) s.appendChild(node("span", "n", grp.items[0].f.resourceType));
      s.appendChild(node("span", "n", tallyText(grp.t, grp.items.length)));
      d.appendChild(s);
      var built = false;
      function build() {
        if (built) return;
        built = true;
        var box = node("div");
        if (depth < 3) treeLevel(box, grp.items, depth + 1, id);
        else {
          box.appendChild(node("p", "muted", grp.key));
          var list = node("ul", "items");
          box.appendChild(list);
          grp.items.forEach(function (r) { list.appendChild(findingItem(r, (rules[r.f.ruleId] || {}).title || r.f.title, true)); });
        }
        d.appendChild(box);
      }
      d.addEventListener("toggle", function () { if (d.open) { build(); state.openNodes[id] = true; } else delete state.openNodes[id]; });
      if (state.openNodes[id]) { build(); d.open = true; }
      parent.appendChild(d);
    });
  }
  function renderTree() {
    var box = node("div", "tree");
    if (view.length) treeLevel(box, view, 0, "");
    else box.appendChild(node("p", "muted", "Nothing matches these filters."));
    el("view-resource").replaceChildren(box);
  }

  // ---- All findings: the sortable, paged table --------------------------------------------------------------------
  var tbody = el("rows");
  function cell(tr, text, cls) { var td = node("td", cls, text); tr.appendChild(td); return td; }
  function renderTable() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * PAGE;
    var rows = view.slice(start, start + PAGE);
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) {
      var f = r.f;
      var tr = node("tr", "finding st-" + f.status);
      tr.tabIndex = 0;
      tr.setAttribute("data-index", String(r.i));
      tr.setAttribute("aria-expanded", state.open[r.i] ? "true" : "false");
      cell(tr, "", "sev").appendChild(badge(f.severity, "sev-" + f.severity));
      var stTd = cell(tr, "", "status");
      findingBadges(stTd, r, false);
      cell(tr, f.ruleId, "rule");
      cell(tr, f.resourceName, "resource").title = f.resourceArn;
      cell(tr, r.svc, "service");
      cell(tr, f.account, "account");
      cell(tr, f.region, "region");
      cell(tr, f.message, "message");
      function toggle() {
        if (state.open[r.i]) delete state.open[r.i]; else state.open[r.i] = true;
        renderTable();
      }
      tr.addEventListener("click", toggle);
      tr.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
      frag.appendChild(tr);
      if (state.open[r.i]) {
        var dtr = node("tr", "details");
        var td = node("td");
        td.colSpan = 8;
        details(td, f, true);
        dtr.appendChild(td);
        frag.appendChild(dtr);
      }
    });
    tbody.replaceChildren(frag);
    el("page").textContent = "Page " + (state.page + 1) + " / " + pages + " (rows " + (view.length ? start + 1 : 0) + "\u2013" + (start + rows.length) + ")";
    el("prev").disabled = state.page === 0;
    el("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      var k = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", k === state.sortKey ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  // ---- Tabs, links from the overview, keyboard ---------------------------------------------------------------------
  var TABS = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));
  function select(name, focus) {
    state.view = name;
    TABS.forEach(function (t) {
      var on = t.id === "tab-" + name;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = el(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
      if (on && focus) t.focus();
    });
    var filtered = name === "rule" || name === "resource" || name === "table";
    el("filters").hidden = !filtered;
    el("count").hidden = !filtered;
    try { history.replaceState(null, "", "#view=" + name); } catch (e) { /* file: URLs in some browsers */ }
    apply();
  }
  TABS.forEach(function (t, k) {
    t.addEventListener("click", function () { select(t.id.slice(4), false); });
    t.addEventListener("keydown", function (e) {
      var next = e.key === "ArrowRight" ? k + 1 : e.key === "ArrowLeft" ? k - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : -1;
      if (next < 0 && e.key !== "ArrowLeft") return;
      e.preventDefault();
      var to = TABS[(next + TABS.length) % TABS.length];
      select(to.id.slice(4), true);
    });
  });
  function clearFilters() {
    filters.forEach(function (k) { el("f-" + k).value = ""; });
    el("q").value = ""; el("show-pass").checked = false; state.rules = null; state.page = 0;
  }
  function goToRule(id) {
    clearFilters();
    state.openGroups[id] = true;
    select("rule", false);
    var g = document.querySelector('#view-rule details.group[data-rule="' + id.replace(/["\\]/g, "\\$&") + '"]');
    if (g) { g.scrollIntoView({ block: "start" }); g.querySelector("summary").focus(); }
  }
  document.querySelectorAll("#top-risks a[data-rule], #paths a[data-rule]").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); goToRule(a.getAttribute("data-rule")); });
  });
  document.querySelectorAll("#counts button[data-severity]").forEach(function (b) {
    b.addEventListener("click", function () {
      clearFilters();
      el("f-severity").value = b.getAttribute("data-severity");
      el("f-status").value = "fail";
      select("rule", false);
      el("views").scrollIntoView({ block: "start" });
    });
  });
  document.querySelectorAll("button.score[data-framework]").forEach(function (b) {
    b.addEventListener("click", function () {
      select("framework", false);
      var s = el("fw-" + b.getAttribute("data-framework"));
      if (s) s.scrollIntoView({ block: "start" });
    });
  });
  document.querySelectorAll("#view-framework button[data-rules], #paths button[data-rules]").forEach(function (b) {
    b.addEventListener("click", function () {
      clearFilters();
      state.rules = {};
      b.getAttribute("data-rules").split(" ").forEach(function (id) { state.rules[id] = true; });
      state.rulesLabel = b.getAttribute("data-label");
      el("show-pass").checked = true;
      select("rule", false);
      el("views").scrollIntoView({ block: "start" });
    });
  });

  var timer = null;
  el("q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.page = 0; apply(); }, 150);
  });
  el("q").addEventListener("keydown", function (e) { if (e.key === "Enter") { clearTimeout(timer); state.page = 0; apply(); } });
  el("prev").addEventListener("click", function () { if (state.page > 0) { state.page--; renderTable(); } });
  el("next").addEventListener("click", function () { state.page++; renderTable(); });
  el("reset").addEventListener("click", function () { clearFilters(); state.sortKey = "default"; state.dir = 1; apply(); });
  document.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var k = th.getAttribute("data-sort");
      if (state.sortKey === k) state.dir = -state.dir; else { state.sortKey = k; state.dir = 1; }
      state.page = 0;
      apply();
    });
  });
  // A printed report shows every drill-down of the overview and the frameworks, and the rule view.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("#overview details, #view-framework details").forEach(function (d) { d.open = true; });
    if (state.view !== "rule") { state.view = "rule"; apply(); }
  });

  var initial = /^#view=(rule|resource|framework|table|fixed)$/.exec(location.hash);
  var wanted = /^#rule=(.+)$/.exec(location.hash);
  if (wanted) goToRule(decodeURIComponent(wanted[1]));
  else select(initial && el("tab-" + initial[1]) ? initial[1] : "rule", false);
  window.__tollgateReadyMs = performance.now() - t0;
  document.documentElement.setAttribute("data-ready", "true");
})();
`;
