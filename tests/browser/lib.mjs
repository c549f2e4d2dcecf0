// Shared by the browser tests: launch Debian's Chromium headless and fail loudly with a reason.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    // Root in CI needs --no-sandbox; the rest keep Chromium off the (closed) network.
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

export function args(names) {
  const values = process.argv.slice(2);
  if (values.length < names.length) {
    console.error(`usage: node ${process.argv[1]} ${names.join(" ")}`);
    process.exit(2);
  }
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

export function outDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function signIn(page, base, tenant, email, password) {
  await page.goto(`${base}/login?tenant=${tenant}`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
}

export async function run(main) {
  try {
    await main();
  } catch (error) {
    console.error(error.stack || String(error));
    process.exit(1);
  }
}
