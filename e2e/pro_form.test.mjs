// The professional form in real headless Chromium: an agent begins a
// signalement from the list, stops and finds it in "Mes brouillons",
// resumes it and files it with the realistic answers of a social worker.
// axe-core on every screen of the form, in the back-office layout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, checkAccessibility } from "./support.mjs";
import { loadPayload, walkSteps } from "./form_filler.mjs";

const PASSWORD = "Histologe-demo-2026";
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("an agent files a signalement through the professional form", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", "agent13@histologe.test");
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/bo$/);

  await page.goto(`${server.base}/bo/signalements`);
  await page.click("a:has-text('Créer un signalement')");
  await page.waitForURL(/\/bo\/signalements\/brouillons$/);
  await checkAccessibility(page, "my drafts (empty)");
  await page.click("button:has-text('Commencer un nouveau signalement')");
  await page.waitForURL(/\/etape\//);
  // His own details are already there for the declarant's screen.
  const draftUrl = page.url().split("/etape/")[0];
  await page.goto(`${draftUrl}/etape/vos_coordonnees_tiers`);
  assert.equal(await page.inputValue("[name=vos_coordonnees_tiers_email]"), "agent13@histologe.test");

  // He stops, finds the draft in his list and resumes it.
  await page.click("button[value='plus_tard']");
  await page.waitForURL(/fait=enregistre/);
  await checkAccessibility(page, "my drafts (one kept)");
  await page.click("a:has-text('Reprendre')");
  await page.waitForURL(/\/etape\//);
  await page.goto(`${draftUrl}/etape/adresse_logement`);

  const payload = loadPayload("tiers_pro");
  await walkSteps(page, payload, { label: "pro form" });
  // Filed: the case page when his partner got it, else its reference.
  const notice = (await page.textContent(".fr-alert--success")).trim();
  assert.match(notice, /Le signalement (\d{4}-\d+ )?est créé/);
  await checkAccessibility(page, "after filing");
  await context.close();
});
