#!/usr/bin/env node
// `node scripts/build-stamp.mjs check`: exits 0 when dist/ was built from exactly the sources there are now, so
// `npm start` can skip the build (a second or more, and it counts toward the time to a first answer).
// `node scripts/build-stamp.mjs write`: the last step of `npm run build`, recording what dist/ was built from.
// The stamp is a hash of every file the build reads (contents, not times: a checkout or a copy changes times).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(root, 'dist', '.build-stamp');
// package.json holds the build command itself; package-lock.json the versions of what is compiled against or copied.
const INPUTS = ['apps', 'libs', 'migrations', 'bench', 'scripts', '.swcrc', 'package.json', 'package-lock.json'];

function hashTree(hash, rel) {
  const abs = path.join(root, rel);
  let stat;
  try {
    stat = fs.statSync(abs);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(abs).sort()) hashTree(hash, path.join(rel, name));
  } else {
    hash.update(`${rel}\0${stat.size}\0`).update(fs.readFileSync(abs));
  }
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const input of INPUTS) hashTree(hash, input);
  return hash.digest('hex');
}

const mode = process.argv[2];
if (mode === 'write') {
  fs.writeFileSync(STAMP, `${fingerprint()}\n`);
} else if (mode === 'check') {
  let stamp = '';
  try {
    stamp = fs.readFileSync(STAMP, 'utf8').trim();
  } catch {
    /* never built */
  }
  process.exit(stamp === fingerprint() ? 0 : 1);
} else {
  console.error('usage: node scripts/build-stamp.mjs check|write');
  process.exit(64);
}
