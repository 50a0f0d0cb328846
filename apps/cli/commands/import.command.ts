import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { importCensus } from '@scrutiny/records';
import { openCliContext } from '../cli-context';
import { UsageError, type CliCommand, type CommandEnv } from '../command';

function readFile(path: string, what: string): string {
  if (!fs.existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  return fs.readFileSync(path, 'utf8');
}

async function importCensusFile(args: string[], env: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { lookup: { type: 'string' }, year: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('give one population CSV file');
  const year = Number(values.year);
  if (!Number.isInteger(year) || year < 1801 || year > 2100) throw new UsageError('--year must be the census year, e.g. --year 2021');
  const populationCsv = readFile(positionals[0], 'population file');
  const lookupCsv = values.lookup ? readFile(values.lookup, 'lookup file') : undefined;
  const app = await openCliContext(env.config, env.logger);
  try {
    const result = await app.get(DataSource).transaction(async (m) => {
      const r = await importCensus(m, { populationCsv, lookupCsv, censusYear: year, source: `import: ${positionals[0].split('/').pop()}` });
      await app.get(AuditService).record(SYSTEM_ACTOR, { action: 'reference.census_imported', details: { file: positionals[0], year, authorities: r.authorities, problems: r.problems.length, unassigned: r.unassigned.length } }, m);
      return r;
    });
    env.out(`Census ${year} (${result.layout}): ${result.authorities} local authorities, ${result.forces} force totals recomputed; categories ${result.categories.join(', ')}`);
    for (const p of result.problems) env.out(`  line ${p.line}: ${p.message}`);
    for (const u of result.unassigned) env.out(`  line ${u.line}: ${u.areaCode} ${u.areaName} is in no known force (give --lookup)`);
    return result.problems.length || result.unassigned.length ? 1 : 0;
  } finally {
    await app.close();
  }
}

const FORMATS: Record<string, (args: string[], env: CommandEnv) => Promise<number>> = {
  census: importCensusFile,
};

export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import census <file> --year YYYY [--lookup <LAD→PFA lookup.csv>]',
  summary: 'Import population benchmarks by area and ethnicity (5 groups, or 18 categories from Nomis QS201EW)',
  async run(args, env) {
    const [format, ...rest] = args;
    const handler = FORMATS[format ?? ''];
    if (!handler) throw new UsageError(`unknown format "${format ?? ''}" (one of: ${Object.keys(FORMATS).join(', ')})`);
    return handler(rest, env);
  },
};
