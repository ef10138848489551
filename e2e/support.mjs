// Shared by the end-to-end tests: a real histologe-web process on a fresh
// SQLite database, real headless Chromium driven by playwright-core, and
// axe-core run on every page visited.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "..");
const AXE = path.join(root, "node_modules/axe-core/axe.min.js");
// Copies of ../shared/data/form-payloads kept in the repository (CI has only the clone).
export const PAYLOADS = process.env.HISTOLOGE_PAYLOADS ?? path.join(root, "crates/core/src/form/testdata");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * Starts histologe-web on a fresh database, with `extraEnv` added to its
 * environment; resolves once /readyz answers.
 */
export async function startServer(extraEnv = {}) {
  const bin = process.env.HISTOLOGE_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error(`HISTOLOGE_BIN must name the built histologe-web binary (got ${bin})`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "histologe-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/e2e.db`,
    HISTOLOGE_LISTEN: `127.0.0.1:${port}`,
    HISTOLOGE_BASE_URL: base,
    HISTOLOGE_ASSETS_DIR: path.join(root, "node_modules"),
    HISTOLOGE_OUTBOX_DIR: path.join(dir, "outbox"),
    STORAGE_URL: `file://${dir}/files`,
    RUST_LOG: process.env.RUST_LOG ?? "warn",
    ...extraEnv,
  };
  const child = spawn(bin, ["serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`histologe-web exited (${child.exitCode}):\n${output}`);
    }
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`histologe-web did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    dir,
    output: () => output,
    outbox: () => {
      const box = path.join(dir, "outbox");
      if (!existsSync(box)) return [];
      return readdirSync(box).filter((f) => f.endsWith(".json")).sort()
        .map((f) => JSON.parse(readFileSync(path.join(box, f), "utf8")));
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", resolve);
      child.kill("SIGINT");
    }),
  };
}

/** What the Content-Security-Policy blocked on any page of any context. */
const cspViolations = [];

/**
 * Headless Chromium. Every context enforces the site's policy, and what
 * the policy blocks is recorded: `checkAccessibility` fails on it, since
 * a violation on our own pages is a defect.
 */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext({ ...options, bypassCSP: false });
    context.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        cspViolations.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
      }
    });
    return context;
  };
  return browser;
}

/** Fails with what the Content-Security-Policy blocked so far. */
export function assertNoCspViolation(what) {
  if (cspViolations.length) {
    const found = cspViolations.splice(0);
    throw new Error(`Content-Security-Policy violation(s) by ${what}:\n  ${found.join("\n  ")}`);
  }
}

const AXE_SOURCE = readFileSync(AXE, "utf8");

/**
 * axe-core on the current page: fails with the list of violations, and
 * with any Content-Security-Policy violation seen so far. axe is run
 * through the browser's debugging protocol, which the page's policy does
 * not govern, so that the policy stays enforced.
 */
export async function checkAccessibility(page, what) {
  assertNoCspViolation(`the pages before ${what}`);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
  });
  const violations = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`);
  if (violations.length) {
    throw new Error(`axe-core: ${violations.length} violation(s) on ${what} (${page.url()}):\n  ${violations.join("\n  ")}`);
  }
  assertNoCspViolation(what);
}

/** Waits until htmx has no request in flight. */
export async function settle(page) {
  await page.waitForFunction(() => document.querySelectorAll(".htmx-request").length === 0, null, { timeout: 10_000 });
}

/** A valid 16×16 PNG photo. */
export const PHOTO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAABlklEQVR4nBXRURVEIQhFUSMYgQhGMAIRiGCEE8EIRiACEYhABCLMG7/ZrMt1jMEcyGAN9kAHNjgDBnfwBj6IQQ5q0IMxJnMikzXZE53Y5EyY3Mmb+CQmOalJzw8IUxBhCVtQwYQjIFzhCS6EkEIJLR9YzIUs1mIvdGGLs2BxF2/hi1jkoha9PrCZG9mszd7oxjZnw+Zu3sY3sclNbXp/QJmKKEvZiiqmHAXlKk9xJZRUSmn9gDENMZaxDTXMOAbGNZ7hRhhplNH2gcM8yGEd9kEPdjgHDvfwDn6IQx7q0OcD/wK/Sr4jv9hfkG/1N/x/Fx44BCQU9Pc94zIvclmXfdGLXc79j9/Lu/glLnmpS98PPOZDHuuxH/qwx3n/5ffxHv6IRz7q0e8DznTEWc521DHn+D/KdZ7jTjjplNP+gWAGEqxgBxpYcOIf/AYv8CCCDCro+EAyE0lWshNNLDn5P/MmL/Ekkkwq6fxAMQspVrELLaw49S/lFq/wIoosquj6QDMbaVazG22sOf2v8Dav8SaabKrp5geIAnAQEbP2+wAAAABJRU5ErkJggg==",
  "base64",
);

/** The newest e-mail of `server`'s outbox sent to `to` whose text matches `pattern`. */
export async function waitForEmail(server, to, pattern) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = server.outbox().reverse().find((m) => m.to.includes(to) && pattern.test(m.text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
