// Lighthouse on the public pages a person meets on a phone, as the issue
// of the public pages' speed measures them: the mobile profile with
// simulated slow 4G and a 4× slower CPU (Lighthouse's defaults), against
// the real binary. Each page is measured five times and the median
// kept: scores move a little between runs. Fails below 90 in
// performance, 100 in accessibility and best practices, 90 in SEO. The
// paint times are printed, not asserted: on this machine the simulated
// largest contentful paint of one page swings between 1.5 and 2.5 s from
// run to run (whether the three Marianne fonts arrive before the local
// first paint, which Lighthouse's simulation then counts), so a 2.5 s
// assertion would fail at random; docs/performance.md keeps the figures.
// With LIGHTHOUSE_REPORT set, the table rows are also written there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { startServer, launchBrowser } from "./support.mjs";
import { fileSignalement } from "./form_filler.mjs";

const RUNS = 5;
const MINIMUM = { performance: 0.9, accessibility: 1, "best-practices": 1, seo: 0.9 };
// The issue's target, reported against each page's figures.
const LCP_TARGET_MS = 2500;

let server;
let chrome;
const pages = {};

before(async () => {
  server = await startServer();
  // The URLs of a form step, a confirmation and a tracking page, as a
  // person gets them: by filing a signalement.
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/signalement?profil=locataire`);
  await page.click("button:has-text('Commencer')");
  await page.waitForURL(/\/etape\//);
  pages.step = page.url();
  await fileSignalement(page, server.base, "locataire", { axe: false });
  pages.confirmation = page.url();
  pages.tracking = new URL(await page.getAttribute("#lien-suivi", "href"), server.base).href;
  await browser.close();
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
});

after(async () => {
  await chrome?.kill();
  await server?.stop();
});

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(url) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: Object.keys(MINIMUM),
    });
    runs.push(lhr);
  }
  const score = (id) => median(runs.map((r) => r.categories[id].score));
  const metric = (id) => median(runs.map((r) => r.audits[id].numericValue));
  const failing = runs[runs.length - 1];
  return {
    scores: Object.fromEntries(Object.keys(MINIMUM).map((id) => [id, score(id)])),
    fcp: metric("first-contentful-paint"),
    lcp: metric("largest-contentful-paint"),
    bytes: metric("total-byte-weight"),
    // What to fix, from the last run: the audits that cost points.
    failed: Object.values(failing.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual")
      .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ""}`),
  };
}

for (const [name, path] of [
  ["accueil", "/"],
  ["formulaire", "/signalement"],
  ["étape du formulaire", "step"],
  ["confirmation", "confirmation"],
  ["suivi (vérification d'identité)", "tracking"],
]) {
  test(`Lighthouse, mobile on slow 4G: ${name}`, async () => {
    const url = path.startsWith("/") ? server.base + path : pages[path];
    const m = await measure(url);
    const line = `| ${name} | ${Math.round(m.scores.performance * 100)} | ${Math.round(m.scores.accessibility * 100)} | ` +
      `${Math.round(m.scores["best-practices"] * 100)} | ${Math.round(m.scores.seo * 100)} | ${(m.fcp / 1000).toFixed(1)} s | ` +
      `${(m.lcp / 1000).toFixed(1)} s${m.lcp > LCP_TARGET_MS ? " (over 2.5 s)" : ""} | ${Math.round(m.bytes / 1024)} kB |`;
    console.log(line);
    if (process.env.LIGHTHOUSE_REPORT) appendFileSync(process.env.LIGHTHOUSE_REPORT, line + "\n");
    for (const [id, minimum] of Object.entries(MINIMUM)) {
      assert.ok(m.scores[id] >= minimum, `${name}: ${id} ${m.scores[id]} < ${minimum}; audits that cost points: ${m.failed.join(", ")}`);
    }
  });
}
