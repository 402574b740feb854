// report.html as a person sees it after a real scan: the demo account scanned through the simulator's wire
// protocols and probed on its simulated data plane, with a baseline, opened in Chromium at 1400 and 390 px.
// Screenshots of every view go to test-results/screenshots/ (git-ignored; CI keeps the folder: see docs/reports.md).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki } from "../../fixtures/simulator/tls.js";
import { HTML_CSP } from "../../src/report/html.js";
import { haveChromium, launch, openReport, pageScrollWidth } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

/** The folder of screenshots a person can look at after a run; CI keeps it. */
export const SCREENSHOTS = join("test-results", "screenshots");
const VIEWS = ["rule", "resource", "framework", "table", "fixed"] as const;
const WIDTHS = [
  { width: 1400, height: 900 },
  { width: 390, height: 844 },
];

interface FindingsFile {
  findings: {
    ruleId: string;
    resourceArn: string;
    resourceName: string;
    account: string;
    region: string;
    status: string;
    severity: string;
  }[];
}

describe.skipIf(!haveChromium())("report.html of a real scan, as a person sees it", () => {
  const demo = account("demo");
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-views-"));
  let s: Simulator;
  let dp: DataPlane;
  let pki: ReturnType<typeof generateTestPki>;
  let browser: Browser;
  let html = "";
  let findings: FindingsFile;

  beforeAll(async () => {
    s = await sim([demo]);
    pki = generateTestPki();
    dp = await startDataPlane({ ...dataPlaneConfig([demo]), pki });
    const scan = (out: string, extra: string[] = []) =>
      runCli(["scan", ...loopbackProbeArgs(dp, pki.caFile), "--out", out, ...extra], simEnv(s, demo), 120_000);
    // A first scan, edited into last week's baseline: one failure it did not have (new now), one it had that is
    // gone now (fixed).
    const first = join(tmp, "first");
    expect((await scan(first)).code).toBe(1);
    const base = JSON.parse(readFileSync(join(first, "findings.json"), "utf8")) as FindingsFile;
    const failing = base.findings.filter((f) => f.status === "fail");
    const dropped = failing.find((f) => f.severity === "high")!;
    base.findings = [
      ...base.findings.filter((f) => f !== dropped),
      { ...failing[0]!, resourceArn: "arn:aws:iam::111122223333:user/departed", resourceName: "departed" },
    ];
    writeFileSync(join(tmp, "baseline.json"), JSON.stringify(base));
    const out = join(tmp, "report");
    const r = await scan(out, ["--baseline", join(tmp, "baseline.json")]);
    expect(r.code).toBe(1);
    html = readFileSync(join(out, "report.html"), "utf8");
    findings = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFile;
    browser = await launch();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dp?.close();
    await s?.close();
    pki?.dispose();
  });

  it("shows the verdict and the top critical finding on the first screen at 1400×900", async () => {
    const o = await openReport(browser, html, WIDTHS[0]);
    const { page } = o;
    await page.screenshot({ path: join(SCREENSHOTS, "overview-1400.png") });
    expect(await page.textContent("#verdict .v-word")).toBe("Fail");
    const top = page.locator("#top-risks .risk").first();
    expect(await top.locator(".badge").first().textContent()).toBe("critical");
    const box = await top.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(900);
    // The most severe failure of the scan leads, and a live probe proved it.
    const critical = findings.findings.filter((f) => f.status === "fail" && f.severity === "critical").map((f) => f.ruleId);
    expect(critical).toContain(await top.getAttribute("data-rule"));
    expect(await top.textContent()).toContain("confirmed live");
    expect(await top.locator(".fix").textContent()).toMatch(/^Fix: \S/);
    // Baseline counts: one new, one fixed.
    expect(await page.textContent("#baseline-counts")).toMatch(/1 new\s*1 fixed/);
    // Framework scores on the first screen, each a percentage.
    const scores = await page.$$eval("#coverage .score", (b) => b.map((x) => (x.textContent ?? "").replace(/\s+/g, " ").trim()));
    expect(scores.map((t) => t.replace(/ \d+%$/, ""))).toEqual(["AWS FSBP", "CIS 3.0", "CIS 5.0", "OWASP API 2023"]);
    for (const t of scores) expect(t).toMatch(/ \d+%$/);
    expect(o.consoleErrors).toEqual([]);
    expect(o.otherRequests).toEqual([]);
    await page.close();
  });

  for (const vp of WIDTHS) {
    it(`every view at ${vp.width} px: screenshots, no page overflow, no script error, the CSP`, async () => {
      const o = await openReport(browser, html, vp);
      const { page } = o;
      expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content")).toBe(HTML_CSP);
      if (vp.width < 1400) await page.screenshot({ path: join(SCREENSHOTS, `overview-${vp.width}.png`) });
      for (const view of VIEWS) {
        await page.click(`#tab-${view}`);
        // Open what a person would open first, so the screenshot shows content, not only headings.
        if (view === "rule") {
          await page.click("#view-rule details.group > summary");
          await page.click("#view-rule details.group[open] details.finding > summary");
          await page.waitForSelector("#view-rule details.finding[open] .fbody");
        }
        if (view === "resource") {
          for (const level of ["account", "region", "service", "resource"]) {
            await page.click(`#view-resource details[data-level=${level}] > summary`);
            await page.waitForSelector(`#view-resource details[data-level=${level}][open] > div`);
          }
        }
        if (view === "table") await page.click("#rows tr.finding");
        await page.$eval("#views", (e) => e.scrollIntoView());
        await page.screenshot({ path: join(SCREENSHOTS, `${view}-${vp.width}.png`) });
        expect(await pageScrollWidth(page), `${view} at ${vp.width}`).toBeLessThanOrEqual(vp.width);
      }
      // What each view must show. By resource, one API's stages, methods, the probes of its endpoints and the
      // exposure paths starting at its methods are together.
      await page.click("#tab-resource");
      const groups = await page.$$eval("#view-resource details[data-level=service] > summary b", (b) =>
        b.map((x) => x.textContent),
      );
      expect(groups).toContain("API orders (a1b2c3d4e5)");
      const orders = page.locator("#view-resource details[data-level=service]", { hasText: "API orders (a1b2c3d4e5)" });
      if ((await orders.getAttribute("open")) === null) await orders.locator("> summary").click();
      await page.waitForSelector("#view-resource details[data-level=service][open] details[data-level=resource]");
      const types = await orders
        .locator("details[data-level=resource]")
        .evaluateAll((ds) => ds.map((d) => d.querySelector(":scope > summary .n")?.textContent));
      expect(new Set(types)).toEqual(
        new Set([
          "aws.apigateway.probe",
          "aws.apigateway.stage",
          "aws.apigateway.method",
          "aws.apigateway.restapi",
          "aws.path.exposure",
        ]),
      );

      await page.click("#tab-framework");
      expect(await page.$$eval("#view-framework .fw-score", (e) => e.map((x) => x.textContent))).toHaveLength(4);
      expect(await page.textContent("#fw-cis-aws-5\\.0 details.outside summary")).toMatch(
        /^\d+ controls outside Tollgate's scope$/,
      );
      await page.click("#tab-fixed");
      expect(await page.textContent("#view-fixed")).toContain("departed");
      expect(o.consoleErrors).toEqual([]);
      expect(o.otherRequests).toEqual([]);
      await page.close();
    });
  }
});
