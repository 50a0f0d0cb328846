import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locale } from './messages';

type Table = Readonly<Record<string, string>>;
const tables = new Map<Locale, Table>();

/**
 * Words that come from the libraries rather than the catalogue (vocabulary labels from labelOf, the review form
 * definitions' titles and answer labels), in another language: `labels.<locale>.json` maps each English label to
 * its translation. English needs no table.
 */
function table(locale: Locale): Table {
  if (locale === 'en') return {};
  let found = tables.get(locale);
  if (!found) {
    try {
      found = JSON.parse(readFileSync(path.join(__dirname, `labels.${locale}.json`), 'utf8')) as Table;
    } catch {
      found = {};
    }
    tables.set(locale, found);
  }
  return found;
}

/** One library label in the locale (itself when the table has none). */
export function labelIn(locale: Locale, english: string): string {
  return Object.hasOwn(table(locale), english) ? table(locale)[english] : english;
}

/**
 * A page's view model with every string that is exactly a library label replaced by its translation (arrays and
 * plain objects walked; dates and other instances left alone). Free text that happens to equal a label ("Other")
 * is translated too, which is what a reader of that language expects.
 */
export function localiseModel<T>(locale: Locale, model: T): T {
  const words = table(locale);
  if (!Object.keys(words).length) return model;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (Object.hasOwn(words, value)) return words[value];
      // An officer's pseudonym for an external panel (libs/auth officerToken): "Officer 7KQ2MX".
      const pseudonym = /^Officer ([0-9A-Z]{6})$/.exec(value);
      return pseudonym && Object.hasOwn(words, 'Officer') ? `${words.Officer} ${pseudonym[1]}` : value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(model) as T;
}
