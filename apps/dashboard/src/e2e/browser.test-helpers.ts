import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

// What the page functions below touch in the browser; declared here (module-scoped) so this
// Node-side project needs no DOM library.
interface Pixels {
  data: Uint8ClampedArray;
}
interface Canvas2d {
  fillStyle: string;
  getImageData(x: number, y: number, width: number, height: number): Pixels;
}
interface CanvasElement {
  width: number;
  height: number;
  getContext(kind: '2d'): Canvas2d | null;
}
interface ElementWithin {
  querySelector(selector: 'canvas'): CanvasElement | null;
}
declare const document: { documentElement: { scrollWidth: number }; createElement(tag: 'canvas'): CanvasElement };
declare const window: { innerWidth: number };
declare function getComputedStyle(element: unknown): { getPropertyValue(name: string): string };

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** test-artifacts/e2e at the workspace root (gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../../test-artifacts/e2e/', import.meta.url));

/**
 * Debian's Chromium, headless, with everything that would phone home turned
 * off. Playwright gives every launch a fresh temporary profile (user-data dir).
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--metrics-recording-only',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 860 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Saves a full-page screenshot as test-artifacts/e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/**
 * Whether the canvas inside `chart` holds pixels of the CSS colour `variable`
 * (a series' stroke): uPlot draws axes and grid in other colours, so this is
 * only true once data was plotted.
 */
export async function chartHasDrawnSeries(chart: Locator, variable: string): Promise<boolean> {
  return chart.evaluate((figure: ElementWithin, name: string) => {
    const canvas = figure.querySelector('canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return false;
    const probe = document.createElement('canvas').getContext('2d');
    if (!probe) return false;
    probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    const hex = /^#([0-9a-f]{6})$/i.exec(String(probe.fillStyle))?.[1];
    if (!hex) return false;
    const want = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let matches = 0;
    for (let i = 0; i < data.length; i += 4) {
      const close = want.every((value, c) => Math.abs((data[i + c] ?? 0) - value) <= 24) && (data[i + 3] ?? 0) > 200;
      if (close && ++matches >= 20) return true;
    }
    return false;
  }, variable);
}

/** True when nothing sticks out sideways (the phone layout holds). */
export async function fitsViewportWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
