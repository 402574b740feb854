/**
 * Facts of live probe results (`aws.apigateway.probe`, src/probe): one resource per probed method or route and
 * stage, Lambda function URL or AppSync API, with each check's outcome and what its requests showed.
 */
import { f, resourceFacts } from "./define.js";

const outcome = <const V extends readonly string[]>(values: V, what: string) =>
  f.optional(f.nullable(f.enum(["not-applicable", ...values] as const), `${what}; null when inconclusive.`));
const observed = (d: string) => f.optional(f.nullable(f.boolean(d)));
const status = (d: string) => f.optional(f.nullable(f.integer(d)));

export const probeFacts = {
  "aws.apigateway.probe": resourceFacts(
    {
      target: f.json("The probe target: URL, method, path and what the configuration expects."),
      exchanges: f.array(f.json(), "The requests sent and the answers (redacted)."),
      throttle: f.optional(f.json("Summary of the throttling burst.")),
      skipped: f.record(f.string(), "Checks not run by design, with the reason."),
      notRun: f.optional(f.record(f.string(), "Checks that could not run (no credentials, budget spent), with the reason.")),
    },
    {
      probeKind: f.optional(
        f.enum(
          ["apigateway", "lambda-url", "appsync"],
          "What was probed: an API Gateway method/route, a Lambda function URL or an AppSync API.",
        ),
      ),
      routeKnown: f.nullable(f.boolean("The route answers differently from a nonexistent path; null when it cannot be told.")),
      authOutcome: outcome(["enforced", "not-enforced"], "Whether an unauthenticated request is refused"),
      sigv4Outcome: outcome(["verified", "not-verified"], "Whether corrupted and stale SigV4 signatures are refused"),
      apiKeyOutcome: outcome(["enforced", "not-enforced"], "Whether a request without x-api-key is refused"),
      httpsOutcome: outcome(["not-served", "redirects-to-https", "served"], "Whether plain HTTP is served"),
      tlsOutcome: outcome(["legacy-refused", "legacy-accepted"], "Whether TLS below the configured minimum is accepted"),
      corsOutcome: outcome(["no-reflection", "reflects", "reflects-with-credentials"], "Whether a foreign origin is reflected"),
      wafOutcome: outcome(["blocked", "not-blocked"], "Whether SQL-injection and XSS markers are blocked"),
      throttleOutcome: outcome(["throttled", "not-throttled"], "Whether a burst above the configured limit is throttled"),
      urlAuthOutcome: outcome(
        ["enforced", "not-enforced", "public", "refused"],
        "Whether a function URL refuses an unsigned request (AWS_IAM) or answers it (NONE: `public`)",
      ),
      urlCorsOutcome: outcome(
        ["no-reflection", "reflects", "reflects-with-credentials", "any-origin-with-credentials"],
        "Whether a function URL reflects a foreign origin or allows any origin with credentials",
      ),
      appsyncAuthOutcome: outcome(["enforced", "not-enforced"], "Whether an AppSync API refuses a query without credentials"),
      unsignedStatus: status("HTTP status of the unauthenticated request."),
      unsignedAllowed: observed(
        "The unauthenticated request got a 2xx (a function URL: the function answered). Also recorded for an endpoint without authorization, whose auth check is not applicable.",
      ),
      missingAuthTokenBaseline: observed("A nonexistent path answers API Gateway's Missing Authentication Token."),
      routeStatus: f.optional(f.string("`unknown` when the route answers like a nonexistent path.")),
      signedStatus: status("HTTP status of the scanner's own signed request."),
      signedAccepted: observed("The signed request was not refused for authentication."),
      badSignatureRejected: observed("A corrupted signature was refused."),
      staleDateRejected: observed("A stale X-Amz-Date was refused."),
      noApiKeyStatus: status("HTTP status of the request without x-api-key."),
      apiKeyEnforced: observed("The request without x-api-key was refused."),
      plainHttpStatus: status("HTTP status of the plain-HTTP request."),
      plainHttpServed: observed("Plain HTTP was served."),
      negotiatedTls: f.optional(
        f.nullable(f.object({ protocol: f.string(), cipher: f.string() }), "TLS protocol and cipher of the HTTPS request."),
      ),
      tlsLegacyAccepted: observed("A handshake below the configured minimum TLS was accepted."),
      legacyHandshakes: f.optional(f.record(f.nullable(f.string()), "Each legacy handshake's result (protocol, refused).")),
      corsReflectsEvilOrigin: observed("A foreign Origin was echoed in Access-Control-Allow-Origin."),
      corsAllowsNullOrigin: observed("Origin `null` was allowed."),
      corsAllowsCredentialsWithReflection: observed("A reflected origin came with Access-Control-Allow-Credentials: true."),
      corsAnyOriginWithCredentials: observed("A function URL answered Access-Control-Allow-Origin: * with credentials allowed."),
      unauthenticatedGraphqlStatus: status("HTTP status of the GraphQL query sent without credentials."),
      unauthenticatedGraphqlAllowed: observed("The GraphQL query without credentials got a 2xx."),
      corsReflectionConfigured: f.optional(f.boolean("The configuration allows `*` or the probe's foreign origin.")),
      wafBlocksMarker: observed("Both markers were blocked (403 unlike the control request)."),
      wafConfigured: f.optional(f.boolean("The configuration says the web ACL blocks both markers.")),
      throttleObserved: observed("A 429 came back during the burst."),
      observedThreshold: status("1-based index of the first 429."),
      throttleRequestsSent: f.optional(f.integer("Requests sent in the burst.")),
      reasons: f.record(f.string(), "Why each inconclusive or not-run check has no outcome, by check."),
      configExpectation: f.object(
        {
          source: f.enum(["inventory", "endpoints-file"], "Where the target came from."),
          resourceArn: f.nullable(f.string("The configuration resource (method, route) the probe speaks for.")),
          relatedArns: f.array(f.string(), "Other configuration resources it speaks for (stage, API, web ACL, domain)."),
          auth: f.string("Configured authorization type."),
          authProviders: f.optional(f.array(f.string(), "AppSync: every authentication type the API accepts.")),
          apiKeyRequired: f.optional(f.boolean("The method requires an API key.")),
          cors: f.optional(f.nullable(f.json("Configured CORS (allowOrigins, allowCredentials)."))),
          minTls: f.optional(f.string("Minimum TLS of the domain's security policy.")),
          wafSqliXss: f.optional(f.boolean("The stage's web ACL blocks SQL injection and XSS.")),
          throttle: f.optional(f.nullable(f.json("Effective rateLimit and burstLimit; null when unthrottled."))),
          httpsOnly: f.optional(f.boolean("Plain HTTP must not be served.")),
        },
        "What the configuration says the endpoint enforces.",
      ),
    },
  ),
};
