/**
 * Browser script of report.html, inlined verbatim and allowed by its hash in the page's CSP. It is a plain string
 * (not a template with interpolations) so no data can ever reach it except through the escaped JSON block, and it
 * only writes data into the page with textContent and DOM APIs — never innerHTML. Views render lazily (a rule's
 * resources, a tree level, a finding's details only when opened) so 20,000+ findings stay responsive.
 */
export const HTML_CLIENT_SCRIPT = String.raw`
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
  function show(v) { return typeof v === "string" ? v : JSON.stringify(v); }

  var STEP = {
    baseline: "to a path that does not exist (baseline)", unsigned: "without credentials", signed: "signed with SigV4",
    badSignature: "with a corrupted SigV4 signature", staleDate: "signed with a stale date", noApiKey: "without an API key",
    plainHttp: "over plain http://", tls10: "with a TLS 1.0 handshake", tls11: "with a TLS 1.1 handshake",
    tls12: "with a TLS 1.2 handshake", corsPreflight: "CORS preflight from a foreign origin",
    corsEvilOrigin: "from a foreign Origin", corsNullOrigin: "with Origin: null", wafSqli: "with an SQL-injection marker",
    wafXss: "with a cross-site-scripting marker", throttle: "burst"
  };
  var DECISIVE = { auth: ["unsigned"], sigv4: ["badSignature", "staleDate"], apiKey: ["unsigned", "noApiKey", "signed"],
    https: ["plainHttp"], tls: ["tls10", "tls11"], cors: ["corsEvilOrigin", "corsNullOrigin", "corsPreflight"],
    waf: ["wafSqli", "wafXss"], throttle: ["throttle"] };
  var SHOWN_HEADERS = ["origin", "access-control-request-method", "access-control-request-headers", "x-api-key",
    "authorization", "x-amz-date", "access-control-allow-origin", "access-control-allow-credentials",
    "access-control-allow-methods", "x-amzn-errortype", "www-authenticate", "location", "retry-after",
    "strict-transport-security"];

  function configuredText(c) {
    if (!c || typeof c !== "object") return "";
    var out = [];
    if (c.auth !== undefined) out.push(c.auth === "NONE" ? "authorization NONE (open to anyone)" : "authorization " + c.auth);
    if (c.apiKeyRequired !== undefined) out.push(c.apiKeyRequired ? "API key required" : "no API key required");
    if (c.httpsOnly !== undefined) out.push(c.httpsOnly ? "HTTPS only" : "plain HTTP allowed");
    if (c.minTls !== undefined) out.push("minimum " + String(c.minTls).replace(/_/g, " ").replace(/ (\d) (\d)$/, " $1.$2"));
    if (c.cors !== undefined) {
      out.push(c.cors ? "CORS origins " + (c.cors.allowOrigins || []).join(", ") + (c.cors.allowCredentials ? " with credentials" : "") : "no CORS configured");
    }
    if (c.wafSqliXss !== undefined) out.push(c.wafSqliXss ? "web ACL with SQL-injection and XSS rules" : "no web ACL rules against SQL injection or XSS");
    if (c.throttle !== undefined) out.push(c.throttle ? "throttled at " + c.throttle.rateLimit + " requests/s, burst " + c.throttle.burstLimit : "no throttling");
    return out.join("; ");
  }
  function exchangeSummary(x) {
    if (!x || !x.request) {
      if (x && x.summary) return "burst of " + x.summary.sent + " requests: " + JSON.stringify(x.summary.statuses) +
        (x.summary.firstThrottledAt ? ", first 429 at request " + x.summary.firstThrottledAt : ", never throttled");
      return "";
    }
    var head = x.request.method + " " + (STEP[x.step] || x.step);
    if (x.response) return head + " \u2192 HTTP " + x.response.status + (x.response.message ? " \u201c" + x.response.message + "\u201d" : "");
    if (x.error) return head + " \u2192 " + x.error.kind + (x.error.code ? " (" + x.error.code + ")" : "");
    return head;
  }
  function observedText(check, outcome, requests, reason) {
    var words = outcome ? String(outcome).replace(/-/g, " ") : "not concluded";
    var steps = DECISIVE[check] || [];
    var decisive = null;
    for (var k = 0; k < steps.length && !decisive; k++) {
      for (var j = 0; j < (requests || []).length; j++) if (requests[j] && requests[j].step === steps[k]) { decisive = requests[j]; break; }
    }
    var s = words + (decisive ? ": " + exchangeSummary(decisive) : "");
    return reason ? s + " (" + reason + ")" : s;
  }
  function headerLines(parent, headers) {
    if (!headers) return;
    var keys = Object.keys(headers).filter(function (h) { return SHOWN_HEADERS.indexOf(h.toLowerCase()) >= 0 || /^access-control-/i.test(h); });
    if (!keys.length) return;
    parent.appendChild(node("div", "hdrs", keys.sort().map(function (h) { return h + ": " + headers[h]; }).join("\n")));
  }
  function exchange(parent, x) {
    var box = node("div", "xchg");
    if (x.request) {
      box.appendChild(node("div", "line", "\u2192 " + x.request.method + " " + x.request.url + "   (" + (STEP[x.step] || x.step) + ")"));
      headerLines(box, x.request.headers);
    } else if (x.summary) box.appendChild(node("div", "line", exchangeSummary(x)));
    if (x.response) {
      var l = node("div", "line", "\u2190 ");
      l.appendChild(node("span", "st", "HTTP " + x.response.status));
      if (x.response.message) l.appendChild(document.createTextNode(" " + x.response.message));
      box.appendChild(l);
      headerLines(box, x.response.headers);
      if (x.response.bodyExcerpt) box.appendChild(node("pre", null, x.response.bodyExcerpt));
    }
    if (x.error) box.appendChild(node("div", "line", "\u2190 no response: " + x.error.kind + (x.error.code ? " " + x.error.code : "") + ": " + x.error.message));
    if (x.tls) box.appendChild(node("div", "hdrs", "TLS: " + x.tls.protocol + " " + x.tls.cipher));
    parent.appendChild(box);
  }
  function compare(parent, configured, observed) {
    var g = node("div", "cmp");
    var a = node("div"); a.appendChild(node("h5", null, "Configured")); a.appendChild(node("p", null, configured || "\u2014"));
    var b = node("div"); b.appendChild(node("h5", null, "Observed live")); b.appendChild(node("p", null, observed));
    g.appendChild(a); g.appendChild(b);
    parent.appendChild(g);
  }
  function probeEvidence(parent, f) {
    var p = f.probe;
    if (p === undefined || p === null || typeof p !== "object" || Array.isArray(p)) {
      if (p !== undefined) section(parent, "Probe evidence").appendChild(node("pre", null, JSON.stringify(p, null, 2)));
      return;
    }
    if (Array.isArray(p.requests)) {
      var s = section(parent, "Probe: configured beside observed");
      compare(s, configuredText(p.configured), observedText(p.check, p.outcome, p.requests, p.reason));
      (p.configFindings || []).forEach(function (c) {
        s.appendChild(node("p", null, c.ruleId + " reported " + c.status + " for this endpoint's configuration: the probe " +
          (c.relation === "confirms" ? "confirms it" : c.relation === "contradicts" ? "contradicts it" : "was inconclusive")));
      });
      if (p.requests.length) {
        var d = node("details");
        d.appendChild(node("summary", null, plural(p.requests.length, "request") + " sent"));
        p.requests.forEach(function (x) { exchange(d, x); });
        s.appendChild(d);
      }
      return;
    }
    if (Array.isArray(p.probes)) {
      var t = section(parent, p.confirmed ? "Live probes confirmed this" : p.contradicted ? "Live probes contradicted this" : "Live probes");
      var own = (f.evidence || []).map(function (e) { return (e.path ? e.path + " = " : "") + show(e.actual); }).join("; ");
      p.probes.forEach(function (pr) {
        t.appendChild(node("p", null, pr.endpoint));
        compare(t, configuredText(pr.configured) || own || "this check " + f.status + "ed", observedText(p.check, pr.outcome, pr.requests, null));
        if (pr.requests && pr.requests.length) {
          var d = node("details");
          d.appendChild(node("summary", null, plural(pr.requests.length, "request") + " sent"));
          pr.requests.forEach(function (x) { exchange(d, x); });
          t.appendChild(d);
        }
      });
      return;
    }
    section(parent, "Probe evidence").appendChild(node("pre", null, JSON.stringify(p, null, 2)));
  }
  function remediation(parent, rule) {
    if (!rule) return;
    if (rule.rationale) section(parent, "Why it matters").appendChild(node("p", null, rule.rationale));
    var rem = section(parent, "How to fix");
    rem.appendChild(node("p", null, rule.remediation.text));
    if (rule.remediation.console && rule.remediation.console.length) {
      var ol = node("ol");
      rule.remediation.console.forEach(function (c) { ol.appendChild(node("li", null, c)); });
      rem.appendChild(ol);
    }
    if (rule.remediation.cli) rem.appendChild(node("pre", null, rule.remediation.cli));
    if (rule.remediation.terraform) rem.appendChild(node("pre", null, rule.remediation.terraform));
    if (rule.compliance.length) {
      var cl = node("ul");
      rule.compliance.forEach(function (c) { cl.appendChild(node("li", null, c.framework + ": " + c.requirement)); });
      section(parent, "Compliance").appendChild(cl);
    }
    if (rule.references.length) {
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
      section(parent, "References").appendChild(rl);
    }
    kvList(section(parent, "Rule"), [["Id", rule.id], ["File", rule.file]]);
  }
  function details(parent, f, withRule) {
    var m = section(parent, f.title || f.ruleId);
    m.appendChild(node("p", "msg", f.message));
    kvList(m, [["Resource", f.resourceArn], ["Type", f.resourceType], ["Account", f.account], ["Region", f.region],
      ["Rule", withRule ? null : f.ruleId], ["Baseline", f.baseline]]);
    if (f.suppression) {
      kvList(section(parent, "Suppressed"), [["Reason", f.suppression.reason], ["Expires", f.suppression.expires], ["Owner", f.suppression.owner]]);
    }
    if (f.evidence && f.evidence.length) {
      var ev = section(parent, f.status === "error" ? "Why it could not be judged" : f.status === "pass" ? "Evidence" : "What was found");
      var ul = node("ul");
      f.evidence.forEach(function (e) {
        var li = node("li");
        li.appendChild(node("code", null, e.path || "(resource)"));
        if (e.actual !== undefined) {
          li.appendChild(document.createTextNode(" = "));
          li.appendChild(node("code", null, show(e.actual)));
        }
        li.appendChild(document.createTextNode(" \u2014 expected " + e.expected));
        ul.appendChild(li);
      });
      ev.appendChild(ul);
    }
    probeEvidence(parent, f);
    if (withRule) remediation(parent, rules[f.ruleId]);
  }

  function findingBadges(parent, r, withSeverity) {
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
