import { insertClip, insertStopSearch } from '../../factories/records';
import { issueDipSample } from '../../factories/panels';
import { tokenFor } from '../../factories/users';
import type { TestApp } from '../../setup/test-app';

/**
 * A month of stop searches (each with a BWV clip), drawn and issued as a dip sample by the demo supervisor, whose
 * team they are: the supervisor then has `size` reviews to do. Answers the issued items.
 */
export async function sampleWithReviews(
  t: TestApp,
  options: { size?: number; seed?: string; period?: string } = {},
): Promise<{ sampleId: string; itemIds: string[] }> {
  const period = options.period ?? '2024-05';
  for (let i = 0; i < 6; i++) {
    const id = await insertStopSearch(t.dataSource, {
      occurredAt: `${period}-0${i + 1}T21:47:00Z`,
      officerReference: `PC-WEB-${i}`,
    });
    await insertClip(t.dataSource, id, 40, `EVD-WEB-${options.seed ?? 'x'}-${i}`);
  }
  const issued = await issueDipSample(
    t,
    { psd: await tokenFor(t, 'professional_standards'), supervisor: await tokenFor(t, 'supervisor') },
    {
      name: `web ${options.seed ?? 'x'}`,
      spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: options.size ?? 2, strata: [] },
      seed: options.seed ?? 'web',
      period,
    },
  );
  return { sampleId: issued.id, itemIds: issued.items.map((i) => i.id) };
}
