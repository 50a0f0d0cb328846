import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The languages the workspace speaks: English and Welsh (the Welsh Language Standards of the four Welsh forces). */
export const LOCALES = ['en', 'cy'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

type Catalogue = { [key: string]: string | Catalogue };

const catalogues = new Map<Locale, Catalogue>();

function catalogue(locale: Locale): Catalogue {
  let found = catalogues.get(locale);
  if (!found) {
    found = JSON.parse(readFileSync(path.join(__dirname, `${locale}.json`), 'utf8')) as Catalogue;
    catalogues.set(locale, found);
  }
  return found;
}

/** The message at a dotted key, or undefined when the catalogue has none (or the key names a group). */
export function lookup(locale: Locale, key: string): string | undefined {
  let node: string | Catalogue | undefined = catalogue(locale);
  for (const part of key.split('.')) {
    if (!node || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Every key of a catalogue, dotted (for the test that views use only keys that exist). */
export function keysOf(locale: Locale): string[] {
  const out: string[] = [];
  const walk = (node: Catalogue, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') out.push(prefix + k);
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(catalogue(locale), '');
  return out;
}

/**
 * The message at `key` with `{name}` placeholders filled in. A missing key is a programming error: it shows as the
 * key itself (so a page still renders) and the catalogue test names it.
 */
export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const message = lookup(locale, key) ?? lookup(DEFAULT_LOCALE, key) ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}
