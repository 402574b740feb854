import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; overridable only so the missing-browser paths (skip locally, fail in CI) can be tried by hand. */
export const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a warning, except under CI, where a
 * missing browser must not turn into a silently green run.
 */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium); CI is set, so this fails.`);
  }
  console.warn(`\n⚠️  SKIPPING report.html browser tests: ${CHROMIUM} not found (apt-get install -y chromium).\n`);
  return false;
}

/** Launches headless Chromium with nothing that talks to the network by itself. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A report page opened in the browser, with what it tried to do besides rendering. */
export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, page errors and CSP violations. */
  consoleErrors: string[];
  /** Every request other than the report itself (all are aborted). */
  otherRequests: string[];
  /** Milliseconds from navigation until the page is interactive. */
  wallMs: number;
}

const ORIGIN = "http://tollgate.test";
/** Where the report is served from: a fake origin that only the test's router answers. */
export const REPORT_URL = `${ORIGIN}/report.html`;

/** Serves `html` at REPORT_URL; every other request is recorded and aborted. Waits until the script is ready. */
export async function openReport(
  browser: Browser,
  html: string,
  viewport = { width: 1400, height: 900 },
  opts: { hash?: string; colorScheme?: "light" | "dark" } = {},
): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport, colorScheme: opts.colorScheme ?? "light" });
  const consoleErrors: string[] = [];
  const otherRequests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.split("#")[0] === REPORT_URL)
      await route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
    else {
      otherRequests.push(url);
      await route.abort();
    }
  });
  // Requests that bypass routing (e.g. data: or websocket) still show up here.
  page.on("request", (r) => {
    const url = r.url().split("#")[0]!;
    if (url !== REPORT_URL && !otherRequests.includes(r.url())) otherRequests.push(r.url());
  });
  const start = Date.now();
  await page.goto(REPORT_URL + (opts.hash ?? ""));
  await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
  return { page, consoleErrors, otherRequests, wallMs: Date.now() - start };
}

/** Width the page's content needs; more than the viewport means the page scrolls sideways. */
export function pageScrollWidth(page: Page): Promise<number> {
  // Browser-side code is passed as strings: the project's tsconfig has no DOM lib, on purpose.
  return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)") as Promise<number>;
}
