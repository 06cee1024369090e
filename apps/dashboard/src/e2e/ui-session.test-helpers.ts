import type { Browser, Page } from 'playwright-core';
import { DESKTOP } from './browser.test-helpers.js';

// reports what the Content-Security-Policy refused, from the first script on every page
const CSP_PROBE = `document.addEventListener('securitypolicyviolation', (e) => window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));`;

/** Script errors and Content-Security-Policy violations of every watched page, for a final "none happened" check. */
export interface PageProblems {
  readonly pageErrors: string[];
  readonly cspViolations: string[];
  watch(page: Page): Promise<void>;
}

export function pageProblems(): PageProblems {
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  return {
    pageErrors,
    cspViolations,
    async watch(page) {
      await page.exposeFunction('__reportCsp', (violation: string) => cspViolations.push(`${page.url()}: ${violation}`));
      await page.addInitScript({ content: CSP_PROBE });
      page.on('pageerror', (error) => pageErrors.push(error.message));
    },
  };
}

/** Fills and submits the login form shown on `page`. */
export async function signIn(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.getByLabel('User name').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export interface SignedInPageOptions {
  baseUrl: string;
  credentials: { username: string; password: string };
  /** Where to land after signing in (default the overview). */
  path?: string;
  colorScheme?: 'dark' | 'light';
  viewport?: { width: number; height: number };
  timeoutMs?: number;
  problems?: PageProblems;
}

/** A fresh browser context (its own cookies), signed in through the login form, at `path`. */
export async function signedInPage(browser: Browser, options: SignedInPageOptions): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'dark', reducedMotion: 'reduce' });
  context.setDefaultTimeout(options.timeoutMs ?? 20_000);
  const page = await context.newPage();
  await options.problems?.watch(page);
  const path = options.path ?? '/';
  await page.goto(`${options.baseUrl}/login?next=${encodeURIComponent(path)}`);
  await signIn(page, options.credentials);
  await page.waitForURL(`${options.baseUrl}${path}`);
  return page;
}
