import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../setup/test-app';

/**
 * The browser tests' harness: the real API app (and its web workspace) listening on a random port, and Debian's
 * Chromium driven by playwright-core. Chromium is found by CHROMIUM_PATH or on the PATH; without it the tests are
 * skipped with a message, except in CI (CI=true), where a missing browser fails the run.
 */
export function findChromium(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : null;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on the PATH: try the next name
    }
  }
  return null;
}

const CHROMIUM = findChromium();
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** `describe`, or `describe.skip` with a message when there is no browser (failing instead in CI). */
export function describeInBrowser(name: string, body: () => void): void {
  if (CHROMIUM) {
    // A journey is many page loads, each rendered, run through axe and drawn by Chromium: on a busy 2-core CI machine
    // one step can take seconds, so a journey gets longer than Jest's default 30 s.
    return describe(name, () => {
      jest.setTimeout(120_000);
      body();
    });
  }
  if (IN_CI) {
    describe(name, () => {
      it('needs Chromium (set CHROMIUM_PATH or install the Debian chromium package)', () => {
        throw new Error('No Chromium found, and CI is set: browser tests must run in CI');
      });
    });
    return;
  }
  process.stderr.write(`[browser tests] skipped "${name}": no Chromium (set CHROMIUM_PATH or install chromium)\n`);
  describe.skip(name, body);
}

export interface BrowserHarness {
  t: TestApp;
  browser: Browser;
  baseUrl: string;
  /** A fresh context (cookies of its own); `javaScriptEnabled: false` to test without JavaScript. */
  newPage(options?: { javaScriptEnabled?: boolean }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** One app and one browser per test file (start-up is the slow part); `env.PORT` fixes the app's port. */
export async function startBrowserHarness(env: Record<string, string> = {}): Promise<BrowserHarness> {
  const t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000', ...env });
  // PORT, when given, is the port to listen on: a test that must know its base URL before start-up (PUBLIC_BASE_URL)
  // picks a free one first.
  const server = await t.app.listen(Number(env.PORT ?? 0), '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    t,
    browser,
    baseUrl,
    async newPage(options = {}) {
      const javaScriptEnabled = options.javaScriptEnabled ?? true;
      const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled });
      contexts.push(context);
      const page = await context.newPage();
      if (!javaScriptEnabled) NO_JAVASCRIPT.add(page);
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await t.close();
    },
  };
}

let axeSource: string | undefined;
/** Pages opened with JavaScript off: axe (a script) cannot run in them, so it checks a copy of their HTML. */
const NO_JAVASCRIPT = new WeakSet<Page>();

/**
 * For a page with JavaScript off: the same HTML, its scripts taken out (so it renders as without JavaScript), served
 * at the same URL in a page of a JavaScript-on context, where axe can run.
 */
async function scriptlessCopy(page: Page): Promise<Page> {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: true });
  const copy = await context.newPage();
  const url = page.url();
  await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await copy.goto(url);
  return copy;
}

/**
 * Runs axe-core on the page (WCAG 2.0, 2.1 and 2.2 A and AA rules, and best practice) and fails, naming each
 * violation, its rule and the elements, when there is any.
 */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
  if (NO_JAVASCRIPT.has(page)) {
    const copy = await scriptlessCopy(page);
    try {
      return await expectNoAxeViolations(copy, `${label} (without JavaScript)`);
    } finally {
      await copy.context().close();
    }
  }
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Injected as a script element's text would be refused by the pages' CSP; evaluate runs it outside the CSP.
  await page.evaluate(axeSource);
  // Runs in the page (no DOM types here): axe is the global the injected source defines.
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations as {
      id: string;
      impact: string;
      help: string;
      nodes: { target: string[]; failureSummary: string }[];
    }[];
  });
  if (violations.length) {
    const text = violations
      .map(
        (v) =>
          `- ${v.id} (${v.impact}): ${v.help}\n` +
          v.nodes.map((n) => `    at ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n'),
      )
      .join('\n');
    throw new Error(`axe found ${violations.length} accessibility violation(s) on ${label}:\n${text}`);
  }
}
