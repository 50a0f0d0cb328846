import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AccessService,
  CASE_KINDS,
  isPoliceWide,
  officerToken,
  opaqueId,
  roundToHour,
  type Actor,
  type CaseKind,
  type CaseView,
} from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { APP_CONFIG, DomainError, isUuid, uuidv7, type AppConfig, type FieldError } from '@scrutiny/core';
import { BWV_STATUSES } from './bwv-clip.entity';
import { findArea } from '../areas/area-lookup';
import { officerForRecord } from '../officers/officer-reference';
import { CLIP_REFERENCE } from '../imports/stop-search-template';
import { caseNotFound, caseViewOf } from '../cases/case-access';

export interface BwvClipInput {
  reference: string;
  force: string;
  officerReference?: string | null;
  deviceId?: string | null;
  recordedAt: string;
  durationSeconds?: number | null;
  /** When the evidence system deletes it unless held; by default BWV_RETENTION_DAYS after recording. */
  retentionExpiresAt?: string | null;
  status?: string;
  links: { kind: string; id: string }[];
}

export interface BwvClipView {
  id: string;
  /** The evidence system's id for the clip; null when pseudonymised. */
  reference: string | null;
  forceCode: string;
  officer: string | null;
  deviceId: string | null;
  recordedAt: string;
  durationSeconds: number | null;
  /** Null when pseudonymised: recording time + 31 days would give back the exact time of the encounter. */
  retentionExpiresAt: string | null;
  /** The (UTC) day of `retentionExpiresAt`, shown to everyone. */
  retentionExpiresOn: string;
  status: string;
  holdPlacedAt: string | null;
  links: { kind: string; id: string }[];
  pseudonymised: boolean;
}

interface ClipRow {
  id: string;
  reference: string;
  force_code: string;
  officer_reference: string | null;
  device_id: string | null;
  recorded_at: Date;
  duration_seconds: number | null;
  retention_expires_at: Date;
  status: string;
  hold_placed_at: Date | null;
  links: { kind: string; id: string }[];
}

const SELECT = `
  SELECT b.*, o.reference AS officer_reference,
    COALESCE((SELECT json_agg(json_build_object('kind', l.case_kind, 'id', l.case_id) ORDER BY l.case_kind, l.case_id) FROM bwv_clip_links l WHERE l.clip_id = b.id), '[]') AS links
  FROM bwv_clips b LEFT JOIN officers o ON o.id = b.officer_id`;

/** A case or clip id as shown in `view`: opaque (no creation time, per panel) when pseudonymised. */
function shownId(view: CaseView, id: string): string {
  return view.kind === 'pseudonymised' ? opaqueId(view.key, view.panelId, id) : id;
}

/** How the actor sees each case a clip covers, keyed `kind/id`; the cases they cannot read are absent. */
type LinkViews = Map<string, CaseView>;

/**
 * The one mapper for clips. External panels see the officer as their panel's token, the id opaque, no device, no
 * evidence-system reference, the hour of recording and only the day of retention expiry, no hold time. Everyone sees
 * only the links to cases they can read (`seen`; all when omitted), each by the id they know it by.
 */
function toView(r: ClipRow, view: CaseView, seen?: LinkViews): BwvClipView {
  const links = seen
    ? r.links.flatMap((l) => {
        const v = seen.get(`${l.kind}/${l.id}`);
        return v ? [{ kind: l.kind, id: shownId(v, l.id) }] : [];
      })
    : r.links;
  const full: BwvClipView = {
    id: r.id,
    reference: r.reference,
    forceCode: r.force_code,
    officer: r.officer_reference,
    deviceId: r.device_id,
    recordedAt: r.recorded_at.toISOString(),
    durationSeconds: r.duration_seconds,
    retentionExpiresAt: r.retention_expires_at.toISOString(),
    retentionExpiresOn: r.retention_expires_at.toISOString().slice(0, 10),
    status: r.status,
    holdPlacedAt: r.hold_placed_at?.toISOString() ?? null,
    links,
    pseudonymised: false,
  };
  if (view.kind === 'full') return full;
  return {
    ...full,
    id: shownId(view, r.id),
    reference: null,
    officer: r.officer_reference ? officerToken(view.key, view.panelId, r.officer_reference) : null,
    deviceId: null,
    recordedAt: roundToHour(r.recorded_at),
    retentionExpiresAt: null,
    holdPlacedAt: null,
    pseudonymised: true,
  };
}

/** BWV clip references: recorded against cases, read through the cases they cover, every view audited. */
@Injectable()
export class BwvClipsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, input: BwvClipInput): Promise<BwvClipView> {
    const errors: FieldError[] = [];
    if (!CLIP_REFERENCE.test(input.reference ?? ''))
      errors.push({ field: 'reference', message: '1–128 of letters, digits and . _ : / -' });
    input = {
      ...input,
      retentionExpiresAt:
        input.retentionExpiresAt ??
        (Date.parse(input.recordedAt)
          ? new Date(Date.parse(input.recordedAt) + this.config.sampling.bwvRetentionDays * 86_400_000).toISOString()
          : null),
    };
    for (const f of ['recordedAt', 'retentionExpiresAt'] as const) {
      if (!input[f] || Number.isNaN(Date.parse(input[f])))
        errors.push({ field: f, message: 'must be an ISO 8601 date-time' });
    }
    if (!errors.length && Date.parse(input.retentionExpiresAt!) < Date.parse(input.recordedAt))
      errors.push({ field: 'retentionExpiresAt', message: 'must not be before recordedAt' });
    const status = input.status ?? 'available';
    if (!(BWV_STATUSES as readonly string[]).includes(status))
      errors.push({ field: 'status', message: `must be one of ${BWV_STATUSES.join(', ')}` });
    if (!input.links?.length) errors.push({ field: 'links', message: 'a clip must cover at least one case' });
    input.links?.forEach((l, i) => {
      if (!(CASE_KINDS as string[]).includes(l.kind))
        errors.push({ field: `links.${i}.kind`, message: `must be one of ${CASE_KINDS.join(', ')}` });
      if (!isUuid(l.id)) errors.push({ field: `links.${i}.id`, message: 'must be a case id' });
    });
    const force = await findArea(this.dataSource, input.force ?? '', { force: true });
    if (!force) errors.push({ field: 'force', message: 'is not a police force area' });
    if (errors.length) throw DomainError.validation(errors);
    // Only cases the creator can see in full can be given footage (a case outside scope is "not found").
    for (const kind of CASE_KINDS) {
      const ids = input.links.filter((l) => l.kind === kind).map((l) => l.id);
      const views = await this.access.viewsFor(actor, kind, ids);
      const missing = ids.find((id) => views.get(id)?.kind !== 'full');
      if (missing) throw caseNotFound(kind, missing);
    }
    const id = uuidv7();
    await this.dataSource.transaction(async (m) => {
      if (((await m.query(`SELECT 1 FROM bwv_clips WHERE reference = $1`, [input.reference])) as unknown[]).length) {
        throw new DomainError('CONFLICT', `A clip with reference ${input.reference} is already recorded`, {
          errors: [{ field: 'reference', message: 'is already recorded' }],
        });
      }
      const officerId = input.officerReference
        ? await officerForRecord(m, this.audit, actor, { forceCode: force!.code, reference: input.officerReference })
        : null;
      await m.query(
        `INSERT INTO bwv_clips (id, reference, force_code, officer_id, device_id, recorded_at, duration_seconds, retention_expires_at, status, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
        [
          id,
          input.reference,
          force!.code,
          officerId,
          input.deviceId ?? null,
          input.recordedAt,
          input.durationSeconds ?? null,
          input.retentionExpiresAt,
          status,
        ],
      );
      for (const l of input.links) {
        await m.query(
          `INSERT INTO bwv_clip_links (clip_id, case_kind, case_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [id, l.kind, l.id],
        );
      }
      await this.audit.record(
        actor,
        {
          action: 'bwv.created',
          target: { type: 'bwv_clip', id },
          after: { reference: input.reference, links: input.links, status },
        },
        m,
      );
    });
    const [row] = (await this.dataSource.query(`${SELECT} WHERE b.id = $1`, [id])) as ClipRow[];
    return toView(row, { kind: 'full' });
  }

  /** One clip, if any case it covers is readable (shown in the most generous view the actor has of those cases). */
  async get(actor: Actor, shownClipId: string): Promise<BwvClipView> {
    if (!isUuid(shownClipId)) throw DomainError.notFound('BWV clip', shownClipId);
    const id = await this.access.resolveClipId(actor, shownClipId);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE b.id = $1`, [id])) as ClipRow[];
    const seen = row ? await this.linkViews(actor, row.links) : new Map<string, CaseView>();
    const view = bestOf(seen);
    if (!row || !view) throw DomainError.notFound('BWV clip', shownClipId);
    await this.audit.record(actor, {
      action: 'bwv.viewed',
      target: { type: 'bwv_clip', id },
      details: { reference: row.reference, view: view.kind },
    });
    return toView(row, view, seen);
  }

  /**
   * Where the clip opens in the force's evidence system (the system holds references, not video), redacted unless
   * the actor sees it with police scope or every panel they see it through shows BWV unredacted. Every open is audited.
   */
  async open(actor: Actor, shownClipId: string): Promise<{ url: string; redacted: boolean; reference: string | null }> {
    if (!isUuid(shownClipId)) throw DomainError.notFound('BWV clip', shownClipId);
    const id = await this.access.resolveClipId(actor, shownClipId);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE b.id = $1`, [id])) as ClipRow[];
    const view = row ? bestOf(await this.linkViews(actor, row.links)) : null;
    if (!row || !view) throw DomainError.notFound('BWV clip', shownClipId);
    const police = isPoliceWide(actor) || (await this.policeSees(actor, row.links));
    let redacted = !police;
    if (!police) {
      const [policy] = (await this.dataSource.query(
        `SELECT coalesce(bool_or(p.bwv_redacted), true) AS redacted FROM session_agenda_items ai JOIN panel_sessions ps ON ps.id = ai.session_id
           JOIN panels p ON p.id = ps.panel_id JOIN panel_members pm ON pm.panel_id = p.id AND pm.user_id = $1
         WHERE (ai.case_kind, ai.case_id) IN (SELECT l.case_kind, l.case_id FROM bwv_clip_links l WHERE l.clip_id = $2)`,
        [actor.id, id],
      )) as { redacted: boolean }[];
      redacted = policy?.redacted ?? true;
    }
    const url = this.config.bwvLinkTemplate
      .replaceAll('{reference}', encodeURIComponent(row.reference))
      .replaceAll('{redacted}', String(redacted));
    await this.audit.record(actor, {
      action: 'bwv.opened',
      target: { type: 'bwv_clip', id },
      details: { reference: row.reference, redacted, view: view.kind },
    });
    // The link is the evidence system's own address for the clip (it names the clip there): the reference itself is
    // not repeated to a pseudonymised viewer.
    return { url, redacted, reference: view.kind === 'full' ? row.reference : null };
  }

  /** Whether the actor reaches any of the cases with police (supervisor) scope rather than only through a panel. */
  private async policeSees(actor: Actor, links: { kind: string; id: string }[]): Promise<boolean> {
    if (!actor.roles.includes('supervisor')) return false;
    const supervisor = { ...actor, roles: actor.roles.filter((r) => r === 'supervisor') };
    for (const kind of CASE_KINDS) {
      const ids = links.filter((l) => l.kind === kind).map((l) => l.id);
      if ([...(await this.access.viewsFor(supervisor, kind, ids)).values()].some((v) => v.kind === 'full')) return true;
    }
    return false;
  }

  /** The clips covering one case (404 if the case is not readable); each clip shown is an audited view. */
  async forCase(actor: Actor, kind: CaseKind, shownCaseId: string): Promise<BwvClipView[]> {
    const caseId = await this.access.resolveCaseId(actor, kind, shownCaseId);
    const view = await caseViewOf(this.access, actor, kind, caseId, shownCaseId);
    const rows = (await this.dataSource.query(
      `${SELECT} WHERE b.id IN (SELECT clip_id FROM bwv_clip_links WHERE case_kind = $1 AND case_id = $2) ORDER BY b.recorded_at, b.id`,
      [kind, caseId],
    )) as ClipRow[];
    await this.dataSource.transaction(async (m) => {
      for (const r of rows) {
        await this.audit.record(
          actor,
          {
            action: 'bwv.viewed',
            target: { type: 'bwv_clip', id: r.id },
            details: { reference: r.reference, via: { kind, id: caseId }, view: view.kind },
          },
          m,
        );
      }
    });
    const seen = await this.linkViews(
      actor,
      rows.flatMap((r) => r.links),
    );
    return rows.map((r) => toView(r, view, seen));
  }

  /** How the actor sees each of `links`' cases (one query per kind); cases they cannot read are left out. */
  private async linkViews(actor: Actor, links: { kind: string; id: string }[]): Promise<LinkViews> {
    const seen: LinkViews = new Map();
    for (const kind of CASE_KINDS) {
      const views = await this.access.viewsFor(
        actor,
        kind,
        links.filter((l) => l.kind === kind).map((l) => l.id),
      );
      for (const [id, v] of views) seen.set(`${kind}/${id}`, v);
    }
    return seen;
  }
}

/** The most generous of the views: full if any is, else a pseudonymised one; null when none. */
function bestOf(seen: LinkViews): CaseView | null {
  let best: CaseView | null = null;
  for (const v of seen.values()) if (!best || v.kind === 'full') best = v;
  return best;
}
