import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadActor, Permission, type Actor } from '@scrutiny/auth';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { DomainError, isUuid } from '@scrutiny/core';
import { defineJob, HandlesJob, JobQueue, PermanentJobError, type JobContext, type JobHandler } from '@scrutiny/jobs';
import { findArea } from '@scrutiny/records';
import { parseQuarter } from './quarter-param';
import { QuarterlyReviewService } from './quarterly-review.service';
import { renderPack } from './report/pack';
import { quarterName } from './trends';

/** Renders one requested report pack. */
export const GenerateReportPackJob = defineJob('reports', 'generate-pack', 1, z.object({ packId: z.string().uuid() }).strict());

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
    id: r.id, quarter: quarterName(r.quarter), force: r.force_code, status: r.status, error: r.error, requestedBy: r.requested_by,
    createdAt: r.created_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
    downloads: r.status === 'ready' ? { pdf: `${base}/report.pdf`, html: `${base}/report.html`, csv: Object.fromEntries((r.tables ?? []).map((t) => [t, `${base}/tables/${t}.csv`])) } : null,
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
  ) {}

  async request(actor: Actor, quarter: string, options: { force?: string } = {}): Promise<ReportPackView> {
    const { start } = parseQuarter(quarter, { started: true });
    const force = options.force ? await findArea(this.dataSource, options.force, { force: true }) : undefined;
    if (options.force && !force) throw DomainError.validation([{ field: 'force', message: `"${options.force}" is not a police force area (police.uk id or ONS code)` }]);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(`INSERT INTO report_packs (quarter, force_code, status, requested_by) VALUES ($1::date, $2, 'queued', $3) RETURNING id`, [start, force?.code ?? null, actor.id])) as { id: string }[];
      await this.audit.record(actor, { action: 'report_pack.requested', target: { type: 'report_pack', id: row.id }, details: { quarter, force: force?.code ?? null } }, m);
      return row.id;
    });
    await this.queue.enqueue(GenerateReportPackJob, { packId: id }, { jobId: `report-pack-${id}` });
    return this.get(id);
  }

  async get(id: string): Promise<ReportPackView> {
    const [row] = (isUuid(id) ? await this.dataSource.query(`${SELECT} WHERE id = $1`, [id]) : []) as PackRow[];
    if (!row) throw DomainError.notFound('Report pack', id);
    return toView(row);
  }

  async list(quarter: string): Promise<ReportPackView[]> {
    const { start } = parseQuarter(quarter);
    return ((await this.dataSource.query(`${SELECT} WHERE quarter = $1::date ORDER BY created_at DESC LIMIT 50`, [start])) as PackRow[]).map(toView);
  }

  /** One part of a ready pack; every download is audited. */
  async download(actor: Actor, id: string, format: PackFormat, table?: string): Promise<{ contentType: string; filename: string; body: Buffer | string }> {
    const pack = await this.get(id);
    if (pack.status !== 'ready') throw new DomainError('CONFLICT', `Report pack ${id} is ${pack.status}${pack.error ? ` (${pack.error})` : ''}; download it when it is ready`);
    const [row] = (await this.dataSource.query(
      format === 'pdf' ? `SELECT pdf AS body FROM report_packs WHERE id = $1` : format === 'html' ? `SELECT html AS body FROM report_packs WHERE id = $1` : `SELECT csv->>$2 AS body FROM report_packs WHERE id = $1`,
      format === 'csv' ? [id, table ?? ''] : [id],
    )) as { body: Buffer | string | null }[];
    if (row?.body == null) throw DomainError.notFound('Report pack table', table ?? format);
    await this.audit.record(actor, { action: 'report_pack.downloaded', target: { type: 'report_pack', id }, details: { format, table: table ?? null, quarter: pack.quarter } });
    const stem = `themes-review-${pack.quarter}${pack.force ? `-${pack.force}` : ''}`;
    if (format === 'pdf') return { contentType: 'application/pdf', filename: `${stem}.pdf`, body: row.body };
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', filename: `${stem}.html`, body: row.body };
    return { contentType: 'text/csv; charset=utf-8', filename: `${stem}-${table}.csv`, body: row.body };
  }

  /**
   * The job: renders the pack with the requester's own view of the review (they must still be allowed the full
   * one). A failure that will be retried leaves it queued; the last one marks it failed with the reason.
   */
  async generate(id: string, context: Pick<JobContext, 'attempt' | 'maxAttempts'>): Promise<void> {
    const [row] = (await this.dataSource.query(`SELECT to_char(quarter, 'YYYY-MM-DD') AS quarter, force_code, status, requested_by FROM report_packs WHERE id = $1`, [id])) as {
      quarter: string; force_code: string | null; status: string; requested_by: string | null;
    }[];
    if (!row) throw new PermanentJobError(`Report pack ${id} does not exist`);
    if (row.status === 'ready') return;
    try {
      const requester = row.requested_by ? await loadActor(this.dataSource, { id: row.requested_by }) : null;
      if (!requester?.permissions.has(Permission.THEMES_REVIEW)) throw new PermanentJobError('The requester may no longer see the full quarterly review');
      await this.dataSource.query(`UPDATE report_packs SET status = 'running', error = NULL WHERE id = $1`, [id]);
      const generatedAt = new Date();
      const review = await this.reviews.review(requester, quarterName(row.quarter), { force: row.force_code ?? undefined, audit: false });
      const pack = await renderPack(review, generatedAt);
      await this.dataSource.transaction(async (m) => {
        await m.query(`UPDATE report_packs SET status = 'ready', html = $2, pdf = $3, csv = $4, error = NULL, finished_at = now() WHERE id = $1`, [id, pack.html, pack.pdf, JSON.stringify(pack.csv)]);
        await this.audit.record(SYSTEM_ACTOR, { action: 'report_pack.generated', target: { type: 'report_pack', id }, details: { quarter: review.quarter, requestedBy: requester.id, pdfBytes: pack.pdf.length, tables: Object.keys(pack.csv) } }, m);
      });
    } catch (error) {
      const final = error instanceof PermanentJobError || context.attempt >= context.maxAttempts;
      await this.dataSource.query(`UPDATE report_packs SET status = $2, error = $3, finished_at = CASE WHEN $2 = 'failed' THEN now() END WHERE id = $1`, [
        id, final ? 'failed' : 'queued', error instanceof Error ? error.message : String(error),
      ]);
      throw error;
    }
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
