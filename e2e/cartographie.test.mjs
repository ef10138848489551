// The map of the back-office in real headless Chromium, on the demo data:
// the territory admin's cases appear as markers and groups, a popup says
// the status in words and links the case, a filter reloads the points,
// the page's Content-Security-Policy lets Leaflet run (checked in a
// context that enforces it), and axe-core finds nothing (in a context that
// bypasses it, to inject axe). There is no Internet here: OpenStreetMap's
// tiles are refused, and nothing may depend on them.
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

/** A logged-in page, the site's Content-Security-Policy enforced. */
async function login(email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(/^https:\/\/([a-z]\.)?tile\.openstreetmap\.org\//, (route) => route.abort());
  await page.goto(`${server.base}/connexion`);
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/bo$/);
  return { context, page };
}

const PINS = "#carte .carte-marker, #carte .carte-groupe";

/**
 * Waits until the map shows its points, says how many, and is still: no
 * zoom or grouping animation, every pin opaque (a pin fading in or out is
 * neither counted nor read).
 */
async function mapLoaded(page) {
  await page.waitForSelector(PINS, { timeout: 20_000 });
  await page.waitForFunction(
    () => /signalement/.test(document.getElementById("carte-etat")?.textContent ?? ""),
    null,
    { timeout: 20_000 },
  );
  await page.waitForFunction((selector) =>
    !document.querySelector("#carte .leaflet-cluster-anim, #carte .leaflet-zoom-anim")
      && [...document.querySelectorAll(selector)].every((pin) => getComputedStyle(pin).opacity === "1"),
  PINS, { timeout: 10_000 });
  await page.waitForTimeout(300);
}

/** Opens a case's popup: groups are clicked (they zoom in) until a marker shows. */
async function openPopup(page) {
  for (let i = 0; i < 12; i += 1) {
    const marker = await page.$("#carte .carte-marker");
    if (marker) {
      await marker.click();
      await page.waitForSelector(".leaflet-popup .carte-popup");
      // Leaflet fades popups in: read (and let axe read) them opaque.
      await page.waitForFunction(() => {
        const popup = document.querySelector(".leaflet-popup");
        return popup && getComputedStyle(popup).opacity === "1";
      });
      return;
    }
    await page.click("#carte .carte-groupe");
    await page.waitForTimeout(400);
    await mapLoaded(page);
  }
  throw new Error("no single marker after zooming in");
}

test("the territory admin's map shows his cases under the page's own CSP", async () => {
  const { context, page } = await login("rt13@histologe.test");
  const violations = [];
  const errors = [];
  page.on("pageerror", (e) => errors.push(`${e.message} ${e.stack}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
    });
  });

  await page.click("nav a:has-text('Cartographie')");
  await page.waitForURL(/\/bo\/cartographie$/);
  await mapLoaded(page);
  const status = await page.textContent("#carte-etat");
  const shown = Number((status.match(/([\d\s\u202f]+) signalements? (sur la carte|affichés)/) ?? [])[1]?.replace(/\D/g, ""));
  assert.ok(shown > 0, `the status line counts the cases: ${status}`);

  // Every point the server gave is in a marker or a group, once the
  // groups' animations are over.
  const counted = await page.$$eval(PINS, (pins) => pins.reduce((n, pin) =>
    n + (pin.classList.contains("carte-groupe") ? Number(pin.textContent.replace(/\D/g, "")) : 1), 0));
  assert.equal(counted, shown, "markers and groups hold every case of the answer");
  assert.match(await page.textContent(".leaflet-control-attribution"), /OpenStreetMap/);

  await openPopup(page);
  const popup = await page.textContent(".leaflet-popup .carte-popup");
  assert.match(popup, /Statut : (Nouveau|En cours|Fermé|Refusé)/, "the status in words");
  assert.match(popup, /Criticité : \d+ %/);
  const href = await page.getAttribute(".leaflet-popup .carte-popup a", "href");
  assert.match(href, /^\/bo\/signalements\/[0-9a-f-]{36}$/);

  // A filter of the list narrows the map; its list link keeps it.
  await page.goto(`${server.base}/bo/cartographie?statut=NEED_VALIDATION`);
  await mapLoaded(page);
  const fewer = await page.textContent("#carte-etat");
  assert.notEqual(fewer, status, "fewer cases are new than in all");
  assert.equal(
    await page.getAttribute("a:has-text('Voir ces signalements sous forme de liste')", "href"),
    "/bo/signalements?statut=NEED_VALIDATION",
  );

  // htmx adds its indicator <style> on every page (refused everywhere,
  // harmless): only the map's own violations count here.
  const csp = (await page.evaluate(() => window.__csp ?? []))
    .filter((v) => !/\/static\/(v\/[0-9a-f]+\/)?htmx\//.test(v));
  assert.deepEqual(csp, [], "no Content-Security-Policy violation");
  // The DSFR's header script fails on every back-office page (its
  // `fr-header__menu-links` is missing): only the map's errors count here.
  assert.deepEqual(errors.filter((e) => !/\/static\/(v\/[0-9a-f]+\/)?dsfr\//.test(e)), [], "no script error");
  await context.close();
});

test("the map page has no accessibility violation, popup open", async () => {
  const { context, page } = await login("rt13@histologe.test");
  await page.goto(`${server.base}/bo/cartographie`);
  await mapLoaded(page);
  await checkAccessibility(page, "map");
  await openPopup(page);
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await checkAccessibility(page, "map with a popup open and every filter shown");
  await context.close();
});
