import { describe, expect, it } from "vitest";
import { enrichAppSync } from "../../src/enrich/appsync.js";
import type { Resource, ResourceType } from "../../src/model/inventory.js";
import type { JsonObject, JsonValue } from "../../src/model/json.js";

const ACCOUNT = "111122223333";
const NOW = new Date("2026-06-01T00:00:00Z");
const API = `arn:aws:appsync:us-east-1:${ACCOUNT}:apis/a1`;
const ACL = `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/w/1`;
const epoch = (days: number) => Math.floor(NOW.getTime() / 1000) + days * 86_400;

const res = (type: ResourceType, arn: string, raw: Record<string, JsonValue>): Resource => ({
  type,
  arn,
  account: ACCOUNT,
  region: "us-east-1",
  name: arn,
  raw,
  derived: {},
});
const api = (graphqlApi: JsonObject, apiKeys?: JsonValue[]) =>
  res("aws.appsync.graphqlapi", API, { graphqlApi: { apiId: "a1", arn: API, ...graphqlApi }, ...(apiKeys ? { apiKeys } : {}) });
const acl = (appSyncResourceArns?: string[]) =>
  res("aws.wafv2.webacl", ACL, { summary: { Name: "w" }, ...(appSyncResourceArns ? { appSyncResourceArns } : {}) });
const facts = (r: Resource, all: Resource[] = [r], services?: string[]) =>
  enrichAppSync(all, { now: NOW, ...(services ? { services } : {}) });

describe("AppSync facts", () => {
  it("authentication types: the default first, then the additional ones, deduplicated", () => {
    const r = api({
      authenticationType: "API_KEY",
      additionalAuthenticationProviders: [{ authenticationType: "AWS_IAM" }, { authenticationType: "API_KEY" }],
    });
    expect(facts(r).derived.get(r)?.["authenticationTypes"]).toEqual(["API_KEY", "AWS_IAM"]);
  });

  it("key validity in days from the collection clock (expires is epoch seconds); expired keys go negative", () => {
    const r = api({ authenticationType: "API_KEY" }, [
      { description: "web", expires: epoch(300), deletes: epoch(360) },
      { expires: epoch(-2), deletes: epoch(58) },
    ]);
    expect(facts(r).derived.get(r)?.["keyValidity"]).toEqual([
      { description: "web", expires: new Date(epoch(300) * 1000).toISOString(), validDays: 300 },
      { description: null, expires: new Date(epoch(-2) * 1000).toISOString(), validDays: -2 },
    ]);
  });

  it("keys unknown (null) when an API accepting keys had them not listed; none for an API without API_KEY", () => {
    const keyed = api({ authenticationType: "AWS_IAM", additionalAuthenticationProviders: [{ authenticationType: "API_KEY" }] });
    expect(facts(keyed).derived.get(keyed)?.["keyValidity"]).toBeNull();
    const iam = api({ authenticationType: "AWS_IAM" });
    expect(facts(iam).derived.get(iam)?.["keyValidity"]).toEqual([]);
  });

  it("web ACL from the API or from WAF's APPSYNC listing; not associated when neither names one", () => {
    const named = api({ authenticationType: "AWS_IAM", wafWebAclArn: ACL });
    expect(facts(named, [named, acl([])]).derived.get(named)).toMatchObject({
      webAcl: { arn: ACL, reportedByApi: true, reportedByWaf: false, wafListingCollected: true },
      wafAssociated: true,
    });
    const listed = api({ authenticationType: "AWS_IAM" });
    expect(facts(listed, [listed, acl([API])]).derived.get(listed)).toMatchObject({
      webAcl: { arn: ACL, reportedByApi: false, reportedByWaf: true },
      wafAssociated: true,
    });
    const none = api({ authenticationType: "AWS_IAM" });
    expect(facts(none, [none, acl([])]).derived.get(none)?.["wafAssociated"]).toBe(false);
    // The listing failed: wafListingCollected says so (the lineage makes the rule report error).
    expect(facts(none, [none, acl()]).derived.get(none)?.["webAcl"]).toMatchObject({ wafListingCollected: false });
  });

  it("WAF not collected (--services): unknown and skipped with the reason, unless the API names its ACL", () => {
    const none = api({ authenticationType: "AWS_IAM" });
    const out = facts(none, [none], ["appsync"]);
    expect(out.derived.get(none)?.["wafAssociated"]).toBeNull();
    expect(out.skipped?.get(none)).toEqual({
      "/derived/wafAssociated": expect.stringContaining("wafv2 not collected") as unknown as string,
    });
    const named = api({ authenticationType: "AWS_IAM", wafWebAclArn: ACL });
    expect(facts(named, [named], ["appsync"]).derived.get(named)?.["wafAssociated"]).toBe(true);
  });
});
