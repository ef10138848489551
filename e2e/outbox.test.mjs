// The outbox page of the embedded default, in real headless Chromium: a
// super admin creates an account, reads its activation e-mail on
// /bo/courriels as the new agent would read it, and follows its link to
// the page where the password is chosen. axe-core on every page visited.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, checkAccessibility, waitForEmail as waitForEmailIn } from "./support.mjs";

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

/** The newest e-mail sent to `to` whose text matches `pattern`. */
function waitForEmail(to, pattern) {
  return waitForEmailIn(server, to, pattern);
}

test("a super admin reads an activation e-mail on the outbox page and follows its link", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", "admin@histologe.test");
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/connexion\/code/);
  const codeMail = await waitForEmail("admin@histologe.test", /\b\d{6}\b/);
  await page.fill("#code", codeMail.text.match(/\b(\d{6})\b/)[1]);
  await page.click("button:has-text('Se connecter')");
  await page.waitForURL(/\/bo$/);

  const email = `nouvel.agent.${Date.now()}@histologe.test`;
  await page.goto(`${server.base}/bo/utilisateurs/nouveau`);
  const partner = await page.$eval("#utilisateur-partenaire option:not([value=''])", (o) => o.value);
  await page.selectOption("#utilisateur-partenaire", partner);
  await page.fill("#utilisateur-email", email);
  await page.fill("#utilisateur-prenom", "Inès");
  await page.fill("#utilisateur-nom", "Lefèvre");
  await Promise.all([
    page.waitForNavigation(),
    page.click("main form[action='/bo/utilisateurs'] button[type=submit]"),
  ]);
  assert.match(page.url(), /fait=/, await page.textContent("main"));
  // The in-process worker writes the activation e-mail to the outbox.
  await waitForEmail(email, /nouveau-mot-de-passe/);

  await page.goto(`${server.base}/bo/courriels`);
  await checkAccessibility(page, "outbox");
  const row = page.locator("tbody tr", { hasText: email }).first();
  await row.locator("a").click();
  await page.waitForURL(/\/bo\/courriels\/[0-9a-f-]+$/);
  await checkAccessibility(page, "one e-mail of the outbox");
  assert.match(await page.textContent("main"), new RegExp(email.replace(/\./g, "\\.")));
  // The HTML part in its sandboxed frame, as the agent's mail client shows it.
  const frame = page.frameLocator("iframe.app-courriel");
  assert.match(await frame.locator("body").innerText(), /mot de passe/i);

  const link = page.locator("pre.app-courriel-texte a[href*='/nouveau-mot-de-passe/']").first();
  await link.click();
  await page.waitForURL(/\/nouveau-mot-de-passe\//);
  assert.match(await page.textContent("h1"), /mot de passe/i);
  await checkAccessibility(page, "the activation link followed");
  await context.close();
});
