import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** The package version, found by walking up from this file (works from sources and from dist/). */
export function appVersion(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'scrutiny') return (cached = pkg.version ?? '0.0.0');
    }
    if (path.dirname(dir) === dir) return (cached = '0.0.0');
  }
}
