import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import {
  describeCensusImport,
  filenameForceProblem,
  importCensus,
  ImportsService,
  POLICE_FORCE_AREAS,
  type ImportFormat,
} from '@scrutiny/records';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand, type CommandEnv } from '../command';
import { importHomeOfficeUofFiles } from './import-home-office';

function readFile(path: string, what: string): string {
  if (!fs.existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  return fs.readFileSync(path, 'utf8');
}

async function importCensusFile(args: string[], env: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lookup: { type: 'string' }, year: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('give one population CSV file');
  const year = Number(values.year);
  if (!Number.isInteger(year) || year < 1801 || year > 2100)
    throw new UsageError('--year must be the census year, e.g. --year 2021');
  const populationCsv = readFile(positionals[0], 'population file');
  const lookupCsv = values.lookup ? readFile(values.lookup, 'lookup file') : undefined;
  return withCliContext(env.config, env.logger, async (app) => {
    const result = await app.get(DataSource).transaction(async (m) => {
      const r = await importCensus(m, {
        populationCsv,
        lookupCsv,
        censusYear: year,
        source: `import: ${positionals[0].split('/').pop()}`,
      });
      await app.get(AuditService).record(
        SYSTEM_ACTOR,
        {
          action: 'reference.census_imported',
          details: {
            file: positionals[0],
            year,
            characteristic: r.characteristic,
            added: r.added.length,
            replaced: r.replaced.length,
            partialForces: r.forces.filter((f) => f.status === 'partial').map((f) => f.code),
            problems: r.problems.length,
            unassigned: r.unassigned.length,
          },
        },
        m,
      );
      return r;
    });
    for (const line of describeCensusImport(result)) env.out(line);
    return result.problems.length || result.unassigned.length ? 1 : 0;
  });
}

/** A one-line progress bar on stderr (only on a terminal), so stdout stays a clean summary. */
function progressBar(label: string, totalBytes: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  return (rows: number, bytes: number) => {
    if (!stream.isTTY) return;
    const share = totalBytes ? Math.min(1, bytes / totalBytes) : 0;
    const width = 30;
    const filled = Math.round(share * width);
    const rate = Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en-GB')} rows  ${rate.toLocaleString('en-GB')} rows/s `,
    );
  };
}

/** Imports record files of one format (police.uk CSVs or a record kind's CSV template), one import per file. */
async function importRecordFiles(format: ImportFormat, args: string[], env: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'string' } } });
  const force = values.force;
  if (!force) throw new UsageError('--force is required (data.police.uk id, e.g. --force metropolitan, or ONS code)');
  if (!positionals.length) throw new UsageError('give one or more CSV files');
  for (const file of positionals) if (!fs.existsSync(file)) throw new UsageError(`file not found: ${file}`);
  // Before anything is opened: a file whose name names another force is refused, whichever files come with it.
  const forceCode = POLICE_FORCE_AREAS.find((f) => f.policeUkId === force || f.code === force)?.code;
  for (const file of positionals) {
    const named = forceCode && filenameForceProblem(file, forceCode);
    if (named) throw new UsageError(named);
  }
  return withCliContext(env.config, env.logger, async (app) => {
    let worst = 0;
    const imports = app.get(ImportsService);
    for (const file of positionals) {
      const size = fs.statSync(file).size;
      const bar = progressBar(file.split('/').pop() ?? file, size);
      const result = await imports.importFile(file, format, force, SYSTEM_ACTOR, bar);
      if (process.stderr.isTTY) process.stderr.write('\n');
      env.out(
        `${result.filename}: ${result.status}; read ${result.rowsRead}, imported ${result.rowsImported}, updated ${result.rowsUpdated}, duplicate ${result.rowsDuplicate}, rejected ${result.rowsRejected}${result.rowsWithNotices ? `, with notices ${result.rowsWithNotices}` : ''} (import ${result.id})`,
      );
      if (result.error) env.out(`  ${result.error}`);
      for (const r of result.rejected.slice(0, 20)) env.out(`  line ${r.line}: ${r.field}: ${r.reason}`);
      if (result.rejected.length > 20 || result.rejectedTruncated)
        env.out(`  … see GET /api/v1/imports/${result.id} for every rejected row`);
      for (const r of result.notices.slice(0, 20)) env.out(`  line ${r.line} (imported): ${r.field}: ${r.reason}`);
      if (result.notices.length > 20 || result.noticesTruncated)
        env.out(`  … see GET /api/v1/imports/${result.id} for every notice`);
      worst = Math.max(worst, result.status === 'failed' ? 2 : result.rowsRejected ? 1 : 0);
    }
    return worst;
  });
}

const FORMATS: Record<string, (args: string[], env: CommandEnv) => Promise<number>> = {
  census: importCensusFile,
  'home-office-uof': importHomeOfficeUofFiles,
  'police-uk': (args, env) => importRecordFiles('police-uk', args, env),
  'stop-searches': (args, env) => importRecordFiles('stop-searches', args, env),
  'bwv-clips': (args, env) => importRecordFiles('bwv-clips', args, env),
  'vehicle-stops': (args, env) => importRecordFiles('vehicle-stops', args, env),
  'use-of-force': (args, env) => importRecordFiles('use-of-force', args, env),
  // The complaints register's template (registered by the complaints lib), through the same pipeline.
  complaints: (args, env) => importRecordFiles('complaints' as ImportFormat, args, env),
};

export const importCommand: CliCommand = {
  name: 'import',
  usage:
    'import police-uk|stop-searches|vehicle-stops|use-of-force|bwv-clips|complaints <files…> --force <id> | import census <file> --year YYYY [--lookup <LAD→PFA lookup.csv>] | import home-office-uof <files…> [--year 2018/19]',
  summary:
    'Import data.police.uk stop-and-search CSVs, the force’s stop-search export, the vehicle-stop / use-of-force CSV templates, the BWV clip register or the complaints template (all or nothing) (exit 1 if rows were rejected, 2 if a file failed), or census populations by local authority (TS021 or QS201EW ethnicity, TS007 age, TS008 sex, TS038 disability; says what was added and replaced and which forces are complete or partial)',
  async run(args, env) {
    const [format, ...rest] = args;
    const handler = FORMATS[format ?? ''];
    if (!handler) throw new UsageError(`unknown format "${format ?? ''}" (one of: ${Object.keys(FORMATS).join(', ')})`);
    return handler(rest, env);
  },
};
