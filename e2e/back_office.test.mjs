// The core loop across both faces, in real headless Chromium: a tenant
// files a signalement; the territory admin validates and affects it; the
// partner's agent accepts and writes a public suivi; the usager reads it on
// the tracking page and answers; the agent closes his affectation; the
// territory admin closes for all. axe-core on every back-office page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, checkAccessibility } from "./support.mjs";
import { fileSignalement } from "./form_filler.mjs";

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

async function login(email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await checkAccessibility(page, "login");
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/bo/);
  return { context, page };
}

async function openCase(page, reference) {
  await page.goto(`${server.base}/bo/signalements?q=${encodeURIComponent(reference)}`);
  await checkAccessibility(page, "list");
  await page.click(`a:has-text("${reference}")`);
  await page.waitForSelector("h1");
  await checkAccessibility(page, `signalement ${reference}`);
}

test("the core loop, from the public form to the closure for all", async () => {
  // The tenant files.
  const usager = await browser.newContext();
  const tenant = await usager.newPage();
  const { reference, payload } = await fileSignalement(tenant, server.base, "locataire", { axe: false });
  const trackingPath = await tenant.getAttribute("#lien-suivi", "href");

  // The territory admin validates and affects the SCHS of Marseille.
  const rt = await login("rt13@histologe.test");
  await checkAccessibility(rt.page, "dashboard");
  await openCase(rt.page, reference);
  await rt.page.click("button:has-text('Valider le signalement')");
  await rt.page.waitForSelector(".fr-alert--success");
  assert.match(await rt.page.textContent(".fr-alert--success"), /validé/);
  await rt.page.click("label:has-text('SCHS de Marseille')");
  await rt.page.click("button:has-text('Affecter')");
  await rt.page.waitForSelector(".fr-alert--success");
  assert.match(await rt.page.textContent("#affectations ~ *"), /SCHS de Marseille/);
  await checkAccessibility(rt.page, "signalement after affectation");

  // The agent of that partner accepts and writes to the usager.
  const agent = await login("agent13@histologe.test");
  await openCase(agent.page, reference);
  await agent.page.click("button:has-text('Accepter')");
  await agent.page.waitForSelector(".fr-alert--success");
  const news = "Bonjour, une visite de votre logement est prévue la semaine prochaine.";
  await agent.page.fill("#suivi-message", news);
  await agent.page.click("label[for=suivi-public]");
  await agent.page.click("button:has-text('Enregistrer le suivi')");
  await agent.page.waitForSelector(".fr-alert--success");
  assert.match(await agent.page.textContent("ol.suivis"), /visite de votre logement/);

  // The usager reads it on the tracking page and answers.
  await tenant.goto(server.base + trackingPath);
  await tenant.click("label[for=side-occupant]");
  await tenant.fill("#prenom", payload.answers.vos_coordonnees_occupant_prenom.slice(0, 1));
  await tenant.fill("#nom", payload.answers.vos_coordonnees_occupant_nom.slice(0, 1));
  await tenant.fill("#code_postal", payload.answers.adresse_logement_adresse_detail_code_postal);
  await tenant.click("button:has-text('Accéder à mon dossier')");
  await tenant.waitForSelector("ol.suivis");
  assert.match(await tenant.textContent("ol.suivis"), /visite de votre logement est prévue/);
  const answer = "Merci, je serai présente mardi toute la journée.";
  await tenant.fill("#message", answer);
  await tenant.click("button:has-text('Envoyer le message')");
  await tenant.waitForSelector(".fr-alert--success");

  // The agent sees the answer, then closes for his partner.
  await agent.page.reload();
  assert.match(await agent.page.textContent("ol.suivis"), /présente mardi/);
  const select = await agent.page.$("select[id^=fermer-motif-]");
  const affectationId = (await select.getAttribute("id")).replace("fermer-motif-", "");
  await agent.page.selectOption(`#fermer-motif-${affectationId}`, "NON_DECENCE");
  await agent.page.selectOption(`#fermer-travaux-${affectationId}`, "EN_COURS");
  await agent.page.fill(`#fermer-precisions-${affectationId}`, "Visite faite, mise en demeure du bailleur envoyée.");
  await agent.page.click("button:has-text('Fermer pour mon partenaire')");
  await agent.page.waitForSelector(".fr-alert--success");
  await checkAccessibility(agent.page, "signalement after closing the affectation");

  // The territory admin closes for all.
  await rt.page.reload();
  await rt.page.selectOption("#cloture-motif", "NON_DECENCE");
  await rt.page.fill("#cloture-commentaire", "Le bailleur a été mis en demeure de faire les travaux.");
  await rt.page.click("button:has-text('Fermer pour tous les partenaires')");
  await rt.page.waitForSelector(".fr-alert--success");
  assert.match(await rt.page.textContent("h1"), /Fermé/);

  await tenant.reload();
  assert.match(await tenant.textContent(".fr-card__title"), /fermé/i);
  for (const c of [usager, rt.context, agent.context]) await c.close();
});

test("an agent cannot open a signalement of another partner", async () => {
  const agent = await login("agent69a@histologe.test");
  const rt = await login("rt13@histologe.test");
  await rt.page.goto(`${server.base}/bo/signalements`);
  const href = await rt.page.getAttribute("table a", "href");
  const response = await agent.page.goto(server.base + href);
  assert.equal(response.status(), 404, "nothing revealed");
  await agent.context.close();
  await rt.context.close();
});
