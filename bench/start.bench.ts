import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBench } from './bench-database';

/**
 * The zero-setup start (issue 17): `npm start` on an empty DATA_DIR (in a temporary directory) until /health first
 * answers 200, the process's resident memory then and after 10 s idle, and the same for a restart on that directory.
 * dist/ is current when it runs (`npm run bench:start` builds first), as after `npm ci` (whose prepare step builds).
 * Then the build's own times: the up-to-date check `npm start` makes, a rebuild, and the embedded database archive
 * made from scratch (a first build on a new machine). Targets: /health within 7 s, idle RSS at most 500 MB.
 *
 *   npm run bench:start [-- --runs 3] [-- --skip-build]
 */
const ROOT = path.resolve(__dirname, '..', '..');
const TARGET_SECONDS = 7;
const TARGET_MB = 500;
const IDLE_MS = 10_000;

interface StartRun {
  seconds: number;
  rssAtHealthMb: number;
  rssIdleMb: number;
  peakMb: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process, in MB (from /proc: the kernel's own figures, not Node's estimate). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** `npm start` runs the API as a grandchild (npm → sh → node): find the node process running main.js. */
function apiProcess(rootPid: number): number | undefined {
  const children = (pid: number): number[] => {
    try {
      return fs
        .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (/(^|\/)node$/.test(argv[0]) && argv.some((a) => a.endsWith('dist/apps/api/main.js'))) return pid;
    } catch {
      continue;
    }
    queue.push(...children(pid));
  }
  return undefined;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Stops npm, its shell and the API (one process group), and waits for the API itself to be gone. */
async function stop(child: ChildProcess, apiPid: number | undefined): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  while (apiPid && fs.existsSync(`/proc/${apiPid}`)) await new Promise((r) => setTimeout(r, 50));
}

async function startOnce(dataDir: string, log: string): Promise<StartRun> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'DATABASE_READ_URL', 'NODE_ENV']) delete env[key];
  const out = fs.openSync(log, 'a');
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  let pid: number | undefined;
  try {
    while (!(await healthy(port))) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: see ${log}`);
      if (performance.now() - started > 120_000) throw new Error(`no answer from /health in 120 s: see ${log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const seconds = (performance.now() - started) / 1000;
    pid = apiProcess(child.pid!);
    if (!pid) throw new Error('could not find the API process under npm start');
    const atHealth = memoryOf(pid);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = memoryOf(pid);
    return { seconds, rssAtHealthMb: atHealth.rss, rssIdleMb: idle.rss, peakMb: idle.hwm };
  } finally {
    await stop(child, pid ?? apiProcess(child.pid!));
    fs.closeSync(out);
  }
}

function timed(command: string, args: string[]): { seconds: number; status: number | null } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { seconds: (performance.now() - started) / 1000, status: result.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mark = (ok: boolean) => (ok ? 'meets' : 'MISSES');

function report(label: string, runs: StartRun[]): void {
  const seconds = median(runs.map((r) => r.seconds));
  const idle = median(runs.map((r) => r.rssIdleMb));
  console.log(
    `${label.padEnd(34)} /health after ${seconds.toFixed(2)} s (≤ ${TARGET_SECONDS} s: ${mark(seconds <= TARGET_SECONDS)})` +
      `  RSS at /health ${median(runs.map((r) => r.rssAtHealthMb)).toFixed(0)} MB, after ${IDLE_MS / 1000} s idle ` +
      `${idle.toFixed(0)} MB (≤ ${TARGET_MB} MB: ${mark(idle <= TARGET_MB)}), peak ${median(runs.map((r) => r.peakMb)).toFixed(0)} MB` +
      (runs.length > 1 ? `  [${runs.map((r) => r.seconds.toFixed(2)).join(', ')} s]` : ''),
  );
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-start-bench-'));
  const log = path.join(scratch, 'api.log');
  console.log(
    `zero-setup start, ${runs} run(s), median; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (other work on the machine slows every figure)`,
  );
  const fresh: StartRun[] = [];
  const warm: StartRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dataDir = path.join(scratch, `data-${i}`);
      fresh.push(await startOnce(dataDir, log));
      warm.push(await startOnce(dataDir, log));
    }
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(scratch, { recursive: true, force: true });
  }
  report('first start (empty DATA_DIR)', fresh);
  report('restart (same DATA_DIR)', warm);

  if (process.argv.includes('--skip-build')) return;
  const check = timed('node', ['scripts/build-stamp.mjs', 'check']);
  console.log(
    `build, dist current: the check npm start makes    ${check.seconds.toFixed(2)} s (${check.status === 0 ? 'skips the build' : 'would build'})`,
  );
  const rebuild = timed('npm', ['run', 'build', '--silent']);
  console.log(
    `build, sources changed: npm run build             ${rebuild.seconds.toFixed(2)} s (archive from the cache)`,
  );
  const archive = timed('node', ['scripts/build-embedded-archive.mjs', '--no-cache']);
  console.log(
    `build, new machine: the archive made from scratch  ${archive.seconds.toFixed(2)} s more (run by npm ci's prepare step)`,
  );
}

runBench(main);
