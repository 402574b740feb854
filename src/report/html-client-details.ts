/** report.html's browser script, second part: a finding's details, probe evidence and remediation (see html-client.ts). */
export const CLIENT_DETAILS = String.raw`  function show(v) { return typeof v === "string" ? v : JSON.stringify(v); }

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

`;
