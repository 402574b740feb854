import { DURATION_HINT } from "../util/duration.js";

// The config file format, as data. The loader validates with this object; schemas/config.schema.json is
// generated from it (`npm run schemas`) for editors, and a test fails when the two drift apart.

const POS_INT = { type: "integer", minimum: 1 } as const;

/**
 * JSON Schema of the scan settings: the config file's `scan` section, and the scan flags (`--regions`, `--role-name`,
 * `--external-id`, …), which src/config/scan-settings.ts validates with this same schema. `errorMessage` gives the
 * words for a value that does not match a pattern (ajv's own would quote the regular expression).
 */
export const SCAN_SETTINGS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description: "What and how to scan.",
  properties: {
    regions: {
      type: "array",
      items: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d+$", errorMessage: "must be a region name such as eu-west-1" },
      uniqueItems: true,
      description: "Regions to scan (default: each account's enabled regions).",
    },
    accounts: {
      type: "array",
      items: { type: "string", pattern: "^\\d{12}$", errorMessage: "must be a 12-digit account id" },
      uniqueItems: true,
      description: "Accounts to scan by assuming roleName in each.",
    },
    roleName: {
      type: "string",
      pattern: "^[\\w+=,.@-]{1,64}$",
      errorMessage: "must be an IAM role name (1-64 of letters, digits, + = , . @ _ -)",
      description: "Role assumed in each scanned account other than the caller's own.",
    },
    externalId: {
      type: "string",
      pattern: "^[\\w+=,.@:/-]{2,1224}$",
      errorMessage: "must be 2-1224 of letters, digits, + = , . @ : / -",
      description: "sts:ExternalId passed when assuming roleName.",
    },
    org: { type: "boolean", description: "Scan every ACTIVE account of the organisation." },
    maxAttempts: { ...POS_INT, description: "Attempts per AWS call, retries included (default 8)." },
    maxDuration: {
      type: "string",
      pattern: "^(\\d+h)?(\\d+m)?(\\d+s)?$",
      minLength: 2,
      errorMessage: `must be ${DURATION_HINT}`,
      description: "Bound for collection and probing, e.g. 30m, 90s, 1h30m; when reached the scan stops, saves and exits 3.",
    },
    connectTimeoutMs: { ...POS_INT, description: "Milliseconds to establish a connection to AWS (default 10000)." },
    requestTimeoutMs: {
      ...POS_INT,
      description: "Milliseconds one attempt of an AWS call may take, up to the answer's last byte (default 60000).",
    },
    concurrency: {
      type: "object",
      additionalProperties: false,
      properties: {
        global: POS_INT,
        perService: {
          type: "object",
          propertyNames: { pattern: "^[a-z0-9-]+$" },
          additionalProperties: POS_INT,
        },
      },
    },
    rateLimits: {
      type: "object",
      description: 'Per service ("apigateway") or per operation ("apigateway:GetRestApis"): tokens per second and burst.',
      propertyNames: { pattern: "^[a-z0-9-]+(:[A-Za-z0-9]+)?$" },
      additionalProperties: {
        type: "object",
        required: ["rps", "burst"],
        additionalProperties: false,
        properties: { rps: { type: "number", exclusiveMinimum: 0 }, burst: POS_INT },
      },
    },
  },
} as const;

/** JSON Schema of `tollgate.config.yaml` / `.json`. */
export const CONFIG_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://tollgate.dev/schemas/config.json",
  title: "Tollgate configuration",
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    profile: {
      type: "string",
      minLength: 1,
      description: "Rule profile: a built-in name (default, strict) or a path to a profile JSON file.",
    },
    suppressions: {
      type: "array",
      description: "Accepted failing findings. They stay in every report, marked, and do not count toward the exit code.",
      items: {
        type: "object",
        required: ["rule", "reason", "expires"],
        additionalProperties: false,
        properties: {
          rule: { type: "string", minLength: 1, description: "Rule id or alias, or a glob over ids (* and ?)." },
          resource: { type: "string", minLength: 1, description: "Resource ARN or a glob over ARNs (default: every resource)." },
          account: { type: "string", minLength: 1, description: "Account id or glob (default: every account)." },
          region: { type: "string", minLength: 1, description: "Region or glob, `global` for IAM (default: every region)." },
          reason: { type: "string", minLength: 1, description: "Why the finding is accepted." },
          expires: {
            type: "string",
            format: "date",
            description: "Last day (UTC, YYYY-MM-DD) the suppression applies; after it the finding counts again.",
          },
          owner: { type: "string", minLength: 1, description: "Who owns the decision." },
        },
      },
    },
    filters: {
      type: "object",
      additionalProperties: false,
      description:
        "Which services and rules a run covers (the --services, --rules, --exclude-rules, --severity and --framework flags win key by key).",
      properties: {
        services: {
          type: "array",
          items: { type: "string", minLength: 1 },
          uniqueItems: true,
          description: "Services to collect and evaluate, by collector name (as `tollgate scan --help` lists under --services).",
        },
        rules: {
          type: "array",
          items: { type: "string", minLength: 1 },
          description: "Rule ids, aliases or globs (* and ?) to evaluate.",
        },
        excludeRules: {
          type: "array",
          items: { type: "string", minLength: 1 },
          description: "Rule ids, aliases or globs not to evaluate.",
        },
        severity: {
          enum: ["critical", "high", "medium", "low", "info", "informational"],
          description: "Minimum effective severity of the rules evaluated.",
        },
        framework: {
          type: "string",
          minLength: 1,
          description: "Only the rules mapped to this framework: aws-fsbp, cis-aws-3.0, cis-aws-5.0, owasp-api-2023.",
        },
      },
    },
    scan: SCAN_SETTINGS_SCHEMA,
  },
} as const;
