import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { unguardCell } from './spreadsheet-guard';

export interface CsvRecord {
  cells: string[];
  /** Line number of the record's first line (1-based). */
  line: number;
}

/**
 * Splits one logical record. Fast path for lines without quotes; RFC 4180 quoting otherwise. The formula guard the
 * exports add (csvLine) is taken off, so every import format reads an exported file as exactly what was exported.
 */
function splitRecord(text: string): string[] {
  const cells = splitQuoted(text);
  return text.indexOf("'") < 0 ? cells : cells.map(unguardCell);
}

function splitQuoted(text: string): string[] {
  if (text.indexOf('"') < 0) return text.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** True when the text leaves a quoted field open (a record that continues on the next line). */
function opensQuote(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}

/**
 * CSV records from a byte stream, with line numbers: LF or CRLF, a leading BOM, quoted fields (including ones
 * spanning lines); blank lines are skipped. Invalid UTF-8 decodes to U+FFFD, which the row mappers reject. Yields
 * the records of each chunk read together (one await per chunk, not per row: per-row promises cost more than the
 * parsing), and holds one chunk and one record in memory, whatever the file size.
 */
export async function* csvRecordBatches(input: Readable, maxRecordChars = 1 << 20): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNo = 0;
  let record = '';
  let recordLine = 0;
  let first = true;
  let batch: CsvRecord[] = [];
  const take = (line: string): void => {
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (record) {
      record += `\n${line}`;
    } else {
      if (line === '') return;
      record = line;
      recordLine = lineNo;
    }
    // An unclosed quote continues onto the next line, up to a limit (a stray quote must not swallow the file).
    if (opensQuote(record) && record.length < maxRecordChars) return;
    batch.push({ cells: splitRecord(record), line: recordLine });
    record = '';
  };
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      take(pending.slice(start, nl));
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (batch.length) {
      yield batch;
      batch = [];
    }
  }
  pending += decoder.end();
  if (pending) take(pending);
  if (record) batch.push({ cells: splitRecord(record), line: recordLine });
  if (batch.length) yield batch;
}

/** The records of csvRecordBatches one at a time. */
export async function* csvRecords(input: Readable, maxRecordChars = 1 << 20): AsyncGenerator<CsvRecord> {
  for await (const batch of csvRecordBatches(input, maxRecordChars)) yield* batch;
}
