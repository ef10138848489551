// The public side end to end, in real headless Chromium: a signalement
// filed for each of the six profiles with a photo, then followed from the
// tracking link: identity check, message. axe-core on every page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, checkAccessibility } from "./support.mjs";
import { fileSignalement } from "./form_filler.mjs";

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

/** Who passes the identity check, with which names (payload keys). */
const IDENTITY = {
  locataire: ["OCCUPANT", "vos_coordonnees_occupant_prenom", "vos_coordonnees_occupant_nom"],
  bailleur_occupant: ["OCCUPANT", "vos_coordonnees_occupant_prenom", "vos_coordonnees_occupant_nom"],
  tiers_particulier: ["DECLARANT", "vos_coordonnees_tiers_prenom", "vos_coordonnees_tiers_nom"],
  tiers_pro: ["DECLARANT", "vos_coordonnees_tiers_prenom", "vos_coordonnees_tiers_nom"],
  service_secours: ["DECLARANT", "vos_coordonnees_tiers_prenom", "vos_coordonnees_tiers_nom"],
  bailleur: ["DECLARANT", "vos_coordonnees_tiers_prenom", "vos_coordonnees_tiers_nom"],
};

async function waitForEmail(predicate, what) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = server.outbox().find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail ${what} in the outbox; it holds: ${server.outbox().map((e) => e.subject).join(" | ")}`);
}

test("the home page is styled with the DSFR and accessible", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(server.base + "/");
  assert.equal(response.status(), 200);
  const header = await page.$eval(".fr-header", (e) => getComputedStyle(e).display);
  assert.notEqual(header, "", "DSFR stylesheet applied");
  const font = await page.$eval("body", (e) => getComputedStyle(e).fontFamily);
  assert.match(font, /Marianne/, "DSFR fonts served");
  await checkAccessibility(page, "home");
  for (const legal of ["/mentions-legales", "/cgu", "/politique-de-confidentialite", "/accessibilite"]) {
    await page.goto(server.base + legal);
    await checkAccessibility(page, legal);
  }
  await context.close();
});

for (const profile of Object.keys(IDENTITY)) {
  test(`${profile}: files a signalement with a photo, then follows it`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { reference, payload } = await fileSignalement(page, server.base, profile);
    assert.match(reference, /^\d{4}-\d+$/, "a reference like 2026-12");

    // The acknowledgement e-mail carries the tracking link.
    const mail = await waitForEmail((m) => m.text.includes("/suivre-mon-signalement/") && m.text.includes(reference), `acknowledging ${reference}`);
    assert.ok(mail.to.length > 0);

    await page.click("#lien-suivi");
    await checkAccessibility(page, "identity check");
    const [side, prenomKey, nomKey] = IDENTITY[profile];
    const prenom = payload.answers[prenomKey] ?? "Réponse";
    const nom = payload.answers[nomKey] ?? "Réponse";
    await page.click(side === "OCCUPANT" ? "label[for=side-occupant]" : "label[for=side-declarant]");
    await page.fill("#prenom", prenom.slice(0, 1));
    await page.fill("#nom", nom.slice(0, 1));
    await page.fill("#code_postal", payload.answers.adresse_logement_adresse_detail_code_postal);
    await page.click("button:has-text('Accéder à mon dossier')");
    await page.waitForSelector("h1:has-text('Mon dossier')");
    assert.match(await page.textContent("h1"), new RegExp(reference));
    // The photo chosen in the form joined the dossier.
    assert.match(await page.textContent("#documents + *, body"), /fenetre-moisie/);
    await checkAccessibility(page, "dossier");

    const message = `Bonjour, l'humidité a encore augmenté cette semaine (${profile}).`;
    await page.fill("#message", message);
    await page.click("button:has-text('Envoyer le message')");
    await page.waitForSelector(".fr-alert--success");
    assert.match(await page.textContent("ol.suivis"), new RegExp(`humidité a encore augmenté cette semaine \\(${profile}\\)`));
    await checkAccessibility(page, "dossier after message");
    await context.close();
  });
}

test("without JavaScript: the form still files a signalement, and a wrong answer keeps what was typed", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + "/signalement?profil=locataire");
  await page.click("button:has-text('Commencer')");
  // The address screen: a postal code that exists nowhere.
  await page.fill("#q-adresse_logement_adresse_detail_numero", "33 rue des Phocéens");
  await page.fill("#q-adresse_logement_adresse_detail_code_postal", "00000");
  await page.fill("#q-adresse_logement_adresse_detail_commune", "Marseille");
  await page.click("button[value='suivant']");
  assert.match(await page.textContent(".fr-alert--error"), /corriger/);
  assert.equal(await page.inputValue("#q-adresse_logement_adresse_detail_numero"), "33 rue des Phocéens", "the street typed is kept");
  assert.equal(await page.inputValue("#q-adresse_logement_adresse_detail_commune"), "Marseille", "the commune typed is kept");
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert.equal(focused, "q-adresse_logement_adresse_detail_code_postal", "the field to correct has the focus");
  await page.fill("#q-adresse_logement_adresse_detail_code_postal", "13002");
  await page.click("button[value='suivant']");
  assert.doesNotMatch(page.url(), /adresse_logement$/, "the corrected address passes");
  await context.close();

  const fresh = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await fresh.newPage();
  const { reference } = await fileSignalement(nojs, server.base, "locataire", { axe: false, js: false });
  assert.match(reference, /^\d{4}-\d+$/);
  await fresh.close();
});
