import fs from "node:fs";
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from "playwright-core";
import { tempDir } from "./database.js";

/** Debian's Chromium, which .ci/run installs: never a browser download. */
const CHROMIUM = "/usr/bin/chromium";

/** A browser test's `skip`: CI always has Chromium; elsewhere this says what is missing. */
export const noChromium = !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing: apt-get install -y chromium`;

/**
 * Headless Chromium. The machine has no network: without the
 * background-networking flags Chromium tries Google's hosts at every start.
 */
const LAUNCH: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/** A fresh headless Chromium with an empty profile, as one context. */
export function launchChromium(options: Omit<Parameters<typeof chromium.launchPersistentContext>[1], keyof LaunchOptions> = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir("ps-chromium-"), { ...LAUNCH, ...options });
}

/**
 * A headless Chromium for several contexts (each with its own cookies,
 * locale, script setting): one browser's start is most of a context's cost.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch(LAUNCH);
}
