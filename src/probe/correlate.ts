import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { ProbeCheck, ProbeStep } from "./types.js";

/** Per check: the derived outcome field, the outcomes that show the insecure behaviour, and the steps to cite. */
const CHECKS: Record<ProbeCheck, { field: string; insecure: string[]; steps: ProbeStep[] }> = {
  auth: { field: "authOutcome", insecure: ["not-enforced"], steps: ["baseline", "unsigned", "signed"] },
  sigv4: { field: "sigv4Outcome", insecure: ["not-verified"], steps: ["signed", "badSignature", "staleDate"] },
  apiKey: { field: "apiKeyOutcome", insecure: ["not-enforced"], steps: ["unsigned", "signed"] },
  https: { field: "httpsOutcome", insecure: ["served"], steps: ["plainHttp"] },
  tls: { field: "tlsOutcome", insecure: ["legacy-accepted"], steps: ["tls10", "tls11", "tls12"] },
  cors: {
    field: "corsOutcome",
    insecure: ["reflects-with-credentials", "reflects"],
    steps: ["corsPreflight", "corsEvilOrigin", "corsNullOrigin"],
  },
  waf: { field: "wafOutcome", insecure: ["not-blocked"], steps: ["unsigned", "signed", "wafSqli", "wafXss"] },
  throttle: { field: "throttleOutcome", insecure: ["not-throttled"], steps: ["throttle"] },
  // A NONE function URL that answered confirms a configuration finding about a public URL, as an IAM URL serving
  // an unsigned request contradicts a passing one.
  urlAuth: { field: "urlAuthOutcome", insecure: ["not-enforced", "public"], steps: ["unsigned"] },
  urlCors: {
    field: "urlCorsOutcome",
    insecure: ["reflects-with-credentials", "any-origin-with-credentials"],
    steps: ["corsPreflight", "corsEvilOrigin"],
  },
  appsyncAuth: { field: "appsyncAuthOutcome", insecure: ["not-enforced"], steps: ["graphqlUnauthenticated"] },
};

/** The `/derived` fact holding a check's outcome: a probe rule declaring the check must read it. */
export function outcomeFact(check: ProbeCheck): string {
  return `/derived/${CHECKS[check].field}`;
}

/** Rule id → the probe check it declares (`probeCheck` in the rule file): judged by a probe rule, confirmed or contradicted for a configuration rule. */
export type ProbeLinks = ReadonlyMap<string, ProbeCheck>;

/** The probe links the rules declare. */
export function probeLinks(rules: readonly { id: string; probeCheck?: ProbeCheck | undefined }[]): ProbeLinks {
  return new Map(rules.flatMap((r) => (r.probeCheck ? [[r.id, r.probeCheck] as const] : [])));
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
  urlAuth: ["auth"],
  urlCors: ["cors"],
  appsyncAuth: ["auth", "authProviders"],
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

const judged = (f: Finding) => f.status === "pass" || f.status === "fail";
const insecureOutcome = (check: ProbeCheck, outcome: string | null) =>
  outcome !== null && CHECKS[check].insecure.includes(outcome);

/** The probe resources and links correlate() works with. */
interface Correlation {
  findings: readonly Finding[];
  links: ProbeLinks;
  probesByArn: ReadonlyMap<string, Resource>;
  probesByConfigArn: ReadonlyMap<string, Resource[]>;
}

/** A probe finding with the requests behind it and the configuration findings its outcome confirms or contradicts. */
function withConfigFindings(f: Finding, res: Resource, check: ProbeCheck, c: Correlation): Finding {
  const outcome = outcomeOf(res, check);
  const insecure = insecureOutcome(check, outcome);
  const arns = new Set(configArns(res));
  const related = c.findings.filter(
    (g) => !c.probesByArn.has(g.resourceArn) && arns.has(g.resourceArn) && judged(g) && c.links.get(g.ruleId) === check,
  );
  const configFindings: JsonObject[] = related.map((g) => ({
    ruleId: g.ruleId,
    resourceArn: g.resourceArn,
    status: g.status,
    relation: outcome === null ? "inconclusive" : (g.status === "fail") === insecure ? "confirms" : "contradicts",
  }));
  const contradicted = configFindings.filter((x) => x["relation"] === "contradicts");
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
      ...contradicted.map((x) => ({
        path: "/derived/configExpectation",
        actual: `${String(x["ruleId"])} reported ${String(x["status"])} for ${String(x["resourceArn"])}`,
        expected: "the live behaviour to match the configuration",
      })),
    ],
  };
}

/** A configuration finding with the conclusive probes of its resource: confirmed or contradicted by them. */
function withProbes(f: Finding, check: ProbeCheck, c: Correlation): Finding {
  const probes = (c.probesByConfigArn.get(f.resourceArn) ?? []).filter((r) => outcomeOf(r, check) !== null);
  if (!probes.length) return f;
  const insecure = probes.some((r) => insecureOutcome(check, outcomeOf(r, check)));
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
}

/**
 * Joins live probe results with configuration findings, through the probe check each rule declares (`links`,
 * from the rules' `probeCheck`). Pure: returns new findings.
 * - Each probe finding gets `probe` = the requests behind its verdict, what the configuration says about the
 *   check (`configured`), and the configuration findings about the same method/route/stage and check, each
 *   marked `confirms` or `contradicts`.
 * - Each configuration finding with a matching, conclusive probe gets `probe` = { confirmed, contradicted,
 *   check, probes[] }: confirmed when the live behaviour agrees with its verdict (a failing "no WAF" finding
 *   whose marker passed), contradicted when it does not (a passing "authorizer attached" finding whose route
 *   served an unsigned request); a contradicting probe finding also cites the configuration finding as evidence.
 */
export function correlate(findings: Finding[], probeResources: Resource[], links: ProbeLinks): Finding[] {
  const probesByConfigArn = new Map<string, Resource[]>();
  for (const r of probeResources)
    for (const a of configArns(r)) probesByConfigArn.set(a, [...(probesByConfigArn.get(a) ?? []), r]);
  const c: Correlation = { findings, links, probesByArn: new Map(probeResources.map((r) => [r.arn, r])), probesByConfigArn };
  return findings.map((f): Finding => {
    const check = links.get(f.ruleId);
    if (!check) return f;
    const res = c.probesByArn.get(f.resourceArn);
    if (res) return withConfigFindings(f, res, check, c);
    return judged(f) ? withProbes(f, check, c) : f;
  });
}
