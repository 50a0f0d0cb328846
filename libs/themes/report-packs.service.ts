import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadActor, Permission, type Actor } from '@scrutiny/auth';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { DomainError, isUuid, LOGGER, parseQuarter, quarterName, type Logger } from '@scrutiny/core';
import {
  defineJob,
  HandlesJob,
  JOBS_PROCESSING,
  JobQueue,
  PermanentJobError,
  StrandedWorkRecovery,
  type JobContext,
  type JobHandler,
} from '@scrutiny/jobs';
import { EmailOutbox } from '@scrutiny/notifications';
import { findArea } from '@scrutiny/records';
import { QuarterlyReviewService } from './quarterly-review.service';
import { ThemesService } from './themes.service';
import { renderPack } from './report/pack';

/** Renders one requested report pack. */
export const GenerateReportPackJob = defineJob(
  'reports',
  'generate-pack',
  1,
  z.object({ packId: z.string().uuid() }).strict(),
);

const packJobId = (packId: string) => `report-pack-${packId}`;

export type PackFormat = 'pdf' | 'html' | 'csv';

export interface ReportPackView {
  id: string;
  quarter: string;
  force: string | null;
  status: 'queued' | 'running' | 'ready' | 'failed';
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Where to download each part once ready. */
  downloads: { pdf: string; html: string; csv: Record<string, string> } | null;
}

interface PackRow {
  id: string;
  quarter: string;
  force_code: string | null;
  status: ReportPackView['status'];
  error: string | null;
  requested_by: string | null;
  created_at: Date;
  finished_at: Date | null;
  tables: string[] | null;
}

const SELECT = `SELECT id, to_char(quarter, 'YYYY-MM-DD') AS quarter, force_code, status, error, requested_by, created_at, finished_at,
  (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(csv) k) AS tables FROM report_packs`;

function toView(r: PackRow): ReportPackView {
  const base = `/api/v1/report-packs/${r.id}`;
  return {
    id: r.id,
    quarter: quarterName(r.quarter),
    force: r.force_code,
    status: r.status,
    error: r.error,
    requestedBy: r.requested_by,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    downloads:
      r.status === 'ready'
        ? {
            pdf: `${base}/report.pdf`,
            html: `${base}/report.html`,
            csv: Object.fromEntries((r.tables ?? []).map((t) => [t, `${base}/tables/${t}.csv`])),
          }
        : null,
  };
}

/**
 * Report packs of the quarterly themes review: requested through the API, rendered by a job (HTML, PDF, a CSV per
 * table) from the same figures GET /themes/quarters/:q gives the requester, kept, and downloaded with an audit entry.
 */
@Injectable()
export class ReportPacksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reviews: QuarterlyReviewService,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    private readonly themes: ThemesService,
    private readonly email: EmailOutbox,
  ) {}

  async request(actor: Actor, quarter: string, options: { force?: string } = {}): Promise<ReportPackView> {
    const { start } = parseQuarter(quarter, { started: true });
    const force = options.force ? await findArea(this.dataSource, options.force, { force: true }) : undefined;
    if (options.force && !force)
      throw DomainError.validation([
        { field: 'force', message: `"${options.force}" is not a police force area (police.uk id or ONS code)` },
      ]);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO report_packs (quarter, force_code, status, requested_by) VALUES ($1::date, $2, 'queued', $3) RETURNING id`,
        [start, force?.code ?? null, actor.id],
      )) as { id: string }[];
      await this.audit.record(
        actor,
        {
          action: 'report_pack.requested',
          target: { type: 'report_pack', id: row.id },
          details: { quarter, force: force?.code ?? null },
        },
        m,
      );
      return row.id;
    });
    try {
      await this.queue.enqueue(GenerateReportPackJob, { packId: id }, { jobId: packJobId(id) });
    } catch (error) {
      // Nothing would ever run it: say so on the pack rather than leave it queued for ever.
      await this.dataSource.query(
        `UPDATE report_packs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`,
        [id, 'The job system could not take the pack; request it again'],
      );
      throw error;
    }
    return this.get(id);
  }

  async get(id: string): Promise<ReportPackView> {
    const [row] = (isUuid(id) ? await this.dataSource.query(`${SELECT} WHERE id = $1`, [id]) : []) as PackRow[];
    if (!row) throw DomainError.notFound('Report pack', id);
    return toView(row);
  }

  /** The newest 50 packs of a quarter, and how many it has in all. */
  async list(quarter: string): Promise<{ items: ReportPackView[]; total: number }> {
    const { start } = parseQuarter(quarter);
    const rows = (await this.dataSource.query(
      `SELECT q.*, count(*) OVER ()::int AS total_count FROM (${SELECT} WHERE quarter = $1::date) q ORDER BY q.created_at DESC LIMIT 50`,
      [start],
    )) as (PackRow & { total_count: number })[];
    return { items: rows.map(toView), total: rows[0]?.total_count ?? 0 };
  }

  /** One part of a ready pack; every download is audited. */
  async download(
    actor: Actor,
    id: string,
    format: PackFormat,
    table?: string,
  ): Promise<{ contentType: string; filename: string; body: Buffer | string }> {
    const pack = await this.get(id);
    if (pack.status !== 'ready')
      throw new DomainError(
        'CONFLICT',
        `Report pack ${id} is ${pack.status}${pack.error ? ` (${pack.error})` : ''}; download it when it is ready`,
      );
    const [row] = (await this.dataSource.query(
      format === 'pdf'
        ? `SELECT pdf AS body FROM report_packs WHERE id = $1`
        : format === 'html'
          ? `SELECT html AS body FROM report_packs WHERE id = $1`
          : `SELECT csv->>$2 AS body FROM report_packs WHERE id = $1`,
      format === 'csv' ? [id, table ?? ''] : [id],
    )) as { body: Buffer | string | null }[];
    if (row?.body == null) throw DomainError.notFound('Report pack table', table ?? format);
    await this.audit.record(actor, {
      action: 'report_pack.downloaded',
      target: { type: 'report_pack', id },
      details: { format, table: table ?? null, quarter: pack.quarter },
    });
    const stem = `themes-review-${pack.quarter}${pack.force ? `-${pack.force}` : ''}`;
    if (format === 'pdf') return { contentType: 'application/pdf', filename: `${stem}.pdf`, body: row.body };
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', filename: `${stem}.html`, body: row.body };
    return { contentType: 'text/csv; charset=utf-8', filename: `${stem}-${table}.csv`, body: row.body };
  }

  /**
   * The job: renders the pack with the requester's own view of the review (they must still be allowed the full
   * one). Each run claims the pack first and only the run holding the claim may finish it, so a duplicate run (a
   * stalled job handed to another worker, a retry from the dead letters) never overwrites a newer run's result,
   * and a ready pack is never rendered again. A failure that will be retried leaves it queued; the last one marks
   * it failed with a reason fit to show the requester (the details are in the worker's log under the job id).
   */
  async generate(id: string, context: Pick<JobContext, 'jobId' | 'attempt' | 'maxAttempts'>): Promise<void> {
    const runId = randomUUID();
    const [[claimed]] = (await this.dataSource.query(
      `UPDATE report_packs SET status = 'running', run_id = $2, error = NULL WHERE id = $1 AND status <> 'ready'
       RETURNING to_char(quarter, 'YYYY-MM-DD') AS quarter, force_code, requested_by`,
      [id, runId],
    )) as [{ quarter: string; force_code: string | null; requested_by: string | null }[], number];
    if (!claimed) {
      const [exists] = (await this.dataSource.query(`SELECT 1 FROM report_packs WHERE id = $1`, [id])) as unknown[];
      if (!exists) throw new PermanentJobError(`Report pack ${id} does not exist`);
      return; // already ready
    }
    try {
      const requester = claimed.requested_by ? await loadActor(this.dataSource, { id: claimed.requested_by }) : null;
      if (!requester?.permissions.has(Permission.THEMES_REVIEW))
        throw new PermanentJobError('The requester may no longer see the full quarterly review');
      const generatedAt = new Date();
      const review = await this.reviews.review(requester, quarterName(claimed.quarter), {
        force: claimed.force_code ?? undefined,
        audit: false,
      });
      // Retired themes too: the quarter's forms may carry codes retired since.
      const themes = await this.themes.list({ includeRetired: true });
      const pack = await renderPack(review, generatedAt, {
        labels: { themes: new Map(themes.map((t) => [t.code, t.label])) },
      });
      await this.dataSource.transaction(async (m) => {
        const [, finished] = (await m.query(
          `UPDATE report_packs SET status = 'ready', html = $3, pdf = $4, csv = $5, error = NULL, finished_at = now() WHERE id = $1 AND run_id = $2`,
          [id, runId, pack.html, pack.pdf, JSON.stringify(pack.csv)],
        )) as [unknown, number];
        if (!finished) return; // a newer run took the pack over; its result stands
        await this.audit.record(
          SYSTEM_ACTOR,
          {
            action: 'report_pack.generated',
            target: { type: 'report_pack', id },
            details: {
              quarter: review.quarter,
              requestedBy: requester.id,
              pdfBytes: pack.pdf.length,
              tables: Object.keys(pack.csv),
            },
          },
          m,
        );
        await this.email.queue(m, [requester.id], {
          template: 'report_pack_ready',
          path: `/quarterly-review/packs/${id}`,
          eventKey: `report_pack_ready:${id}`,
        });
      });
    } catch (error) {
      const final = error instanceof PermanentJobError || context.attempt >= context.maxAttempts;
      const reason =
        error instanceof PermanentJobError || error instanceof DomainError
          ? error.message
          : `Rendering failed on attempt ${context.attempt} of ${context.maxAttempts}${final ? '' : ' and will be retried'}; the worker's log has the details under job ${context.jobId}`;
      await this.dataSource.query(
        `UPDATE report_packs SET status = $3, error = $4, finished_at = CASE WHEN $3 = 'failed' THEN now() END WHERE id = $1 AND run_id = $2`,
        [id, runId, final ? 'failed' : 'queued', reason],
      );
      throw error;
    }
  }
}

/** Packs left queued or running by a stopped process (the in-process queue does not survive a restart): queue them again. */
@Injectable()
export class ReportPackRecovery extends StrandedWorkRecovery<{ packId: string }> {
  constructor(
    private readonly dataSource: DataSource,
    queue: JobQueue,
    @Inject(LOGGER) logger: Logger,
    @Inject(JOBS_PROCESSING) processing: boolean,
  ) {
    super(queue, logger, processing, {
      label: 'report packs',
      job: GenerateReportPackJob,
      payload: (packId) => ({ packId }),
      jobId: packJobId,
    });
  }

  protected async stranded(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM report_packs WHERE status IN ('queued', 'running') ORDER BY created_at`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}

@Injectable()
@HandlesJob(GenerateReportPackJob)
export class GenerateReportPackHandler implements JobHandler<{ packId: string }> {
  constructor(private readonly packs: ReportPacksService) {}

  handle(payload: { packId: string }, context: JobContext): Promise<void> {
    return this.packs.generate(payload.packId, context);
  }
}
