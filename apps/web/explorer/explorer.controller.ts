import { Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { csvLine, ETHNIC_GROUPS } from '@scrutiny/records';
import {
  DisclosedStatisticsService,
  DisproportionalityService,
  STAT_BY,
  STAT_KINDS,
  TREND_INTERVALS,
  type RatesView,
} from '@scrutiny/statistics';
import { authoritiesOf, type AreaValue, type ChartFigure, type FunnelUnit } from '../charts';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, setPageHeaders, webState } from '../http/web-request';
import { translate } from '../i18n/messages';
import { groupWords, parseExplorerQuery, queryString, statsQuery, type ExplorerQuery } from './explorer.query';
import {
  funnelFigure,
  mapFigure,
  outcomesTable,
  ratesFigures,
  tableOf,
  trendsFigure,
  type PageTable,
} from './explorer.view';

const TABLES = ['rates', 'forest', 'trends', 'outcomes', 'map', 'funnel'] as const;
type TableName = (typeof TABLES)[number];

interface Explored {
  rates: RatesView;
  tables: PageTable[];
  charts: Partial<Record<'forest' | 'trends' | 'map' | 'funnel', ChartFigure>>;
  focusGroup: string | null;
}

/**
 * The analyst's disproportionality explorer: the same figures as GET /api/v1/disproportionality (and /trends,
 * /outcomes, /funnel) through the same services with the same Actor, so the disclosure rule applies exactly as it
 * does there; drawn as a forest plot, a line chart, a map of the force's local authorities and the funnel plot, each
 * with its table, and every table as CSV. Recording a finding goes through DisproportionalityService.createFinding.
 */
@WebController('explorer')
export class ExplorerController {
  constructor(
    private readonly shown: DisclosedStatisticsService,
    private readonly stats: DisproportionalityService,
  ) {}

  @Get()
  @Page(Permission.STATS_AGGREGATE)
  async explore(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
  ) {
    const options = this.options(req, raw);
    if (!raw.area && !raw.from && !raw.to)
      return render(req, res, 'explorer/explore', { values: {}, options, canRecord: canRecord(actor) });
    const { query, errors } = parseExplorerQuery(raw);
    if (!Object.keys(errors).length) {
      try {
        const explored = await this.explore_(req, actor, query, [
          'rates',
          'forest',
          'trends',
          'outcomes',
          'map',
          'funnel',
        ]);
        const qs = queryString(query);
        return render(req, res, 'explorer/explore', {
          values: query,
          options,
          qs,
          explored: {
            ...explored,
            area: explored.rates.query.area,
            comparator: explored.rates.comparator,
            disclosure: explored.rates.disclosure,
            population: explored.rates.populationSource,
            total: explored.rates.total,
          },
          csv: Object.fromEntries(explored.tables.map((t) => [t.name, `/explorer/${t.name}.csv?${qs}`])),
          canRecord: canRecord(actor),
          recorded: typeof raw.recorded === 'string' ? raw.recorded : null,
        });
      } catch (e) {
        Object.assign(
          errors,
          validationErrors(req, e, (field) => `explorer.filters.${field}.label`),
        );
      }
    }
    render(
      req,
      res,
      'explorer/explore',
      { values: query, options, canRecord: canRecord(actor), ...errorView(req, errors) },
      400,
    );
  }

  @Get(TABLES.map((t) => `${t}.csv`))
  @Page(Permission.STATS_AGGREGATE)
  async csv(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
  ) {
    const name = req.path.replace(/^.*\//, '').replace(/\.csv$/, '') as TableName;
    const { query, errors } = parseExplorerQuery(raw);
    if (Object.keys(errors).length) return this.explore(req, res, actor, raw);
    let explored: Explored;
    try {
      explored = await this.explore_(req, actor, query, [name]);
    } catch (e) {
      validationErrors(req, e, (field) => `explorer.filters.${field}.label`);
      return this.explore(req, res, actor, raw);
    }
    const table = explored.tables.find((t) => t.name === name);
    if (!table) throw new DomainError('NOT_FOUND', 'That table is not available for these filters');
    setPageHeaders(res, webState(req).nonce);
    res
      .status(200)
      .type('text/csv')
      .setHeader(
        'content-disposition',
        `attachment; filename="disproportionality-${name}-${query.from}-${query.to}.csv"`,
      )
      .send([table.head, ...table.rows].map((r) => csvLine(r)).join('\r\n') + '\r\n');
  }

  @Get('findings/new')
  @Page(Permission.FINDINGS_RECORD)
  async newFinding(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
  ) {
    const { query, errors } = parseExplorerQuery(raw);
    if (Object.keys(errors).length) return this.explore(req, res, actor, raw);
    return this.findingForm(req, res, actor, query, {}, {});
  }

  @Post('findings')
  @Page(Permission.FINDINGS_RECORD)
  async recordFinding(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Body() form: Record<string, string | string[] | undefined>,
  ) {
    const { query, errors: queryErrors } = parseExplorerQuery(form);
    if (Object.keys(queryErrors).length) return this.explore(req, res, actor, form);
    const values = {
      title: one(form.title).trim(),
      narrative: one(form.narrative).trim(),
      forceExplanation: one(form.forceExplanation).trim(),
      actions: one(form.actions),
    };
    const errors: FormErrors = {};
    if (!values.title) errors.title = 'explorer.finding.errors.title';
    else if (values.title.length > 300) errors.title = 'explorer.finding.errors.titleLength';
    if (!values.narrative) errors.narrative = 'explorer.finding.errors.narrative';
    const actions = values.actions
      .split(/\r?\n/)
      .map((a) => a.trim())
      .filter(Boolean);
    if (actions.length > 50) errors.actions = 'explorer.finding.errors.actions';
    if (!Object.keys(errors).length) {
      try {
        const finding = await this.stats.createFinding(actor, {
          title: values.title,
          query: statsQuery(query),
          narrative: values.narrative,
          forceExplanation: values.forceExplanation || null,
          actions,
        });
        return redirect(res, `/explorer?${queryString(query)}&recorded=${encodeURIComponent(finding.id)}`);
      } catch (e) {
        Object.assign(
          errors,
          validationErrors(req, e, (field) => `explorer.finding.labels.${field}.label`),
        );
      }
    }
    return this.findingForm(req, res, actor, query, values, errors, 400);
  }

  private async findingForm(
    req: Request,
    res: Response,
    actor: Actor,
    query: ExplorerQuery,
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) {
    const rates = await this.shown.rates(actor, statsQuery(query));
    const { table } = ratesFigures(rates, this.t(req));
    const defaultTitle = this.t(req)('explorer.finding.defaultTitle', {
      area: rates.query.area.name,
      from: query.from,
      to: query.to,
    });
    render(
      req,
      res,
      'explorer/finding',
      {
        query,
        qs: queryString(query),
        area: rates.query.area,
        table,
        disclosure: rates.disclosure,
        values: { title: defaultTitle, ...values },
        ...errorView(req, errors),
      },
      status,
    );
  }

  /** Everything the page (or one CSV) shows for a query, through the services the API's routes use. */
  private async explore_(req: Request, actor: Actor, q: ExplorerQuery, parts: readonly TableName[]): Promise<Explored> {
    const t = this.t(req);
    const stats = statsQuery(q);
    const rates = await this.shown.rates(actor, stats);
    const { table: ratesTable, forest } = ratesFigures(rates, t);
    const tables: PageTable[] = [ratesTable, tableOf('forest', forest)];
    const charts: Explored['charts'] = { forest };
    const want = (p: TableName) => parts.includes(p);
    const comparator = rates.query.comparator;
    const candidates = rates.groups.map((g) => g.group).filter((g) => g !== comparator);
    const focusGroup =
      q.group && candidates.includes(q.group)
        ? q.group
        : candidates.includes('black')
          ? 'black'
          : (candidates[0] ?? null);
    if (want('trends')) {
      charts.trends = trendsFigure(await this.shown.trends(actor, { ...stats, interval: q.interval }), t);
      tables.push(tableOf('trends', charts.trends));
    }
    if (want('outcomes') && (q.kind === 'stop-search' || q.kind === 'strip-search')) {
      const outcomes = await this.shown.outcomes(actor, stats).catch(refusedAsNull);
      if (outcomes) tables.push(outcomesTable(outcomes, t));
    }
    if (want('map') && rates.query.area.level === 'force' && focusGroup) {
      const areas: AreaValue[] = [];
      for (const la of authoritiesOf(rates.query.area.code)) {
        const local = await this.shown.rates(actor, { ...stats, area: la.code }).catch(noFiguresAsNull);
        const g = local?.groups.find((x) => x.group === focusGroup);
        areas.push({
          code: la.code,
          name: la.name,
          ratio: g?.rateRatio ?? null,
          lower: g?.ci95?.lower ?? null,
          upper: g?.ci95?.upper ?? null,
          note: !local
            ? t('explorer.notes.noArea')
            : g?.suppressed
              ? t('explorer.notes.withheld')
              : g?.rateRatio === null || !g
                ? (g?.reason ?? local.placement?.reason ?? t('explorer.notes.noRatio'))
                : null,
        });
      }
      if (areas.length) {
        charts.map = mapFigure(
          rates.query.area.code,
          t('explorer.map.measure', { group: groupWords(focusGroup), comparator: rates.comparator }),
          areas,
          t,
        );
        tables.push(tableOf('map', charts.map));
      }
    }
    // The funnel is for those who see unsuppressed figures (the API's route requires stats:unsuppressed).
    if (
      want('funnel') &&
      actor.permissions.has(Permission.STATS_UNSUPPRESSED) &&
      q.by === 'ethnicity' &&
      (q.kind === 'stop-search' || q.kind === 'strip-search')
    ) {
      const group = focusGroup && (ETHNIC_GROUPS as readonly string[]).includes(focusGroup) ? focusGroup : 'black';
      const { comparator: _c, ...funnelQuery } = stats;
      const funnel = await this.stats.funnel(actor, { ...funnelQuery, group }).catch(refusedAsNull);
      if (funnel && funnel.units.length) {
        charts.funnel = funnelFigure(group, funnel.benchmark, funnel.units as FunnelUnit[], t);
        tables.push(tableOf('funnel', charts.funnel));
      }
    }
    return { rates, tables, charts, focusGroup };
  }

  private t(req: Request) {
    const { locale } = webState(req);
    return (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  }

  /** The select boxes' items, the current filter selected. */
  private options(req: Request, raw: Record<string, unknown>) {
    const t = this.t(req);
    const items = (values: readonly string[], group: string, current: unknown, blank = false) => [
      ...(blank ? [{ value: '', text: t(`explorer.${group}.default`), selected: !current }] : []),
      ...values.map((v) => ({ value: v, text: t(`explorer.${group}.${v}`), selected: current === v })),
    ];
    return {
      kinds: items(STAT_KINDS, 'kinds', raw.kind ?? 'stop-search'),
      by: items(STAT_BY, 'by', raw.by ?? 'ethnicity'),
      basis: items(['self', 'officer'], 'basis', raw.basis, true),
      intervals: items(TREND_INTERVALS, 'intervals', raw.interval ?? 'month'),
    };
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? ''));
const canRecord = (actor: Actor) => actor.permissions.has(Permission.FINDINGS_RECORD);

/** A part the service refuses for these filters (e.g. outcomes of a kind without outcomes) is left out of the page. */
function refusedAsNull(e: unknown): null {
  if (e instanceof DomainError && (e.code === 'VALIDATION_FAILED' || e.code === 'NOT_FOUND')) return null;
  throw e;
}

/** A local authority the service has no figures for (unknown to the areas table, nothing placed) is shown as such. */
function noFiguresAsNull(e: unknown): null {
  if (e instanceof DomainError && e.code !== 'FORBIDDEN' && e.code !== 'SERVICE_BUSY') return null;
  throw e;
}
