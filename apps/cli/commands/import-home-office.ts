import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { financialYearProblem, importHomeOfficeUofTactics } from '@scrutiny/records';
import { withCliContext } from '../cli-context';
import { UsageError, type CommandEnv } from '../command';

/**
 * `import home-office-uof <file…> [--year 2018/19]`: Home Office use-of-force tactic tables by force (by ethnicity,
 * age or disability, recognised by their columns). Each file all or nothing; exit 1 if any file was rejected.
 */
export async function importHomeOfficeUofFiles(args: string[], env: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { year: { type: 'string' } } });
  if (!positionals.length) throw new UsageError('give one or more Home Office tactic table CSV files');
  if (values.year !== undefined) {
    const wrong = financialYearProblem(values.year);
    if (wrong) throw new UsageError(`--year ${wrong}`);
  }
  for (const file of positionals) if (!fs.existsSync(file)) throw new UsageError(`file not found: ${file}`);
  return withCliContext(env.config, env.logger, async (app) => {
    let worst = 0;
    for (const file of positionals) {
      const csv = fs.readFileSync(file, 'utf8');
      const result = await app.get(DataSource).transaction(async (m) => {
        const r = await importHomeOfficeUofTactics(m, { csv, filename: file, year: values.year });
        if (r.status === 'imported')
          await app.get(AuditService).record(
            SYSTEM_ACTOR,
            {
              action: 'reference.home_office_uof_imported',
              details: {
                file: r.sourceFile,
                year: r.year,
                characteristic: r.characteristic,
                forces: r.forces,
                rows: r.rows,
                replaced: r.replaced,
              },
            },
            m,
          );
        return r;
      });
      if (result.status === 'imported') {
        env.out(
          `${result.sourceFile}: imported ${result.year} by ${result.characteristic}; ${result.forces} forces, ${result.rows} tactic rows, ${result.cells} counts (${result.notSupplied} not supplied, kept as blank), replaced ${result.replaced}; ${result.totalRows} total rows skipped`,
        );
        if (result.unmapped.length)
          env.out(`  not countable from the records (kept by name): ${result.unmapped.join('; ')}`);
        if (result.unknownTactics.length)
          env.out(`  not in the mapping table (kept by name): ${result.unknownTactics.join('; ')}`);
      } else {
        env.out(`${result.sourceFile}: rejected, nothing imported (${result.problems.length} problem(s))`);
        for (const p of result.problems.slice(0, 50)) env.out(`  ${p.line ? `line ${p.line}` : 'file'}: ${p.message}`);
        if (result.problems.length > 50) env.out(`  … and ${result.problems.length - 50} more`);
        worst = 1;
      }
    }
    return worst;
  });
}
