/**
 * Browser script of report.html, inlined verbatim and allowed by its hash in the page's CSP. It is a plain string
 * (not a template with interpolations) so no data can ever reach it except through the escaped JSON block, and it
 * only writes data into the page with textContent and DOM APIs — never innerHTML. Views render lazily (a rule's
 * resources, a tree level, a finding's details only when opened) so 20,000+ findings stay responsive.
 */
import { CLIENT_DETAILS } from "./html-client-details.js";
import { CLIENT_VIEWS } from "./html-client-views.js";

/** The script's first part: data, filters and counts (the IIFE it opens is closed by CLIENT_VIEWS). */
const CLIENT_STATE = String.raw`
(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("tollgate-data").textContent);
  var SEV = ["critical", "high", "medium", "low", "info"];
  var STATUS_ORDER = { fail: 0, error: 1, skipped: 2, pass: 3 };
  var PAGE = 100, GROUP_PAGE = 50;
  var rules = {};
  data.rules.forEach(function (r) { rules[r.id] = r; });
  function liveOf(f) {
    if (f.resourceType === "aws.apigateway.probe") return "observed";
    var p = f.probe;
    if (p && typeof p === "object" && !Array.isArray(p)) {
      if (p.confirmed === true) return "confirmed";
      if (p.contradicted === true) return "contradicted";
    }
    return "";
  }
  var all = data.findings.map(function (f, i) {
    var parts = String(f.resourceType).split(".");
    var st = STATUS_ORDER[f.status];
    return { f: f, i: i, svc: parts[1] || f.resourceType, sev: SEV.indexOf(f.severity), st: st === undefined ? 4 : st,
      live: liveOf(f), hay: null };
  });
  var passing = all.filter(function (r) { return r.f.status === "pass"; }).length;
  var state = { sortKey: "default", dir: 1, page: 0, open: {}, view: "rule", rules: null, rulesLabel: "", openGroups: {}, openNodes: {} };
  var filters = ["severity", "status", "state", "service", "account", "region", "rule"];
  var el = function (id) { return document.getElementById(id); };
  var view = all;

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function badge(text, cls) { return node("span", "badge " + cls, text); }
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function plural(n, one, many) { return n.toLocaleString("en-US") + " " + (n === 1 ? one : (many || one + "s")); }

  // ---- Filters -------------------------------------------------------------------------------------------------
  // On a phone the selects fold away behind "Filters"; on a wider screen (where CSS hides that summary) they show.
  el("more-filters").open = !window.matchMedia("(max-width: 720px)").matches;
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
  fillSelect("status", ["fail", "error", "skipped", "pass"].filter(function (s) { return all.some(function (r) { return r.f.status === s; }); }));
  var states = ["active", "suppressed"];
  if (all.some(function (r) { return r.f.baseline; })) states.push("new", "unchanged");
  states.push("confirmed live");
  fillSelect("state", states);
  fillSelect("service", distinct(function (r) { return r.svc; }));
  fillSelect("account", distinct(function (r) { return r.f.account; }));
  fillSelect("region", distinct(function (r) { return r.f.region; }));
  fillSelect("rule", distinct(function (r) { return r.f.ruleId; }));
  el("show-pass-label").textContent = "Show passing (" + passing.toLocaleString("en-US") + ")";
  el("show-pass").addEventListener("change", function () { state.page = 0; apply(); });

  function hay(r) {
    if (r.hay === null) {
      var f = r.f;
      r.hay = [f.ruleId, f.title, f.resourceName, f.resourceArn, f.resourceType, f.account, f.region, f.message,
        f.status, f.severity, JSON.stringify(f.evidence), f.suppression ? f.suppression.reason : "",
        f.probe !== undefined ? JSON.stringify(f.probe) : ""].join("\n").toLowerCase();
    }
    return r.hay;
  }

  function matches(r, sel, terms, showPass) {
    var f = r.f;
    if (f.status === "pass" && !showPass && sel.status !== "pass") return false;
    if (state.rules && !state.rules[f.ruleId]) return false;
    if (sel.severity && f.severity !== sel.severity) return false;
    if (sel.service && r.svc !== sel.service) return false;
    if (sel.rule && f.ruleId !== sel.rule) return false;
    if (sel.account && f.account !== sel.account) return false;
    if (sel.region && f.region !== sel.region) return false;
    if (sel.status && f.status !== sel.status) return false;
    if (sel.state === "active" && f.suppression) return false;
    if (sel.state === "suppressed" && !f.suppression) return false;
    if ((sel.state === "new" || sel.state === "unchanged") && f.baseline !== sel.state) return false;
    if (sel.state === "confirmed live" && !(f.status === "fail" && (r.live === "observed" || r.live === "confirmed"))) return false;
    if (terms.length) {
      var h = hay(r);
      for (var k = 0; k < terms.length; k++) if (h.indexOf(terms[k]) < 0) return false;
    }
    return true;
  }

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
    var showPass = el("show-pass").checked;
    var terms = el("q").value.toLowerCase().split(/\s+/).filter(Boolean);
    view = all.filter(function (r) { return matches(r, sel, terms, showPass); });
    var key = KEYS[state.sortKey];
    var dir = state.dir;
    view.sort(key ? function (a, b) { return dir * key(a, b) || defaultCmp(a, b); } : defaultCmp);
    renderCount(showPass || sel.status === "pass");
    if (state.view === "rule") renderRules();
    else if (state.view === "resource") renderTree();
    else if (state.view === "table") renderTable();
  }

  function renderCount(passShown) {
    var c = el("count");
    c.replaceChildren();
    var hidden = passShown ? 0 : passing;
    var text = view.length
      ? "Showing " + plural(view.length, "finding") + (view.length !== all.length ? " of " + all.length.toLocaleString("en-US") : "")
      : "No findings match" + (all.length ? " (of " + all.length.toLocaleString("en-US") + ")" : "");
    if (hidden && !el("f-status").value) text += " · " + plural(hidden, "passing finding") + " hidden";
    c.appendChild(document.createTextNode(text));
    if (state.rules) {
      var chip = node("span", "chip", state.rulesLabel);
      var x = node("button", null, "\u00d7");
      x.type = "button"; x.setAttribute("aria-label", "Clear the control filter");
      x.addEventListener("click", function () { state.rules = null; apply(); });
      chip.appendChild(x);
      c.appendChild(chip);
    }
  }

  // ---- Finding details: evidence, readable probe evidence, remediation ----------------------------------------
  function section(parent, title) {
    var s = node("div", "dsec");
    s.appendChild(node("h4", null, title));
    parent.appendChild(s);
    return s;
  }
  function kvList(parent, pairs) {
    var dl = node("dl", "kv");
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === "") return;
      dl.appendChild(node("dt", null, p[0]));
      dl.appendChild(node("dd", null, p[1]));
    });
    parent.appendChild(dl);
    return dl;
  }
`;

/** The whole browser script: its three parts joined, byte for byte the text the CSP hash is computed over. */
export const HTML_CLIENT_SCRIPT = CLIENT_STATE + CLIENT_DETAILS + CLIENT_VIEWS;
