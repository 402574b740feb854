import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { ProbeCheck, ProbeStep } from "./types.js";

/** Per check: the derived outcome field, the outcomes that show the insecure behaviour, and the steps to cite. */
const CHECKS: Record<ProbeCheck, { field: string; insecure: string[]; steps: ProbeStep[]; configRule: RegExp | null }> = {
  auth: {
    field: "authOutcome",
    insecure: ["not-enforced"],
    steps: ["baseline", "unsigned", "signed"],
    configRule: /authori[sz]|\.auth|authentication|cognito|jwt/,
  },
  sigv4: { field: "sigv4Outcome", insecure: ["not-verified"], steps: ["signed", "badSignature", "staleDate"], configRule: null },
  apiKey: { field: "apiKeyOutcome", insecure: ["not-enforced"], steps: ["unsigned", "signed"], configRule: /api-?key/ },
  https: { field: "httpsOutcome", insecure: ["served"], steps: ["plainHttp"], configRule: /https|plain-http|insecure-transport/ },
  tls: {
    field: "tlsOutcome",
    insecure: ["legacy-accepted"],
    steps: ["tls10", "tls11", "tls12"],
    configRule: /tls|security-policy/,
  },
  cors: {
    field: "corsOutcome",
    insecure: ["reflects-with-credentials", "reflects"],
    steps: ["corsPreflight", "corsEvilOrigin", "corsNullOrigin"],
    configRule: /cors/,
  },
  waf: {
    field: "wafOutcome",
    insecure: ["not-blocked"],
    steps: ["unsigned", "signed", "wafSqli", "wafXss"],
    configRule: /waf|web-?acl/,
  },
  throttle: {
    field: "throttleOutcome",
    insecure: ["not-throttled"],
    steps: ["throttle"],
    configRule: /throttl|rate-limit|usage-plan/,
  },
};

/** The probe check a probe rule reads, from its id (`aws.apigateway.probe.<check words>`). */
export function checkOfProbeRule(ruleId: string): ProbeCheck | undefined {
  const tail = ruleId.split(".").pop() ?? "";
  if (tail.startsWith("auth")) return "auth";
  if (tail.startsWith("signature")) return "sigv4";
  if (tail.startsWith("api-key")) return "apiKey";
  if (tail.startsWith("https")) return "https";
  if (tail.includes("tls")) return "tls";
  if (tail.startsWith("cors")) return "cors";
  if (tail.startsWith("waf")) return "waf";
  if (tail.startsWith("throttl")) return "throttle";
  return undefined;
}

/** The probe check a configuration rule speaks about, from keywords in its id; undefined when none. */
export function checkOfConfigRule(ruleId: string): ProbeCheck | undefined {
  // Most specific first: "api-key" must not be taken for "auth", "waf" rules may mention "auth" less often.
  const order: ProbeCheck[] = ["apiKey", "waf", "cors", "throttle", "tls", "https", "auth"];
  return order.find((c) => CHECKS[c].configRule?.test(ruleId.toLowerCase()));
}

function configArns(r: Resource): string[] {
  const ce = r.derived["configExpectation"];
  if (!ce || typeof ce !== "object" || Array.isArray(ce)) return [];
  const arn = ce["resourceArn"];
  const related = ce["relatedArns"];
  return [
    ...(typeof arn === "string" ? [arn] : []),
    ...(Array.isArray(related) ? related.filter((a): a is string => typeof a === "string") : []),
  ];
}

/** The requests behind one check, as recorded (already redacted). */
function requestsFor(r: Resource, check: ProbeCheck): JsonValue[] {
  const steps = new Set<string>(CHECKS[check].steps);
  const xs = Array.isArray(r.raw["exchanges"]) ? r.raw["exchanges"] : [];
  const out: JsonValue[] = xs.filter((x) => x && typeof x === "object" && !Array.isArray(x) && steps.has(String(x["step"])));
  if (check === "throttle" && r.raw["throttle"] !== undefined) out.push({ step: "throttle", summary: r.raw["throttle"]! });
  return out;
}

/** What the configuration says about one check, so reports can put it beside what the probe saw. */
const CONFIGURED: Record<ProbeCheck, string[]> = {
  auth: ["auth"],
  sigv4: ["auth"],
  apiKey: ["apiKeyRequired"],
  https: ["httpsOnly"],
  tls: ["minTls"],
  cors: ["cors"],
  waf: ["wafSqliXss"],
  throttle: ["throttle"],
};

function configuredFor(r: Resource, check: ProbeCheck): JsonObject {
  const ce = r.derived["configExpectation"];
  if (!ce || typeof ce !== "object" || Array.isArray(ce)) return {};
  return Object.fromEntries(CONFIGURED[check].filter((k) => ce[k] !== undefined).map((k) => [k, ce[k]!]));
}

function outcomeOf(r: Resource, check: ProbeCheck): string | null {
  const v = r.derived[CHECKS[check].field];
  return typeof v === "string" && v !== "not-applicable" ? v : null;
}

function reasonOf(r: Resource, check: ProbeCheck): JsonValue {
  const reasons = r.derived["reasons"];
  return reasons && typeof reasons === "object" && !Array.isArray(reasons) ? (reasons[check] ?? null) : null;
}

/**
 * Joins live probe results with configuration findings. Pure: returns new findings.
 * - Each probe finding gets `probe` = the requests behind its verdict, what the configuration says about the
 *   check (`configured`), and the configuration findings about the same method/route/stage and topic, each
 *   marked `confirms` or `contradicts`.
 * - Each configuration finding with a matching, conclusive probe gets `probe` = { confirmed, contradicted,
 *   check, probes[] }: confirmed when the live behaviour agrees with its verdict (a failing "no WAF" finding
 *   whose marker passed), contradicted when it does not (a passing "authorizer attached" finding whose route
 *   served an unsigned request); a contradicting probe finding also cites the configuration finding as evidence.
 */
export function correlate(findings: Finding[], probeResources: Resource[]): Finding[] {
  const probesByArn = new Map(probeResources.map((r) => [r.arn, r]));
  const probesByConfigArn = new Map<string, Resource[]>();
  for (const r of probeResources)
    for (const a of configArns(r)) probesByConfigArn.set(a, [...(probesByConfigArn.get(a) ?? []), r]);
  const isProbe = (f: Finding) => probesByArn.has(f.resourceArn);

  return findings.map((f): Finding => {
    if (isProbe(f)) {
      const res = probesByArn.get(f.resourceArn)!;
      const check = checkOfProbeRule(f.ruleId);
      if (!check) return f;
      const outcome = outcomeOf(res, check);
      const insecure = outcome !== null && CHECKS[check].insecure.includes(outcome);
      const arns = new Set(configArns(res));
      const related = findings.filter(
        (g) =>
          !isProbe(g) &&
          arns.has(g.resourceArn) &&
          (g.status === "pass" || g.status === "fail") &&
          checkOfConfigRule(g.ruleId) === check,
      );
      const configFindings: JsonObject[] = related.map((g) => ({
        ruleId: g.ruleId,
        resourceArn: g.resourceArn,
        status: g.status,
        relation: outcome === null ? "inconclusive" : (g.status === "fail") === insecure ? "confirms" : "contradicts",
      }));
      const contradicted = configFindings.filter((c) => c["relation"] === "contradicts");
      const probe: JsonObject = {
        check,
        configured: configuredFor(res, check),
        outcome,
        reason: reasonOf(res, check),
        requests: requestsFor(res, check),
        configFindings,
      };
      return {
        ...f,
        probe,
        evidence: [
          ...f.evidence,
          ...contradicted.map((c) => ({
            path: "/derived/configExpectation",
            actual: `${String(c["ruleId"])} reported ${String(c["status"])} for ${String(c["resourceArn"])}`,
            expected: "the live behaviour to match the configuration",
          })),
        ],
      };
    }
    const check = checkOfConfigRule(f.ruleId);
    if (!check || (f.status !== "pass" && f.status !== "fail")) return f;
    const probes = (probesByConfigArn.get(f.resourceArn) ?? []).filter((r) => outcomeOf(r, check) !== null);
    if (!probes.length) return f;
    const insecure = probes.some((r) => CHECKS[check].insecure.includes(outcomeOf(r, check)!));
    const confirmed = (f.status === "fail") === insecure;
    const probe: JsonObject = {
      check,
      confirmed,
      contradicted: !confirmed,
      probes: probes.map((r) => ({
        probeArn: r.arn,
        endpoint: r.name,
        configured: configuredFor(r, check),
        outcome: outcomeOf(r, check),
        requests: requestsFor(r, check),
      })),
    };
    return { ...f, probe };
  });
}
