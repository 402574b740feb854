/**
 * Browser script of report.html, inlined verbatim. It is a plain string (not a template with
 * interpolations) so no data can ever reach it except through the escaped JSON block, and it only
 * writes data into the page with textContent and DOM APIs — never innerHTML.
 */
export const HTML_CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("tollgate-data").textContent);
  var SEV = ["critical", "high", "medium", "low", "info"];
  var STATUS_ORDER = { fail: 0, error: 1, skipped: 2, pass: 3 };
  var PAGE = 100;
  var rules = {};
  data.rules.forEach(function (r) { rules[r.id] = r; });
  var all = data.findings.map(function (f, i) {
    var parts = String(f.resourceType).split(".");
    return { f: f, i: i, svc: parts[1] || f.resourceType, sev: SEV.indexOf(f.severity), st: STATUS_ORDER[f.status], hay: null };
  });
  var state = { q: "", sortKey: "default", dir: 1, page: 0, open: {} };
  var filters = ["severity", "service", "rule", "account", "region", "status", "state"];
  var el = function (id) { return document.getElementById(id); };
  var tbody = el("rows");
  var view = all;

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  function fillSelect(id, values) {
    var s = el("f-" + id);
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = v;
      s.appendChild(o);
    });
    s.addEventListener("change", function () { state.page = 0; apply(); });
  }
  function distinct(fn) {
    var seen = {}, out = [];
    all.forEach(function (r) { var v = fn(r); if (!Object.prototype.hasOwnProperty.call(seen, v)) { seen[v] = 1; out.push(v); } });
    return out.sort();
  }
  fillSelect("severity", SEV.filter(function (s) { return all.some(function (r) { return r.f.severity === s; }); }));
  fillSelect("service", distinct(function (r) { return r.svc; }));
  fillSelect("rule", distinct(function (r) { return r.f.ruleId; }));
  fillSelect("account", distinct(function (r) { return r.f.account; }));
  fillSelect("region", distinct(function (r) { return r.f.region; }));
  fillSelect("status", ["fail", "error", "skipped", "pass"]);
  fillSelect("state", ["active", "suppressed", "new", "unchanged"]);

  function hay(r) {
    if (r.hay === null) {
      var f = r.f;
      r.hay = [f.ruleId, f.title, f.resourceName, f.resourceArn, f.resourceType, f.account, f.region, f.message,
        f.status, f.severity, JSON.stringify(f.evidence), f.suppression ? f.suppression.reason : "",
        f.probe !== undefined ? JSON.stringify(f.probe) : ""].join("\n").toLowerCase();
    }
    return r.hay;
  }

  function matches(r, sel, terms) {
    var f = r.f;
    if (sel.severity && f.severity !== sel.severity) return false;
    if (sel.service && r.svc !== sel.service) return false;
    if (sel.rule && f.ruleId !== sel.rule) return false;
    if (sel.account && f.account !== sel.account) return false;
    if (sel.region && f.region !== sel.region) return false;
    if (sel.status && f.status !== sel.status) return false;
    if (sel.state === "active" && f.suppression) return false;
    if (sel.state === "suppressed" && !f.suppression) return false;
    if ((sel.state === "new" || sel.state === "unchanged") && f.baseline !== sel.state) return false;
    if (terms.length) {
      var h = hay(r);
      for (var k = 0; k < terms.length; k++) if (h.indexOf(terms[k]) < 0) return false;
    }
    return true;
  }

  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var KEYS = {
    severity: function (a, b) { return a.sev - b.sev; },
    status: function (a, b) { return a.st - b.st; },
    rule: function (a, b) { return cmpStr(a.f.ruleId, b.f.ruleId); },
    resource: function (a, b) { return cmpStr(a.f.resourceName, b.f.resourceName) || cmpStr(a.f.resourceArn, b.f.resourceArn); },
    service: function (a, b) { return cmpStr(a.svc, b.svc); },
    account: function (a, b) { return cmpStr(a.f.account, b.f.account); },
    region: function (a, b) { return cmpStr(a.f.region, b.f.region); }
  };
  function defaultCmp(a, b) {
    return a.st - b.st || a.sev - b.sev || cmpStr(a.f.ruleId, b.f.ruleId) || cmpStr(a.f.resourceArn, b.f.resourceArn) || a.i - b.i;
  }

  function apply() {
    var sel = {};
    filters.forEach(function (k) { sel[k] = el("f-" + k).value; });
    var terms = el("q").value.toLowerCase().split(/\s+/).filter(Boolean);
    view = all.filter(function (r) { return matches(r, sel, terms); });
    var key = KEYS[state.sortKey];
    var dir = state.dir;
    view.sort(key ? function (a, b) { return dir * key(a, b) || defaultCmp(a, b); } : defaultCmp);
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    render(pages);
  }

  function cell(tr, text, cls) { var td = node("td", cls, text); tr.appendChild(td); return td; }

  function badge(text, cls) { return node("span", "badge " + cls, text); }

  function render(pages) {
    var start = state.page * PAGE;
    var rows = view.slice(start, start + PAGE);
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) {
      var f = r.f;
      var tr = node("tr", "finding st-" + f.status);
      tr.tabIndex = 0;
      tr.setAttribute("data-index", String(r.i));
      tr.setAttribute("aria-expanded", state.open[r.i] ? "true" : "false");
      var sevTd = cell(tr, "", "sev");
      sevTd.appendChild(badge(f.severity, "sev-" + f.severity));
      var stTd = cell(tr, "", "status");
      stTd.appendChild(badge(f.status, "st-" + f.status));
      if (f.suppression) stTd.appendChild(badge("suppressed", "supp"));
      if (f.baseline) stTd.appendChild(badge(f.baseline, "base-" + f.baseline));
      cell(tr, f.ruleId, "rule");
      var res = cell(tr, f.resourceName, "resource");
      res.title = f.resourceArn;
      cell(tr, r.svc, "service");
      cell(tr, f.account, "account");
      cell(tr, f.region, "region");
      cell(tr, f.message, "message");
      function toggle() {
        if (state.open[r.i]) delete state.open[r.i]; else state.open[r.i] = true;
        render(pages);
      }
      tr.addEventListener("click", toggle);
      tr.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
      frag.appendChild(tr);
      if (state.open[r.i]) frag.appendChild(details(f));
    });
    tbody.replaceChildren(frag);
    var total = all.length;
    el("count").textContent = view.length
      ? "Showing " + (start + 1) + "\u2013" + (start + rows.length) + " of " + view.length + (view.length !== total ? " (filtered from " + total + ")" : "")
      : "No findings match" + (total ? " (of " + total + ")" : "");
    el("page").textContent = "Page " + (state.page + 1) + " / " + pages;
    el("prev").disabled = state.page === 0;
    el("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      var k = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", k === state.sortKey ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  function section(parent, title) {
    var s = node("div", "dsec");
    s.appendChild(node("h4", null, title));
    parent.appendChild(s);
    return s;
  }
  function kv(parent, k, v) {
    var p = node("p");
    p.appendChild(node("strong", null, k + ": "));
    p.appendChild(document.createTextNode(String(v)));
    parent.appendChild(p);
  }

  function details(f) {
    var tr = node("tr", "details");
    var td = node("td");
    td.colSpan = 8;
    tr.appendChild(td);
    var rule = rules[f.ruleId];
    var m = section(td, f.title || f.ruleId);
    m.appendChild(node("p", "msg", f.message));
    kv(m, "Resource", f.resourceArn);
    kv(m, "Type", f.resourceType);
    if (f.baseline) kv(m, "Baseline", f.baseline);
    if (f.suppression) {
      var s = section(td, "Suppressed");
      kv(s, "Reason", f.suppression.reason);
      kv(s, "Expires", f.suppression.expires);
      if (f.suppression.owner) kv(s, "Owner", f.suppression.owner);
    }
    if (f.evidence && f.evidence.length) {
      var ev = section(td, "Evidence");
      var ul = node("ul");
      f.evidence.forEach(function (e) {
        var li = node("li");
        li.appendChild(node("code", null, e.path || "(resource)"));
        li.appendChild(document.createTextNode(" \u2014 expected " + e.expected));
        if (e.actual !== undefined) {
          li.appendChild(document.createTextNode(", found "));
          li.appendChild(node("code", null, JSON.stringify(e.actual)));
        }
        ul.appendChild(li);
      });
      ev.appendChild(ul);
    }
    if (f.probe !== undefined) {
      var pr = section(td, "Probe evidence");
      pr.appendChild(node("pre", null, JSON.stringify(f.probe, null, 2)));
    }
    if (rule) {
      if (rule.rationale) section(td, "Why it matters").appendChild(node("p", null, rule.rationale));
      var rem = section(td, "Remediation");
      rem.appendChild(node("p", null, rule.remediation.text));
      if (rule.remediation.console && rule.remediation.console.length) {
        var ol = node("ol");
        rule.remediation.console.forEach(function (c) { ol.appendChild(node("li", null, c)); });
        rem.appendChild(ol);
      }
      if (rule.remediation.cli) rem.appendChild(node("pre", null, rule.remediation.cli));
      if (rule.remediation.terraform) rem.appendChild(node("pre", null, rule.remediation.terraform));
      if (rule.compliance.length) {
        var cs = section(td, "Compliance");
        var cl = node("ul");
        rule.compliance.forEach(function (c) { cl.appendChild(node("li", null, c.framework + ": " + c.requirement)); });
        cs.appendChild(cl);
      }
      if (rule.references.length) {
        var rs = section(td, "References");
        var rl = node("ul");
        rule.references.forEach(function (u) {
          var li = node("li");
          // Only plain https links become anchors; anything else (javascript:, data:) stays text.
          if (/^https:\/\//i.test(u)) {
            var a = node("a", null, u);
            a.href = u; a.rel = "noopener noreferrer"; a.target = "_blank";
            li.appendChild(a);
          } else li.textContent = u;
          rl.appendChild(li);
        });
        rs.appendChild(rl);
      }
      kv(section(td, "Rule"), "File", rule.file);
    }
    return tr;
  }

  var timer = null;
  el("q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.page = 0; apply(); }, 120);
  });
  el("q").addEventListener("keydown", function (e) { if (e.key === "Enter") { clearTimeout(timer); state.page = 0; apply(); } });
  el("prev").addEventListener("click", function () { if (state.page > 0) { state.page--; render(Math.max(1, Math.ceil(view.length / PAGE))); } });
  el("next").addEventListener("click", function () { state.page++; apply(); });
  el("reset").addEventListener("click", function () {
    filters.forEach(function (k) { el("f-" + k).value = ""; });
    el("q").value = ""; state.page = 0; state.sortKey = "default"; state.dir = 1; apply();
  });
  document.querySelectorAll("th[data-sort]").forEach(function (th) {
    var btn = th.querySelector("button");
    btn.addEventListener("click", function () {
      var k = th.getAttribute("data-sort");
      if (state.sortKey === k) state.dir = -state.dir; else { state.sortKey = k; state.dir = 1; }
      state.page = 0;
      apply();
    });
  });

  apply();
  window.__tollgateReadyMs = performance.now() - t0;
  document.documentElement.setAttribute("data-ready", "true");
})();
`;
