import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/portal';

/**
 * Builds the portal into dist/portal, where the gateway serves it from. Tests run the gateway
 * from source, so nothing else builds it; vite takes a few seconds.
 */
export async function buildPortal(): Promise<void> {
  const args = ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/portal/vite.config.ts', '--logLevel', 'warn'];
  try {
    await promisify(execFile)(process.execPath, args, { timeout: 120_000 });
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`vite build failed (${e.code}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Debian's chromium (apt-get install chromium), headless; no sandbox because CI runs as root. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Kept as test artifacts; test-results/ is gitignored. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
