import { Injectable } from '@nestjs/common';
import { Permission, type Actor } from '@scrutiny/auth';
import { DisproportionalityService, type DisproportionalityQuery } from './disproportionality.service';
import { disclose, type OutcomesView, type RatesView, type TrendsView } from './disclosure';

/**
 * The statistics routes' figures as their caller may see them: computed in full by DisproportionalityService, then
 * passed once through disclosure.ts (true figures for those with `stats:unsuppressed`, the disclosure rule for
 * analysts and external panel members). Nothing else decides what is withheld.
 */
@Injectable()
export class DisclosedStatisticsService {
  constructor(private readonly stats: DisproportionalityService) {}

  async rates(actor: Actor, q: DisproportionalityQuery): Promise<RatesView> {
    return disclose('rates', await this.stats.rates(q), unsuppressed(actor));
  }

  async outcomes(actor: Actor, q: DisproportionalityQuery): Promise<OutcomesView> {
    return disclose('outcomes', await this.stats.outcomes(q), unsuppressed(actor));
  }

  async trends(actor: Actor, q: DisproportionalityQuery & { interval?: string }): Promise<TrendsView> {
    return disclose('trends', await this.stats.trends(q), unsuppressed(actor));
  }
}

function unsuppressed(actor: Pick<Actor, 'permissions'>): boolean {
  return actor.permissions.has(Permission.STATS_UNSUPPRESSED);
}
