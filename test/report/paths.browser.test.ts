// The exposure paths of report.html as a person sees them after a real scan of the demo account (simulator and
// data plane, probes on): each path a chain on the first screen at 1400 and 390 px, steps in path order, the
// probe and the controls that moved its severity shown, reachable from the keyboard, readable in dark mode and
// in print. Screenshots go to test-results/screenshots/ (git-ignored, kept by CI: see docs/reports.md).
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki } from "../../fixtures/simulator/tls.js";
import type { Finding } from "../../src/model/finding.js";
import { severityRank } from "../../src/model/severity.js";
import { FIRST_PATHS } from "../../src/report/html-paths.js";
import { reportedPath, type ReportedPath } from "../../src/report/paths.js";
import { haveChromium, launch, openReport, pageScrollWidth } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

const SCREENSHOTS = join("test-results", "screenshots");
const WIDE = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

/** What a path item must read, step by step, from its finding: the entry, each hop but the integration, the target. */
function expectedSteps(p: ReportedPath): string[] {
  return [...p.chain.filter((n) => n.kind !== "integration").map((n) => n.name), p.target];
}

/** The rendered items: entry link, steps (name of each box), badges, modifier and fix lines. */
function items(page: Page) {
  return page.$$eval("#paths li.path", (lis) =>
    lis.map((li) => ({
      rule: li.getAttribute("data-rule"),
      entry: li.getAttribute("data-entry"),
      link: li.querySelector(".p-head a")?.textContent?.trim(),
      severity: li.querySelector(".p-head .badge")?.textContent,
      live: li.querySelector(".p-head .b-live") !== null,
      steps: [...li.querySelectorAll(".chain > li.step")].map((s) => (s.querySelector(".n")?.textContent ?? "").trim()),
      text: (li.textContent ?? "").replace(/\s+/g, " "),
    })),
  );
}

describe.skipIf(!haveChromium())("report.html exposure paths of a real scan", () => {
  const demo = account("demo");
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-paths-html-"));
  let s: Simulator;
  let dp: DataPlane;
  let pki: ReturnType<typeof generateTestPki>;
  let browser: Browser;
  let html = "";
  let paths: { finding: Finding; path: ReportedPath }[] = [];

  beforeAll(async () => {
    s = await sim([demo]);
    pki = generateTestPki();
    dp = await startDataPlane({ ...dataPlaneConfig([demo]), pki });
    const out = join(tmp, "report");
    const r = await runCli(["scan", ...loopbackProbeArgs(dp, pki.caFile), "--out", out], simEnv(s, demo), 120_000);
    expect(r.code).toBe(1);
    html = readFileSync(join(out, "report.html"), "utf8");
    const findings = (JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as { findings: Finding[] }).findings;
    paths = findings.flatMap((f) => {
      const path = reportedPath(f);
      return path ? [{ finding: f, path }] : [];
    });
    browser = await launch();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dp?.close();
    await s?.close();
    pki?.dispose();
  });

  it("the demo has paths: each failing path finding is one chain, most severe first, steps in path order", async () => {
    expect(paths.some((p) => p.finding.severity === "critical")).toBe(true);
    const o = await openReport(browser, html, WIDE);
    const shown = await items(o.page);
    expect(shown).toHaveLength(paths.length);
    const worst = Math.max(...paths.map((p) => severityRank(p.finding.severity)));
    expect(severityRank(shown[0]!.severity as Finding["severity"])).toBe(worst);
    const ranks = shown.map((i) => severityRank(i.severity as Finding["severity"]));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    for (const item of shown) {
      const p = paths.find((x) => x.finding.ruleId === item.rule && x.finding.resourceArn === item.entry);
      expect(p, `${item.rule} ${item.entry}`).toBeDefined();
      const { finding, path } = p!;
      expect(item.link).toBe(finding.resourceName);
      const want = expectedSteps(path);
      // The last box names the class in words (administrator-equivalent, write on *, …), the others the nodes.
      expect(item.steps.slice(0, -1)).toEqual(want.slice(0, -1));
      expect(item.steps).toHaveLength(want.length);
      // A live probe that showed the entry open is said; so is every control that lowered the severity.
      const controls = path.controls ?? [];
      expect(item.live).toBe(controls.some((c) => c.kind === "probe-confirmed-open"));
      for (const c of controls) expect(item.text).toContain(c.detail);
      expect(item.text.includes("Severity lowered")).toBe(controls.some((c) => c.effect < 0));
      expect(item.text).toContain(`Cheapest fix: ${path.fix.advice}`);
    }
    expect(o.consoleErrors).toEqual([]);
    expect(o.otherRequests).toEqual([]);
    await o.page.close();
  });

  for (const vp of [WIDE, PHONE])
    for (const colorScheme of ["light", "dark"] as const)
      it(`at ${vp.width} px (${colorScheme}): the first path's whole chain is on the first screen, no sideways scrolling`, async () => {
        const o = await openReport(browser, html, vp, { colorScheme });
        const { page } = o;
        await page.screenshot({ path: join(SCREENSHOTS, `paths-${vp.width}-${colorScheme}.png`) });
        const chain = page.locator("#paths li.path").first().locator(".chain");
        const box = await chain.boundingBox();
        expect(box!.y).toBeGreaterThan(0);
        expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
        // Each step below (phone) or after (wide) the one before it.
        const steps = await chain.locator("> li.step").evaluateAll((ls) =>
          ls.map((l) => {
            const r = l.getBoundingClientRect();
            return { x: r.x, y: r.y };
          }),
        );
        for (let i = 1; i < steps.length; i++) {
          const [a, b] = [steps[i - 1]!, steps[i]!];
          expect(vp.width < 720 ? b.y > a.y : b.x > a.x || b.y > a.y).toBe(true);
        }
        expect(await pageScrollWidth(page)).toBeLessThanOrEqual(vp.width);
        // Readable in both schemes: the step names are drawn in the page's text colour, not a fixed one.
        const [fg, bodyFg] = (await page.evaluate(
          `[getComputedStyle(document.querySelector("#paths .step .n")).color, getComputedStyle(document.body).color]`,
        )) as [string, string];
        expect(fg).toBe(bodyFg);
        expect(o.consoleErrors).toEqual([]);
        await page.close();
      });

  it("is reachable from the keyboard in path order; a path's link opens its rule in the rule view", async () => {
    const o = await openReport(browser, html, WIDE);
    const { page } = o;
    // The skip link first, then the paths in order: nothing focusable comes before them on the page.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.className")).toBe("skip");
    const links = await page.$$eval("#paths li.path .p-head a", (as) => as.map((a) => a.textContent));
    const focused: (string | null)[] = [];
    for (let i = 0; i < Math.min(links.length, FIRST_PATHS); i++) {
      await page.keyboard.press("Tab");
      focused.push((await page.evaluate("document.activeElement.textContent")) as string);
    }
    expect(focused).toEqual(links.slice(0, FIRST_PATHS));
    if (links.length > FIRST_PATHS) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement.parentElement.id")).toBe("paths-more");
      await page.keyboard.press("Enter");
      expect(await page.getAttribute("#paths-more", "open")).not.toBeNull();
    }
    // Enter on the first path's link: the rule view with that rule's group open and focused.
    const first = page.locator("#paths li.path .p-head a").first();
    const rule = await first.getAttribute("data-rule");
    await first.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#view-rule details.group[data-rule="${rule}"][open]`);
    expect(await page.evaluate("document.activeElement.parentElement.getAttribute('data-rule')")).toBe(rule);
    expect(o.consoleErrors).toEqual([]);
    await page.close();
  });

  it("prints: the paths section with every path shown (the “more” list opened)", async () => {
    const o = await openReport(browser, html, WIDE);
    const { page } = o;
    await page.emulateMedia({ media: "print" });
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    expect(await page.isVisible("#paths li.path")).toBe(true);
    const hiddenPaths = await page.$$eval("#paths li.path", (ls) => ls.filter((l) => l.getClientRects().length === 0).length);
    expect(hiddenPaths).toBe(0);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    await page.close();
  });
});
