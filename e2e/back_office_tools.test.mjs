// The back-office around the core loop, in real headless Chromium: the
// super admin's e-mailed login code, a lost password reset by its e-mailed
// link, the filtered list, a visit planned, a tag put on a case, the
// notifications and the statistics. axe-core on every page visited, with
// every folded section opened so that its fields are checked too.
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

async function openAllDetails(page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
}

async function login(email, password = PASSWORD) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  return { context, page };
}

test("the super admin logs in with the code e-mailed to him", async () => {
  const { context, page } = await login("admin@histologe.test");
  await page.waitForURL(/\/connexion\/code/);
  await checkAccessibility(page, "login code");
  const mail = await waitForEmail("admin@histologe.test", /\b\d{6}\b/);
  const code = mail.text.match(/\b(\d{6})\b/)[1];
  const wrong = code === "000000" ? "111111" : "000000";
  await page.fill("#code", wrong);
  await page.click("button:has-text('Se connecter')");
  await page.waitForSelector("#code-erreur");
  await checkAccessibility(page, "login code refused");
  await page.fill("#code", code);
  await page.click("button:has-text('Se connecter')");
  await page.waitForURL(/\/bo$/);
  await checkAccessibility(page, "super admin dashboard");
  await context.close();
});

test("an agent who lost his password sets a new one through the e-mailed link", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.click("a:has-text('Mot de passe oublié')");
  await checkAccessibility(page, "lost password");
  await page.fill("#email", "agent13@histologe.test");
  await page.click("button:has-text('Recevoir le lien')");
  await page.waitForSelector(".fr-alert");
  await checkAccessibility(page, "lost password sent");

  const mail = await waitForEmail("agent13@histologe.test", /nouveau-mot-de-passe\//);
  const link = mail.text.match(/https?:\/\/\S+\/nouveau-mot-de-passe\/\S+/)[0];
  await page.goto(link);
  await checkAccessibility(page, "new password");
  const fresh = "Nouveau-secret-2026!";
  await page.fill("#password", fresh);
  await page.fill("#confirmation", "Autre-chose-2026!");
  await page.click("button:has-text('Enregistrer le mot de passe')");
  await page.waitForSelector("#confirmation-erreur");
  await page.fill("#password", fresh);
  await page.fill("#confirmation", fresh);
  await page.click("button:has-text('Enregistrer le mot de passe')");
  await page.waitForURL(/\/connexion/);

  // The link was single-use; the new password opens the back-office.
  const again = await page.goto(link);
  assert.equal(again.status(), 410);
  const agent = await login("agent13@histologe.test", fresh);
  await agent.page.waitForURL(/\/bo$/);
  await agent.context.close();
  await context.close();
});

test("a territory admin filters the list, plans a visit, tags a case, reads notifications and statistics", async () => {
  const { context, page } = await login("rt13@histologe.test");
  await page.waitForURL(/\/bo$/);

  await page.goto(`${server.base}/bo/signalements?statut=ACTIVE`);
  await openAllDetails(page);
  await checkAccessibility(page, "filtered list");
  const href = await page.getAttribute("table a[href^='/bo/signalements/']", "href");
  assert.ok(href, "an active case is listed");

  // A tag of the territory.
  await page.goto(`${server.base}/bo/etiquettes`);
  const label = `Péril imminent ${Date.now()}`;
  await page.fill("#etiquette-nouvelle", label);
  await page.click("button:has-text(\"Créer l'étiquette\")");
  await page.waitForSelector(`text=${label}`);
  await checkAccessibility(page, "tags");

  // On the case: the tag, then a visit.
  await page.goto(server.base + href);
  await page.selectOption("#etiquette-ajout", { label });
  await page.click("button:has-text(\"Ajouter l'étiquette\")");
  await page.waitForSelector(`#etiquettes-titre ~ * >> text=${label}`);

  await openAllDetails(page);
  const options = await page.$$eval("#programmer-operateur option", (os) => os.map((o) => o.value));
  const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await page.fill("#programmer-date", day);
  await page.fill("#programmer-heure", "10:30");
  if (options.includes("externe")) {
    await page.selectOption("#programmer-operateur", "externe");
    await page.fill("#programmer-operateur_externe", "Cabinet Diagnostic Sud");
  } else {
    await page.selectOption("#programmer-operateur", options.find((v) => v !== ""));
  }
  await page.fill("#programmer-commentaire", "Merci de prévoir l'accès à la cave.");
  await page.click("button:has-text('Programmer la visite')");
  await page.waitForSelector(".fr-alert--success");
  const [y, m, d] = day.split("-");
  assert.match(await page.textContent("#visites ~ *"), new RegExp(`${Number(d)}|${d}/${m}/${y}`));
  await openAllDetails(page);
  await checkAccessibility(page, "case with a planned visit, every section open");

  await page.goto(`${server.base}/bo/utilisateurs`);
  await checkAccessibility(page, "users");
  await page.goto(`${server.base}/bo/utilisateurs/nouveau`);
  await checkAccessibility(page, "new user");

  await page.goto(`${server.base}/bo/notifications`);
  await checkAccessibility(page, "notifications");

  await page.goto(`${server.base}/bo/statistiques`);
  await openAllDetails(page);
  await checkAccessibility(page, "statistics");
  const csv = await page.request.get(`${server.base}/bo/statistiques/export.csv`);
  assert.equal(csv.status(), 200);
  await context.close();
});
