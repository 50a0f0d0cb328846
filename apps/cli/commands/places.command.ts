import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { placeStoredRecords, POLICE_FORCE_AREAS } from '@scrutiny/records';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand } from '../command';

export const recordsPlaceCommand: CliCommand = {
  name: 'records:place',
  usage: 'records:place [--force <id>] [--json]',
  summary:
    'Place records already stored in their local authority by their coordinates, as imports now do (idempotent; one audited transaction); prints how many were placed and how many could not be',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { force: { type: 'string' }, json: { type: 'boolean' } } });
    let forceCode: string | undefined;
    if (values.force !== undefined) {
      forceCode = POLICE_FORCE_AREAS.find((f) => f.policeUkId === values.force || f.code === values.force)?.code;
      if (!forceCode)
        throw new UsageError(`"${values.force}" is not a police force area (give its data.police.uk id, or ONS code)`);
    }
    return withCliContext(env.config, env.logger, async (app) => {
      const r = await placeStoredRecords(app.get(DataSource), app.get(AuditService), SYSTEM_ACTOR, { forceCode });
      if (values.json) {
        env.out(JSON.stringify(r, null, 2));
        return 0;
      }
      env.out(
        `${r.located} record(s) with coordinates: ${r.placed} placed in a local authority of their force (${r.changed} changed now), ${r.unplaced + r.outside} could not be placed`,
      );
      env.out(`  ${r.unplaced} in no local authority or just over their force's boundary: kept at the area they had`);
      env.out(`  ${r.outside} clearly outside their force: left as they were`);
      for (const [kind, c] of Object.entries(r.byKind))
        if (c.located)
          env.out(
            `  ${kind}: ${c.located} located, ${c.placed} placed (${c.changed} changed), ${c.unplaced} unplaced, ${c.outside} outside`,
          );
      return 0;
    });
  },
};
