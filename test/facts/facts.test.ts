// The fact definitions (src/facts) are the one source of truth: the checked-in JSON Schema and docs/facts.md are
// generated from them, and what the collectors and enrichers really produce conforms to them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { RESOURCE_TYPE_SOURCES } from "../../src/engine/resource-types.js";
import { builtInRuleDirs, loadRuleSet } from "../../src/engine/rules.js";
import type { FactNode } from "../../src/facts/define.js";
import { factEntries, factsDoc, sourcesOf } from "../../src/facts/docs.js";
import { FACTS, factsJsonSchema } from "../../src/facts/index.js";
import { RESOURCE_TYPES, type ResourceType } from "../../src/model/inventory.js";
import { pointerKeys } from "../../src/util/json.js";
import { factsSchema } from "../../src/engine/facts-schema.js";
import { missingFact } from "../../src/facts/paths.js";

const schema = factsSchema();
import type { Inventory } from "../../src/model/inventory.js";
import { newAjv } from "../../src/util/ajv.js";
import { packageRoot } from "../../src/util/paths.js";
import { account, scanOptions, sim } from "../helpers/sim.js";

const root = packageRoot();
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("facts schema", () => {
  it("schemas/facts.schema.json is generated from src/facts (npm run schemas)", () => {
    expect(JSON.parse(read("schemas/facts.schema.json"))).toEqual(factsJsonSchema());
  });

  it("knows each type's locations, through nullable facts, arrays, maps and SDK shapes", () => {
    expect(missingFact("aws.apigateway.method", ["raw", "method", "authorizationType"], schema)).toBeUndefined();
    expect(missingFact("aws.apigateway.stage", ["raw", "stage", "methodSettings", "*", "loggingLevel"], schema)).toBeUndefined();
    expect(missingFact("aws.apigateway.stage", ["derived", "throttling", "methods", "*", "rateSource"], schema)).toBeUndefined();
    expect(missingFact("aws.iam.role", ["derived", "trustPolicy", "Statement", "0", "Principal"], schema)).toBeUndefined();
    expect(missingFact("aws.apigateway.method", ["raw", "method", "authorisationType"], schema)).toEqual([
      "raw",
      "method",
      "authorisationType",
    ]);
    expect(missingFact("aws.apigateway.method", ["derived", "webAcl", "arn"], schema)).toEqual(["derived", "webAcl"]);
    expect(missingFact("aws.apigateway.method", ["derived", "methodKey", "x"], schema)).toEqual(["derived", "methodKey", "x"]);
  });
});

describe("docs/facts.md and the lineage", () => {
  it("docs/facts.md is generated from the definitions (npm run docs:facts)", () => {
    expect(read("docs/facts.md")).toBe(factsDoc());
  });

  it("every fact says what it means and where it comes from", () => {
    for (const type of RESOURCE_TYPES) {
      // Probe results are made by the probe run, one per probed endpoint: like a listing.
      const listed = Object.keys(RESOURCE_TYPE_SOURCES[type].listedBy).length > 0 || type === "aws.apigateway.probe";
      for (const part of ["raw", "derived"] as const) {
        for (const e of factEntries(FACTS[type][part] as Record<string, FactNode>, `/${part}`)) {
          // Top-level facts carry a description; members of SDK shapes are documented by AWS.
          if (e.pointer.split("/").length === 3) expect(e.description, `${type} ${e.pointer}`).not.toBe("");
          // A fact of a type nobody lists (one per account and region) comes from some call of its own.
          if (!listed) expect(sourcesOf(type, e.pointer), `${type} ${e.pointer}`).not.toEqual([]);
        }
      }
    }
  });

  it("every location the lineage names is a fact of its type", () => {
    for (const type of RESOURCE_TYPES)
      for (const [op, feed] of Object.entries(RESOURCE_TYPE_SOURCES[type].feeds))
        for (const p of feed.paths) expect(missingFact(type, pointerKeys(p), schema), `${type} ${op} ${p}`).toBeUndefined();
  });
});

describe("rule fixtures", () => {
  it("hold only locations their rule's resource type has (a fixture cannot pass a rule on an invented fact)", () => {
    const typeOf = new Map(loadRuleSet(builtInRuleDirs()).rules.map((r) => [r.id, r.resourceType]));
    const dir = join(root, "fixtures", "rules");
    const invented = new Set<string>();
    const walk = (type: ResourceType, v: unknown, keys: string[], rule: string): void => {
      const missing = missingFact(type, keys, schema);
      if (missing) invented.add(`${rule}: /${missing.join("/")}`);
      else if (v !== null && typeof v === "object")
        for (const [k, x] of Object.entries(v)) walk(type, x, [...keys, Array.isArray(v) ? "0" : k], rule);
    };
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const fixture = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
        rule: string;
        cases: { resource: Record<string, unknown> }[];
      };
      const type = typeOf.get(fixture.rule);
      if (!type) continue;
      for (const c of fixture.cases)
        for (const part of ["raw", "derived"])
          if (c.resource[part] !== undefined) walk(type, c.resource[part], [part], fixture.rule);
    }
    expect([...invented]).toEqual([]);
  });
});

describe("what a scan produces conforms to the definitions", () => {
  let s: Simulator;
  let inventory: Inventory;
  beforeAll(async () => {
    const demo = account("demo");
    s = await sim([demo]);
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    inventory = await scan(scanOptions(demo));
  }, 120_000);
  afterAll(async () => {
    delete process.env["AWS_ENDPOINT_URL"];
    await s?.close();
  });

  it("every resource of the demo account validates against its type's schema (no undeclared raw or derived member)", () => {
    const ajv = newAjv({ allErrors: true, strict: false });
    ajv.addSchema(factsJsonSchema());
    const problems = new Set<string>();
    const types = new Set<string>();
    for (const r of inventory.resources) {
      types.add(r.type);
      const validate = ajv.getSchema(`https://tollgate.dev/schemas/facts.json#/$defs/${r.type}`)!;
      if (!validate(r))
        for (const e of validate.errors ?? [])
          problems.add(`${r.type} ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    }
    expect([...problems]).toEqual([]);
    // The demo account has every collected type, so every definition was exercised.
    expect(types.size).toBeGreaterThanOrEqual(20);
  });
});
