import { parseArgs } from 'node:util';
import { loadActor } from '@scrutiny/auth';
import { isUuid } from '@scrutiny/core';
import { DipSamplesService, RetentionService } from '@scrutiny/sampling';
import { DataSource } from 'typeorm';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand } from '../command';

export const samplesVerifyCommand: CliCommand = {
  name: 'samples:verify',
  usage: 'samples:verify <sample id> [--json]',
  summary:
    'Recompute a dip sample from its period, plan version and seed; exit 1 naming each difference if it does not match',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    if (positionals.length !== 1 || !isUuid(positionals[0])) throw new UsageError('give one sample id');
    return withCliContext(env.config, env.logger, async (app) => {
      const result = await app.get(DipSamplesService).verify(positionals[0]);
      if (values.json) env.out(JSON.stringify(result, null, 2));
      else {
        const now = result.eligibleCount.now === null ? 'not recomputed' : `${result.eligibleCount.now} now`;
        env.out(
          `${result.verified ? 'Verified' : 'NOT VERIFIED'}: sample ${result.sampleId} (${result.algorithmVersion}); ${result.eligibleCount.stored} eligible then, ${now}`,
        );
        for (const d of result.differences) env.out(`  - ${d}`);
        for (const i of result.missingItems) env.out(`  missing: ${i.recordKind} ${i.recordId} (${i.reason})`);
        for (const i of result.unexpectedItems) env.out(`  unexpected: ${i.recordKind} ${i.recordId} (${i.reason})`);
      }
      return result.verified ? 0 : 1;
    });
  },
};

export const samplesDrawCommand: CliCommand = {
  name: 'samples:draw',
  usage: 'samples:draw --period YYYY-MM [--plan <id>] [--seed S] [--issue [--assign-to <username>]]',
  summary:
    'Draw a dip sample as the scheduler does (every team of the plan); --issue issues it at once, refused when an item has nobody to review it unless --assign-to names an active supervisor',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        period: { type: 'string' },
        plan: { type: 'string' },
        seed: { type: 'string' },
        issue: { type: 'boolean' },
        'assign-to': { type: 'string' },
      },
    });
    if (!values.period) throw new UsageError('--period is required, e.g. --period 2024-05');
    if (values['assign-to'] && !values.issue) throw new UsageError('--assign-to goes with --issue');
    return withCliContext(env.config, env.logger, async (app) => {
      const samples = app.get(DipSamplesService);
      let sample = await samples.draw(
        { system: true },
        { period: values.period!, planId: values.plan, seed: values.seed },
      );
      if (values.issue) {
        const assignTo = values['assign-to'] && (await userIdOf(app.get(DataSource), values['assign-to']));
        sample = await samples.issue({ system: true }, sample.id, sample.version, assignTo ? { assignTo } : {});
      }
      env.out(
        `${sample.status} sample ${sample.id}: ${sample.period}, plan "${sample.plan.name}" v${sample.plan.version}, seed ${sample.seed}`,
      );
      env.out(
        `  ${sample.eligibleCount} eligible; ${sample.items.length} selected (${sample.items.filter((i) => i.reason !== 'random').length} targeted); fingerprint ${sample.populationFingerprint}`,
      );
      return 0;
    });
  },
};

/** The id of the enabled user named by username (or by id); the issue itself checks they are an active supervisor. */
async function userIdOf(dataSource: DataSource, name: string): Promise<string> {
  const user = await loadActor(dataSource, isUuid(name) ? { id: name } : { username: name });
  if (!user) throw new UsageError(`--assign-to: no enabled user "${name}"`);
  return user.id;
}

export const retentionCheckCommand: CliCommand = {
  name: 'retention:check',
  usage: 'retention:check',
  summary:
    'Run the BWV retention check now: warn about selected footage expiring without a confirmed hold; mark footage already gone',
  async run(_args, env) {
    return withCliContext(env.config, env.logger, async (app) => {
      const result = await app.get(RetentionService).check();
      env.out(`${result.warned} hold(s) newly warned; ${result.lost} marked lost`);
      return 0;
    });
  },
};
