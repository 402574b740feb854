import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asffId } from "../../src/export/asff.js";
import { renderOcsf } from "../../src/export/ocsf.js";
import { newAjv } from "../../src/util/ajv.js";
import { ROOT } from "../helpers/sim.js";
import { exportInput, finding, rule } from "./helpers.js";

const schema = JSON.parse(readFileSync(join(ROOT, "schemas", "ocsf-detection-finding-1.2.subset.json"), "utf8")) as object;

describe("OCSF 1.2 Detection Finding output", () => {
  const doc = JSON.parse(
    renderOcsf(
      exportInput([
        finding(),
        finding({ status: "pass", resourceArn: "arn:aws:iam::111122223333:user/amy" }),
        finding({ suppression: { reason: "ok", expires: "2027-01-01" } }),
        // Not checked by design: no Detection Finding describes it.
        finding({ status: "skipped", resourceArn: "tollgate:probe:api/prod POST /orders" }),
      ]),
      [rule()],
    ),
  ) as Record<string, unknown>[];

  it("validates against the checked-in schema subset", () => {
    const validate = newAjv().compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // The schema really constrains: a wrong class is refused.
    expect(validate([{ ...doc[0], class_uid: 2003 }])).toBe(false);
  });

  it("carries the verdict, severity, resource, cloud, product and compliance as Prowler does", () => {
    expect(doc[0]).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      type_uid: 200401,
      activity_id: 1,
      severity_id: 4,
      severity: "High",
      status_code: "FAIL",
      status: "New",
      finding_info: { uid: asffId(finding()), title: rule().title },
      resources: [{ uid: "arn:aws:iam::111122223333:user/bob", type: "aws.iam.user", region: "global", cloud_partition: "aws" }],
      cloud: { account: { uid: "111122223333" }, provider: "AWS" },
      metadata: {
        version: "1.2.0",
        event_code: "aws.iam.user.console-mfa",
        product: { name: "Tollgate", vendor_name: "Tollgate", version: "0.1.0" },
      },
      remediation: { desc: "Assign an MFA device." },
      unmapped: { compliance: { "aws-fsbp": ["IAM.5"], "cis-aws-3.0": ["1.10"] } },
    });
    expect(doc[1]?.["status_code"]).toBe("PASS");
    expect(doc[2]).toMatchObject({ status_id: 3, status: "Suppressed" });
    expect(doc).toHaveLength(3);
  });
});
