// The e-mail preference page in real headless Chromium: an agent opens it
// from the header, sees his current choice, switches to the daily digest
// with the keyboard and finds it saved. axe-core on the page, before and
// after.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, checkAccessibility } from "./support.mjs";

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

test("an agent chooses the daily digest from the header", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", "agent13@histologe.test");
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/bo/);

  await page.click("a:has-text('Mes notifications par e-mail')");
  await page.waitForURL(/\/bo\/mon-compte\/notifications$/);
  await checkAccessibility(page, "mail preference");
  const current = await page.getAttribute("input[name=preference]:checked", "value");
  assert.ok(current, "one choice is checked");

  await page.focus("#preference-recapitulatif_quotidien");
  await page.keyboard.press("Space");
  await page.click("button:has-text('Enregistrer')");
  await page.waitForSelector(".fr-alert--success");
  assert.match(await page.textContent(".fr-alert--success"), /Votre choix est enregistré/);
  assert.equal(
    await page.getAttribute("input[name=preference]:checked", "value"),
    "recapitulatif_quotidien",
  );
  await checkAccessibility(page, "mail preference saved");
  await context.close();
});
