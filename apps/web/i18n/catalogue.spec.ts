import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { keysOf, lookup, translate } from './messages';

const VIEWS = path.join(__dirname, '..', 'views');

function viewFiles(dir = VIEWS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? viewFiles(path.join(dir, e.name)) : e.name.endsWith('.njk') ? [path.join(dir, e.name)] : [],
  );
}

const views = viewFiles().map((file) => ({ name: path.relative(VIEWS, file), text: readFileSync(file, 'utf8') }));

describe('message catalogue (en)', () => {
  it('has every key a view uses', () => {
    const missing = views.flatMap(({ name, text }) =>
      [...text.matchAll(/\bt\(\s*'([^']+)'\s*[,)]/g)]
        .map((m) => m[1])
        .filter((key) => !lookup('en', key))
        .map((key) => `${name}: ${key}`),
    );
    expect(missing).toEqual([]);
  });

  it('leaves no English in the views outside the catalogue (text between tags is only template code)', () => {
    const bare = views.flatMap(({ name, text }) => {
      const words = text
        .replace(/\{#[\s\S]*?#\}/g, ' ')
        .replace(/\{\{[\s\S]*?\}\}/g, ' ')
        .replace(/\{%[\s\S]*?%\}/g, ' ')
        .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .split(/\s+/)
        // A file name's extension after a value ({{ name }}.csv) is not words.
        .filter((w) => /[A-Za-z]{2,}/.test(w) && !/^\.[a-z0-9]{1,5}$/.test(w));
      return words.length ? [`${name}: ${words.slice(0, 8).join(' ')}`] : [];
    });
    expect(bare).toEqual([]);
  });

  it('fills in parameters and answers a missing key with the key', () => {
    expect(translate('en', 'common.signedInAs', { name: 'Sam' })).toBe('Signed in as Sam');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
    expect(keysOf('en').length).toBeGreaterThan(20);
  });
});
