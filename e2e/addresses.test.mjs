// Addresses in real headless Chromium, with axe-core: the public form's
// autocomplete by keyboard only, suggestions open; then a case the BAN is
// not sure of, flagged on its page, which the territory admin places by
// hand. The web app's BAN_URL points at a small server answering like the
// national address base (the Géoplateforme's GeoJSON): sure for the
// suggestions, unsure (score 0.5) for the geocoding after filing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startServer, launchBrowser, checkAccessibility } from "./support.mjs";
import { fileSignalement } from "./form_filler.mjs";

const PASSWORD = "Histologe-demo-2026";

const PHOCEENS = {
  type: "Feature",
  geometry: { type: "Point", coordinates: [5.37025, 43.30061] },
  properties: {
    label: "33 Rue des Phocéens 13002 Marseille", score: 0.96, housenumber: "33",
    id: "13202_7125_00033", name: "33 Rue des Phocéens", postcode: "13002", citycode: "13202",
    city: "Marseille", context: "13, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur", type: "housenumber",
    street: "Rue des Phocéens",
  },
};
const PHOCEENS_BIS = {
  ...PHOCEENS,
  properties: { ...PHOCEENS.properties, label: "35 Rue des Phocéens 13002 Marseille", name: "35 Rue des Phocéens",
    id: "13202_7125_00035", housenumber: "35", score: 0.81 },
};

let ban;
let asked = [];
let server;
let browser;

before(async () => {
  ban = http.createServer((req, res) => {
    const url = new URL(req.url, "http://ban");
    const q = url.searchParams.get("q") ?? "";
    asked.push(q);
    const limit = Number(url.searchParams.get("limit") ?? 5);
    const found = url.pathname === "/geocodage/search/" && /ph[oô]c/i.test(q);
    // The job asks for one answer: this BAN is not sure of it.
    const unsure = { ...PHOCEENS, properties: { ...PHOCEENS.properties, score: 0.5 } };
    const features = !found ? [] : limit === 1 ? [unsure] : [PHOCEENS, PHOCEENS_BIS];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ type: "FeatureCollection", version: "draft", features, query: q,
      limit: Number(url.searchParams.get("limit") ?? 5) }));
  });
  await new Promise((resolve) => ban.listen(0, "127.0.0.1", resolve));
  const { port } = ban.address();
  server = await startServer({ BAN_URL: `http://127.0.0.1:${port}/geocodage` });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => ban?.close(resolve));
});

test("the street field proposes addresses, usable by keyboard and announced", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base + "/signalement?profil=locataire");
  await page.click("button:has-text('Commencer')");
  const street = "#q-adresse_logement_adresse_detail_numero";
  await page.waitForSelector(street);

  await page.focus(street);
  assert.equal(await page.getAttribute(street, "role"), "combobox");
  assert.equal(await page.getAttribute(street, "aria-expanded"), "false");
  await page.keyboard.type("33 rue des phoc", { delay: 20 });
  await page.waitForSelector("[role=listbox] [role=option]");
  assert.equal(await page.getAttribute(street, "aria-expanded"), "true");
  const options = await page.$$eval("[role=listbox] [role=option]", (os) => os.map((o) => o.textContent));
  assert.deepEqual(options, ["33 Rue des Phocéens 13002 Marseille", "35 Rue des Phocéens 13002 Marseille"]);
  assert.match(await page.textContent("[role=status]"), /2 adresses proposées/);
  await checkAccessibility(page, "address step with suggestions open");

  await page.keyboard.press("ArrowDown");
  const active = await page.getAttribute(street, "aria-activedescendant");
  assert.ok(active, "the first option is the active one");
  assert.equal(await page.getAttribute(`#${active}`, "aria-selected"), "true");
  await page.keyboard.press("Enter");
  assert.equal(await page.inputValue(street), "33 Rue des Phocéens");
  assert.equal(await page.inputValue("#q-adresse_logement_adresse_detail_code_postal"), "13002");
  assert.equal(await page.inputValue("#q-adresse_logement_adresse_detail_commune"), "Marseille");
  assert.equal(await page.inputValue("#q-adresse_logement_adresse_detail_insee"), "13202");
  assert.equal(await page.getAttribute(street, "aria-expanded"), "false");
  assert.match(await page.textContent("[role=status]"), /Adresse choisie : 33 Rue des Phocéens 13002 Marseille/);
  assert.ok(asked.some((q) => q.startsWith("33 rue des ph")), "asked through the site");

  // Escape closes the list without changing what was typed.
  await page.fill(street, "");
  await page.keyboard.type("35 rue des phoc", { delay: 20 });
  await page.waitForSelector("[role=listbox] [role=option]");
  await page.keyboard.press("Escape");
  assert.equal(await page.getAttribute(street, "aria-expanded"), "false");
  assert.equal(await page.inputValue(street), "35 rue des phoc");
  await checkAccessibility(page, "address step after Escape");
  await context.close();
});

test("a case the BAN is not sure of is flagged, and the territory admin places it by keyboard", async () => {
  const usager = await browser.newContext();
  const tenant = await usager.newPage();
  const { reference } = await fileSignalement(tenant, server.base, "locataire", { axe: false });
  await usager.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", "rt13@histologe.test");
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/bo/);

  // The geocoding job runs in the web process a moment after the filing.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(`${server.base}/bo/signalements?q=${encodeURIComponent(reference)}`);
    if (await page.isVisible("text=Adresse à vérifier")) break;
    if (Date.now() > deadline) throw new Error(`${reference} never flagged: ${server.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await checkAccessibility(page, "list with a flagged address");
  await page.click(`a:has-text("${reference}")`);
  await page.waitForSelector("text=Adresse à vérifier.");
  assert.match(await page.textContent("#adresse-titre + *"), /affectation automatique attend/);
  await page.waitForSelector("#adresse-carte:not([hidden])");
  await checkAccessibility(page, "signalement with an address to check");

  // By keyboard: the correction form is open; the coordinates are typed.
  await page.focus("#adresse-latitude");
  await page.keyboard.type("43,30061");
  await page.keyboard.press("Tab");
  await page.keyboard.type("5,37025");
  // Enter in a field sends its form (the map after it takes the focus
  // on Tab: Leaflet's own keyboard navigation).
  await page.keyboard.press("Enter");
  await page.waitForSelector(".fr-alert--success");
  assert.match(await page.textContent(".fr-alert--success"), /L'adresse est modifiée/);
  assert.doesNotMatch(await page.textContent("body"), /Adresse à vérifier\./);
  assert.match(await page.textContent("#adresse-titre ~ dl"), /43,30061 ; 5,37025/);
  await checkAccessibility(page, "signalement after the address was placed");
  await context.close();
});
