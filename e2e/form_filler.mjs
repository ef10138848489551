// Fills the public form like a person would, from the realistic answers of
// ../shared/data/form-payloads: each screen's fields are looked up by name
// in the payload; a required choice the payload does not cover gets its
// first option, a required text a plausible value.
import { readFileSync } from "node:fs";
import path from "node:path";
import { PAYLOADS, PHOTO_PNG, checkAccessibility, settle } from "./support.mjs";

/** The payload of `profile`, values as strings, désordres as ticked slugs. */
export function loadPayload(profile) {
  const raw = JSON.parse(readFileSync(path.join(PAYLOADS, `${profile}.json`), "utf8"));
  const answers = {};
  const ticked = new Set();
  for (const [key, value] of Object.entries(raw)) {
    if (key === "categorieDisorders") {
      answers.desordres_categories_batiment = value.batiment ?? [];
      answers.desordres_categories_logement = value.logement ?? [];
    } else if (key.startsWith("desordres_") && (value === 1 || value === "1")) {
      ticked.add(key);
    } else if (typeof value === "string" || typeof value === "number") {
      answers[key] = String(value);
    }
  }
  answers.profil = answers.profil ?? profile;
  return { answers, ticked };
}

/** Plausible values for a required field the payload leaves empty. */
function fallback(type, inputmode, name) {
  if (type === "email") return "declarant.e2e@example.test";
  if (type === "tel") return "0612345678";
  if (type === "date") return "2021-03-15";
  if (/date/.test(name)) return "03/2021";
  if (/code_postal/.test(name)) return "13002";
  if (inputmode === "numeric" || inputmode === "decimal") return "2";
  if (/code_postal/.test(name)) return "13002";
  return "Réponse de test suffisamment longue pour être acceptée.";
}

function slugOf(url) {
  return url.split("/etape/")[1]?.split(/[?#/]/)[0];
}

/** Ticks a DSFR radio or checkbox the way a person does: on its label. */
async function tick(page, id) {
  if (!(await page.isChecked(`#${id}`))) await page.click(`label[for="${id}"]`);
}

/**
 * One pass over the visible questions; returns whether it changed a choice
 * (htmx may then show new questions).
 */
async function fillVisible(page, payload, { force }) {
  const fields = await page.$$eval("#questions input, #questions textarea, #questions select", (els) =>
    els.map((e) => ({
      tag: e.tagName.toLowerCase(), type: e.type, name: e.name, value: e.value, id: e.id,
      checked: e.checked, inputmode: e.getAttribute("inputmode") ?? "",
      required: e.getAttribute("aria-required") === "true",
      invalid: !!e.closest(".fr-input-group--error, .fr-fieldset--error, .fr-select-group--error"),
    })));
  let changed = false;
  const groups = new Map();
  for (const f of fields) {
    if (!f.name || f.type === "hidden") continue;
    if (f.type === "radio" || f.type === "checkbox") {
      if (!groups.has(f.name)) groups.set(f.name, []);
      groups.get(f.name).push(f);
      continue;
    }
    if (f.type === "file") {
      if (f.name === "photos") await page.setInputFiles(`#${f.id}`, { name: "fenetre-moisie.png", mimeType: "image/png", buffer: PHOTO_PNG });
      continue;
    }
    const wanted = payload.answers[f.name];
    if (f.tag === "select") {
      if (!f.value) {
        const options = await page.$$eval(`#${f.id} option`, (os) => os.map((o) => o.value).filter(Boolean));
        const choice = options.includes(wanted) ? wanted : options[0];
        if (choice) { await page.selectOption(`#${f.id}`, choice); await settle(page); changed = true; }
      }
      continue;
    }
    if (f.value && !(f.invalid && force)) continue;
    if (f.value) { await page.fill(`#${f.id}`, fallback(f.type, f.inputmode, f.name)); continue; }
    if (wanted !== undefined && !(f.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(wanted))) {
      await page.fill(`#${f.id}`, wanted);
    } else if (f.required || f.invalid || force) {
      if (f.name.endsWith("_insee")) continue;
      await page.fill(`#${f.id}`, fallback(f.type, f.inputmode, f.name));
    }
  }
  for (const [name, options] of groups) {
    const isConsent = options.length === 1 && options[0].type === "checkbox" && options[0].value === "1";
    if (isConsent) {
      if (!options[0].checked) { await tick(page, options[0].id); changed = true; }
      continue;
    }
    if (options.some((o) => o.checked)) continue;
    const wanted = payload.answers[name];
    let picks;
    if (Array.isArray(wanted)) picks = options.filter((o) => wanted.includes(o.value));
    else if (wanted !== undefined) picks = options.filter((o) => o.value === wanted);
    else picks = options.filter((o) => payload.ticked.has(o.value));
    if (!picks.length && options[0].type === "radio") picks = [options[0]];
    if (!picks.length && options[0].type === "checkbox" && (name.startsWith("desordres_") || force)) picks = [options[0]];
    for (const o of picks) {
      await tick(page, o.id);
      await settle(page);
      changed = true;
    }
  }
  return changed;
}

/**
 * Answers every step from the current one until the page leaves the
 * form's steps (its confirmation, or wherever the form sends); returns
 * the slugs of the screens passed. `axe` checks every distinct screen.
 */
export async function walkSteps(page, payload, { axe = true, js = true, label = payload.answers.profil } = {}) {
  const seen = [];
  for (let step = 0; step < 60; step++) {
    const slug = slugOf(page.url());
    if (!slug) return seen;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      for (let pass = 0; pass < 6; pass++) {
        const changed = await fillVisible(page, payload, { force: attempts > 1 });
        if (!changed || !js) break;
      }
      if (axe && !seen.includes(slug)) await checkAccessibility(page, `step ${slug}`);
      if (!seen.includes(slug)) seen.push(slug);
      await Promise.all([page.waitForLoadState("load"), page.click("button[value='suivant']")]);
      if (slugOf(page.url()) !== slug) break;
      if (attempts >= 4) {
        const errors = await page.$$eval(".fr-error-text, .fr-message--error, .fr-alert--error li", (es) => es.map((e) => e.textContent.trim()));
        throw new Error(`${label}: stuck on step ${slug}: ${errors.join(" | ")}`);
      }
    }
  }
  throw new Error(`${label}: still in the form after 60 steps (${page.url()})`);
}

/**
 * Goes through the whole public form from the intro page; returns the
 * reference shown on the confirmation page. `axe` checks every distinct
 * screen.
 */
export async function fileSignalement(page, base, profile, { axe = true, js = true } = {}) {
  const payload = loadPayload(profile);
  await page.goto(`${base}/signalement?profil=${profile}`);
  if (axe) await checkAccessibility(page, "intro");
  await page.click("button:has-text('Commencer')");
  const seen = await walkSteps(page, payload, { axe, js, label: profile });
  if (!page.url().includes("/confirmation")) throw new Error(`${profile}: no confirmation after ${seen.length} steps`);
  if (axe) await checkAccessibility(page, "confirmation");
  const reference = (await page.textContent("#reference")).trim();
  return { reference, payload, steps: seen };
}
