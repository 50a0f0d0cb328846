import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { QueryRunner } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';

/** Columns of the per-import staging table, in order. */
export const STAGING_COLUMNS = [
  ['id', 'uuid'],
  // The row's content key and its number among identical rows of the file (dedupKey).
  ['dedup_key', 'uuid'],
  ['period', 'date'],
  ['search_type', 'text'],
  ['occurred_at', 'timestamptz'],
  ['part_of_operation', 'boolean'],
  ['operation_name', 'text'],
  ['latitude', 'float8'],
  ['longitude', 'float8'],
  ['gender', 'text'],
  ['age_range', 'text'],
  ['self_defined_ethnicity', 'text'],
  ['officer_defined_ethnicity', 'text'],
  ['legislation', 'text'],
  ['object_of_search', 'text'],
  ['outcome', 'text'],
  ['outcome_linked_to_object', 'boolean'],
  ['clothing_removed', 'boolean'],
  // The local authority the row's point lies in (placed while parsing), or null for the force as a whole.
  ['area_code', 'text'],
] as const;

export type StagedRow = (string | number | boolean | null)[];

/** A staging table's columns as [name, SQL type], in the order rows give their values. */
export type StagingColumns = readonly (readonly [string, string])[];

/** Loads staged rows into the staging table of the current transaction. */
export interface StagingWriter {
  /** Buffers a row; answers a promise only when the buffer went out and must be awaited (back-pressure). */
  write(row: StagedRow): Promise<void> | undefined;
  finish(): Promise<void>;
  /** Ends a failed load so the connection can roll back (an open COPY would hold it). */
  abort(reason: Error): Promise<void>;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** A value as a field of COPY's CSV: null as nothing, the empty string and text with separators quoted. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  return value === '' || NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** PostgreSQL: one COPY … FROM STDIN (CSV) stream on the transaction's own connection, honouring back-pressure. */
export async function copyStagingWriter(
  runner: QueryRunner,
  table: string,
  columns: StagingColumns = STAGING_COLUMNS,
): Promise<StagingWriter> {
  const client = (await runner.connect()) as { query: (stream: Writable) => Writable };
  const stream = client.query(
    copyFrom(`COPY ${table} (${columns.map((c) => c[0]).join(', ')}) FROM STDIN WITH (FORMAT csv)`),
  );
  let failure: Error | undefined;
  stream.on('error', (error: Error) => (failure = error));
  // Rows are sent in ~64 KiB CopyData messages: one message per row costs more than the row itself.
  let buffer = '';
  const send = async () => {
    if (failure) throw failure;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  return {
    write(row) {
      buffer += `${row.map(csvField).join(',')}\n`;
      return buffer.length >= 65_536 ? send() : undefined;
    },
    async finish() {
      if (buffer) await send();
      if (failure) throw failure;
      stream.end();
      await once(stream, 'finish');
      if (failure) throw failure;
    },
    async abort(reason) {
      if (stream.destroyed || stream.writableFinished) return;
      // Destroying the stream sends CopyFail: the server ends the COPY with an error and the connection is free again.
      const closed = once(stream, 'close').catch(() => undefined);
      stream.destroy(reason);
      await closed;
    },
  };
}

/**
 * The embedded engine (PGlite) cannot take a COPY stream through its node-postgres shim, so rows go in batches
 * of INSERT … SELECT FROM unnest(…): same staging table, same final statement.
 */
export function insertStagingWriter(
  runner: QueryRunner,
  table: string,
  batchSize = 2000,
  staged: StagingColumns = STAGING_COLUMNS,
): StagingWriter {
  let batch: StagedRow[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const columns = staged.map(([name, type], i) => ({ name, type, values: batch.map((r) => r[i]) }));
    await runner.query(
      `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')})
       SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`,
      columns.map((c) => c.values),
    );
    batch = [];
  };
  return {
    write(row) {
      batch.push(row);
      return batch.length >= batchSize ? flush() : undefined;
    },
    finish: flush,
    async abort() {
      batch = [];
    },
  };
}

/**
 * Loads rows into a staging table a batch at a time and runs `load` (the set-based statements that move a batch on)
 * after each, on the import's one connection and in its one transaction, emptying the table after. While PostgreSQL
 * copies and inserts batch k, the caller parses batch k+1: at most one batch is in flight, so the two cores work at
 * once and memory holds two batches, whatever the file size. The caller must send nothing else on the connection
 * until `finish` (on PostgreSQL: hold rejections, read the file through the pool). `write` answers a promise only when the caller must
 * wait for the batch in flight (it hands the next one over as soon as that settles).
 */
export interface BatchLoader {
  write(row: StagedRow): Promise<void> | undefined;
  /**
   * PostgreSQL only: a row already written as one line of COPY CSV (fields in the columns' order, quoted where
   * csvField would quote them, ending in a newline), for callers that can write it without an array per row.
   */
  writeLine(line: string): Promise<void> | undefined;
  /** Loads what is left and waits for every batch. */
  finish(): Promise<void>;
  /** Stops after a failure: waits for the batch in flight to settle (its error, if any, is the caller's to ignore). */
  abort(reason: Error): Promise<void>;
}

export interface BatchLoaderOptions {
  runner: QueryRunner;
  table: string;
  columns: StagingColumns;
  engine: 'postgres' | 'embedded';
  /** Runs after each batch is in the staging table, before it is emptied. */
  load: () => Promise<void>;
  /** Rows per batch: large enough that a statement's fixed cost (and the rollup trigger's) is small per row. */
  batchRows?: number;
}

export function batchLoader(options: BatchLoaderOptions): BatchLoader {
  const { runner, table, columns, engine, load } = options;
  const batchRows = options.batchRows ?? (engine === 'postgres' ? 25_000 : 10_000);
  const names = columns.map((c) => c[0]).join(', ');
  // PostgreSQL: the batch as COPY text in ~64 KiB pieces (one CopyData message each); embedded: column arrays.
  let pieces: Buffer[] = [];
  let text = '';
  let arrays: unknown[][] = columns.map(() => []);
  let rows = 0;
  let inFlight: Promise<void> | undefined;
  let failure: Error | undefined;

  const copy = async (chunks: Buffer[]) => {
    const client = (await runner.connect()) as { query: (stream: Writable) => Writable };
    const stream = client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN WITH (FORMAT csv)`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    done.catch(() => undefined); // awaited below; a failure while writing must not count as unhandled
    for (const chunk of chunks) if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
    stream.end();
    await done;
  };
  const insert = async (values: unknown[][]) => {
    await runner.query(
      `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`,
      values,
    );
  };
  const handOver = async (): Promise<void> => {
    if (inFlight) await inFlight;
    if (failure) throw failure;
    if (!rows) return;
    let send: () => Promise<void>;
    if (engine === 'postgres') {
      if (text) pieces.push(Buffer.from(text));
      const chunks = pieces;
      send = () => copy(chunks);
    } else {
      const values = arrays;
      send = () => insert(values);
    }
    pieces = [];
    text = '';
    arrays = columns.map(() => []);
    rows = 0;
    inFlight = (async () => {
      await send();
      await load();
      await runner.query(`TRUNCATE ${table}`);
    })().catch((error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
    });
    // The embedded engine runs in this thread (nothing to overlap) and its one connection also serves the file's
    // reads and the rejections: each batch finishes before parsing goes on, so queries never overlap.
    if (engine !== 'postgres') await inFlight;
  };
  const writeLine = (line: string) => {
    text += line;
    // As bytes at once: a string built by appending keeps every appended piece alive until it is flattened.
    if (text.length >= 65_536) {
      pieces.push(Buffer.from(text));
      text = '';
    }
    return ++rows >= batchRows ? handOver() : undefined;
  };
  return {
    write(row) {
      if (engine === 'postgres') return writeLine(`${row.map(csvField).join(',')}\n`);
      for (let i = 0; i < row.length; i++) arrays[i].push(row[i]);
      return ++rows >= batchRows ? handOver() : undefined;
    },
    writeLine(line) {
      if (engine !== 'postgres') throw new Error('writeLine is for COPY (PostgreSQL); the embedded engine takes rows');
      return writeLine(line);
    },
    async finish() {
      await handOver();
      if (inFlight) await inFlight;
      if (failure) throw failure;
    },
    async abort() {
      pieces = [];
      arrays = [];
      if (inFlight) await inFlight;
    },
  };
}
