/**
 * npm run bench:web [-- --runs 30]
 *
 * Server time of every supervisor page of the web workspace at the demo data size: starts the real API exactly as
 * `npm start` does with zero setup (embedded database in a fresh temporary DATA_DIR, demo users and records seeded),
 * signs in as the demo supervisor and requests each page `runs` times over loopback, one at a time. Prints p50, p95
 * and the maximum per page beside the floor (200 ms); exits 1 when a page's p95 is over it. Not a test.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, loadConfig } from '@scrutiny/core';
import { createApiApp } from '../apps/api/create-api-app';
import { percentile, runBench } from './bench-database';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(values.runs);
const FLOOR_MS = 200;

/** A browser's cookie jar of one: the session cookie. */
class Browser {
  private cookie = '';
  constructor(private readonly base: string) {}

  async get(pathname: string): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(this.base + pathname, {
      headers: { accept: 'text/html', cookie: this.cookie },
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  async post(pathname: string, form: Record<string, string>): Promise<{ status: number; location: string | null }> {
    const res = await fetch(this.base + pathname, {
      method: 'POST',
      headers: { accept: 'text/html', cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    await res.text();
    return { status: res.status, location: res.headers.get('location') };
  }

  private keep(res: Response): void {
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    const jar = new Map(this.cookie ? this.cookie.split('; ').map((c) => c.split('=') as [string, string]) : []);
    for (const c of cookies) {
      const [name, ...rest] = c.split('=');
      jar.set(name, rest.join('='));
    }
    this.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scrutiny-bench-web-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000' });
  const started = Date.now();
  const app = await createApiApp(config, createLogger('silent'));
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    process.stdout.write(`started in ${((Date.now() - started) / 1000).toFixed(1)} s (embedded, demo data)\n`);
    const browser = new Browser(base);
    const signIn = await browser.get('/sign-in');
    const signedIn = await browser.post('/sign-in', {
      _csrf: csrfOf(signIn.text),
      username: 'supervisor',
      password: config.demo.password,
    });
    if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
    // The demo records and samples are seeded in the background at start-up: wait for the supervisor's reviews.
    let reviewHref: string | undefined;
    for (let waited = 0; waited < 120 && !reviewHref; waited++) {
      const list = await browser.get('/reviews?status=due');
      reviewHref = /href="(\/reviews\/[0-9a-f-]{36})"/.exec(list.text)?.[1];
      if (!reviewHref)
        reviewHref = /href="(\/reviews\/[0-9a-f-]{36})"/.exec((await browser.get('/reviews?status=done')).text)?.[1];
      if (!reviewHref) await new Promise((r) => setTimeout(r, 1000));
    }
    const samples = await browser.get('/samples');
    const sampleHref = /href="(\/samples\/[0-9a-f-]{36})"/.exec(samples.text)?.[1];
    const pages = [
      '/sign-in',
      '/reviews',
      '/reviews?status=done',
      ...(reviewHref ? [reviewHref] : []),
      '/samples',
      '/samples/new',
      ...(sampleHref ? [sampleHref, `${sampleHref}/verification`] : []),
      '/footage-at-risk',
      '/notifications',
      '/account/password',
    ];
    process.stdout.write(
      `${RUNS} requests per page, one at a time; floor: p95 under ${FLOOR_MS} ms\n` +
        `${'page'.padEnd(64)} ${'status'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}\n`,
    );
    let over = 0;
    for (const page of pages) {
      await browser.get(page); // warm: templates compiled, caches filled
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        status = (await browser.get(page)).status;
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const p95 = percentile(times, 95);
      if (p95 >= FLOOR_MS) over++;
      const label = page.replace(/[0-9a-f-]{36}/, ':id');
      process.stdout.write(
        `${label.padEnd(64)} ${String(status).padStart(6)} ${percentile(times, 50).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)} ${Math.max(
          ...times,
        )
          .toFixed(1)
          .padStart(8)}${p95 >= FLOOR_MS ? '  OVER' : ''}\n`,
      );
    }
    if (!reviewHref) process.stdout.write('note: no review page measured (the demo supervisor had no reviews)\n');
    if (over) process.exitCode = 1;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
