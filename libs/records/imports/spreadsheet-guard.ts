/** What a spreadsheet would run as a formula: = + - @ (or tab, CR) first, after any apostrophes already there. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A number as the exports write one (a coordinate, -0.1): a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;
/** The apostrophe spreadsheetSafe added: one, before what it guards. */
const GUARD = /^'(?='*[=+\-@\t\r])/;

/**
 * A cell a spreadsheet opens as text, not a formula (text from outside the force reaches police staff's
 * spreadsheets): one apostrophe before a formula's first character. Cells already starting with apostrophes before
 * one are guarded too, so that unguardCell, which every importer applies, gives back exactly what was written.
 */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** The inverse of spreadsheetSafe: a file the system exported imports as exactly what it held. */
export function unguardCell(cell: string): string {
  return cell.charCodeAt(0) === 39 && GUARD.test(cell) ? cell.slice(1) : cell;
}
