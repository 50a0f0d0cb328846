import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { permissionsOf, type Actor } from '@scrutiny/auth';
import { ComplaintsService } from '@scrutiny/complaints';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand } from '../command';

/** The CLI acts as the system with professional standards' view of the register: audited with no user (id null). */
const CLI_ACTOR: Actor = {
  id: null as unknown as string,
  username: 'system',
  displayName: 'Command line',
  roles: ['professional_standards'],
  permissions: permissionsOf(['professional_standards']),
  teams: [],
  areas: [],
};

export const complaintsExportCommand: CliCommand = {
  name: 'complaints:export',
  usage: 'complaints:export [--force <id>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out <file>]',
  summary:
    'Write the complaints register (filtered by force and received date) as the complaints CSV template, one line per allegation; it imports back as duplicates. Audited (complaints.exported)',
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
    });
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    return withCliContext(env.config, env.logger, async (app) => {
      const csv = await app
        .get(ComplaintsService)
        .exportCsv(CLI_ACTOR, { force: values.force, from: values.from, to: values.to });
      if (values.out) {
        fs.writeFileSync(values.out, csv);
        env.out(`${csv.split('\n').length - 2} allegation line(s) written to ${values.out}`);
      } else process.stdout.write(csv);
      return 0;
    });
  },
};
