import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, isUuid, type AppConfig } from '@scrutiny/core';
import { isPoliceWide, type Actor } from '../actor';
import { withinAreasSql } from './area-scope';
import { opaqueId, openCursor, sealCursor } from './pseudonymise';

/** Kinds of case a user can be scoped to, and the table each lives in. */
export const CASE_TABLES = {
  stop_search: 'stop_searches',
  vehicle_stop: 'vehicle_stops',
  use_of_force: 'use_of_force_reports',
} as const;
export const CASE_KINDS = Object.keys(CASE_TABLES) as CaseKind[];
export type CaseKind = keyof typeof CASE_TABLES;

/**
 * `columns` of the case named by the SQL expressions `kindExpr` and `idExpr`, whichever table holds it: a subquery
 * for a LATERAL join or an EXISTS over rows that point at a case by kind and id.
 */
export function caseColumnsSql(kindExpr: string, idExpr: string, columns: string): string {
  return Object.entries(CASE_TABLES)
    .map(([kind, table]) => `SELECT ${columns} FROM ${table} WHERE ${kindExpr} = '${kind}' AND id = ${idExpr}`)
    .join(' UNION ALL ');
}

/** A predicate to AND into a query over a case table aliased `alias`, or "all"/"none". */
export type Scope = { kind: 'all' } | { kind: 'none' } | { kind: 'where'; sql: string; params: unknown[] };

/** How one case is shown to one actor. */
export type CaseView = { kind: 'full' } | { kind: 'pseudonymised'; panelId: string; key: string; showGrounds: boolean };

/** The columns `AccessService.viewColumns` adds to a row. */
export interface ViewRow {
  via_police: boolean;
  via_panel: { panelId: string; kind: string; showGrounds: boolean } | null;
}

/** Days after a session closes during which its members can still open its cases (domain §7). */
export const PANEL_GRACE_DAYS = 7;

/**
 * SQL over a `panel_members` row aliased `pm`: the membership is current (domain §7): a term in force today, vetted,
 * with a signed confidentiality agreement. The one rule for case access here and for panel sessions in the panels lib.
 */
export const CURRENT_PANEL_MEMBERSHIP_SQL = `pm.term_start <= current_date AND (pm.term_end IS NULL OR pm.term_end >= current_date)
  AND pm.vetted_on IS NOT NULL AND pm.confidentiality_signed_on IS NOT NULL`;

/**
 * Record-level scoping, in one place (domain §7): professional standards and admins see every case; a supervisor the
 * cases of their teams and areas (an area with every area beneath it), of officers they supervise, and those assigned to them for a dip-sample review; a
 * panel member the cases on the agenda of their panels' sessions, while the session is open and for 7 days after closing, and only during their term, once vetted
 * and with a signed confidentiality agreement; analysts no individual cases. Roles combine. A case outside scope is
 * reported as missing (404), never as forbidden, so ids cannot be probed.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * FROM … WHERE of the agenda items a member may open now: on a session of a panel they belong to, during their
   * term, vetted, with a signed confidentiality agreement, while the session is open or closed under 7 days ago,
   * and not a case they declared a conflict with.
   * Both the scope and the choice of panel (which decides the view) use this, so they cannot disagree.
   */
  private memberAgenda(kind: CaseKind, caseId: string, userParam: string): string {
    return `session_agenda_items ai
      JOIN panel_sessions ps ON ps.id = ai.session_id
      JOIN panels p ON p.id = ps.panel_id
      JOIN panel_members pm ON pm.panel_id = ps.panel_id
      WHERE ai.case_kind = '${kind}' AND ai.case_id = ${caseId} AND pm.user_id = ${userParam}
        AND ${CURRENT_PANEL_MEMBERSHIP_SQL}
        AND (ps.status = 'open' OR (ps.status IN ('closed', 'published') AND ps.closed_at >= now() - interval '${PANEL_GRACE_DAYS} days'))
        AND NOT EXISTS (SELECT 1 FROM conflict_declarations cd
          WHERE cd.session_id = ai.session_id AND cd.case_kind = ai.case_kind AND cd.case_id = ai.case_id AND cd.user_id = pm.user_id)`;
  }

  /** The scope predicate for `alias` (a `kind` table) with parameters numbered from `firstParam`. */
  scope(actor: Actor, alias: string, firstParam = 1, kind: CaseKind = 'stop_search'): Scope {
    if (isPoliceWide(actor)) return { kind: 'all' };
    const clauses: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${firstParam + params.length - 1}`;
    };
    if (actor.roles.includes('supervisor')) {
      clauses.push(
        `${alias}.team_code = ANY(${p(actor.teams)}::text[])`,
        withinAreasSql(p(actor.areas), { force: `${alias}.force_code`, area: `${alias}.area_code` }),
        `${alias}.officer_id IN (SELECT o.id FROM officers o WHERE o.supervisor_user_id = ${p(actor.id)}::uuid)`,
        // A record in a dip sample whose review is assigned to them.
        `EXISTS (SELECT 1 FROM dip_sample_items si JOIN sample_reviews sr ON sr.item_id = si.id
           WHERE si.case_kind = '${kind}' AND si.case_id = ${alias}.id AND sr.assigned_to = ${p(actor.id)}::uuid)`,
      );
    }
    if (actor.roles.includes('internal_panel') || actor.roles.includes('external_panel')) {
      clauses.push(`EXISTS (SELECT 1 FROM ${this.memberAgenda(kind, `${alias}.id`, `${p(actor.id)}::uuid`)})`);
    }
    return clauses.length ? { kind: 'where', sql: `(${clauses.join(' OR ')})`, params } : { kind: 'none' };
  }

  /**
   * For each of `ids` the actor may read, how it is shown: in full (police scope, or an internal panel), or
   * pseudonymised when the only way in is an external panel (whose policy decides on free-text grounds). One query.
   */
  async viewsFor(actor: Actor, kind: CaseKind, ids: string[]): Promise<Map<string, CaseView>> {
    const valid = [...new Set(ids.filter(isUuid))];
    const views = new Map<string, CaseView>();
    if (!valid.length) return views;
    const columns = this.viewColumns(actor, kind, 'c', 2);
    const rows = (await this.dataSource.query(
      `SELECT c.id, ${columns.sql} FROM ${CASE_TABLES[kind]} c WHERE c.id = ANY($1::uuid[])`,
      [valid, ...columns.params],
    )) as (ViewRow & { id: string })[];
    for (const r of rows) {
      const view = this.viewFromRow(r);
      if (view) views.set(r.id, view);
    }
    return views;
  }

  /**
   * Select-list columns `via_police` and `via_panel` over a case table aliased `alias` (parameters numbered from
   * `firstParam`), from which `viewFromRow` decides how the actor sees each row: so a read of a case can learn in the same
   * statement whether, and how, its reader may see it.
   */
  viewColumns(actor: Actor, kind: CaseKind, alias: string, firstParam: number): { sql: string; params: unknown[] } {
    if (isPoliceWide(actor)) return { sql: 'true AS via_police, NULL::json AS via_panel', params: [] };
    const params: unknown[] = [];
    let viaPanel = 'NULL::json';
    if (actor.roles.includes('internal_panel') || actor.roles.includes('external_panel')) {
      params.push(actor.id);
      viaPanel = `(SELECT json_build_object('panelId', p.id, 'kind', p.kind, 'showGrounds', p.show_grounds)
        FROM ${this.memberAgenda(kind, `${alias}.id`, `$${firstParam}::uuid`)}
        ORDER BY (p.kind = 'internal') DESC, p.id LIMIT 1)`;
    }
    const police = this.scope(
      { ...actor, roles: actor.roles.filter((r) => r === 'supervisor') },
      alias,
      firstParam + params.length,
      kind,
    );
    if (police.kind === 'where') params.push(...police.params);
    return { sql: `${police.kind === 'where' ? police.sql : 'false'} AS via_police, ${viaPanel} AS via_panel`, params };
  }

  /** How a row read with `viewColumns` is shown to its reader; undefined when they may not see it. */
  viewFromRow(row: ViewRow): CaseView | undefined {
    if (row.via_police || row.via_panel?.kind === 'internal') return { kind: 'full' };
    if (!row.via_panel) return undefined;
    return {
      kind: 'pseudonymised',
      panelId: row.via_panel.panelId,
      key: this.config.pseudonymKey,
      showGrounds: row.via_panel.showGrounds,
    };
  }

  /**
   * The real id behind an id an external member was shown (`opaqueId` under one of their external panels), found by
   * recomputing it over the cases they may open now; any other id is returned as given (and scoped as usual).
   */
  async resolveCaseId(actor: Actor, kind: CaseKind, id: string): Promise<string> {
    if (!this.mayHoldOpaqueIds(actor, id)) return id;
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ai.case_id AS id, p.id AS panel_id FROM ${this.memberAgenda(kind, 'ai.case_id', '$1::uuid')} AND p.kind = 'external'`,
      [actor.id],
    )) as { id: string; panel_id: string }[];
    return this.match(rows, id);
  }

  /** As `resolveCaseId`, for a BWV clip covering a case the external member may open now. */
  async resolveClipId(actor: Actor, id: string): Promise<string> {
    if (!this.mayHoldOpaqueIds(actor, id)) return id;
    const rows = (await this.dataSource.query(
      CASE_KINDS.map(
        (kind) => `SELECT l.clip_id AS id, x.panel_id FROM bwv_clip_links l
          JOIN (SELECT ai.case_kind, ai.case_id, p.id AS panel_id FROM ${this.memberAgenda(kind, 'ai.case_id', '$1::uuid')} AND p.kind = 'external') x
            ON x.case_kind = l.case_kind AND x.case_id = l.case_id`,
      ).join(' UNION '),
      [actor.id],
    )) as { id: string; panel_id: string }[];
    return this.match(rows, id);
  }

  /** A list's page cursor, sealed so that it tells its holder nothing (see `sealCursor`). */
  sealCursor(value: unknown): string {
    return sealCursor(this.config.pseudonymKey, value);
  }

  /** The value of a cursor from `sealCursor`, or undefined. */
  openCursor(cursor: string): unknown {
    return openCursor(this.config.pseudonymKey, cursor);
  }

  private mayHoldOpaqueIds(actor: Actor, id: string): boolean {
    return !isPoliceWide(actor) && actor.roles.includes('external_panel') && isUuid(id);
  }

  private match(rows: { id: string; panel_id: string }[], id: string): string {
    const wanted = id.toLowerCase();
    return rows.find((r) => opaqueId(this.config.pseudonymKey, r.panel_id, r.id) === wanted)?.id ?? id;
  }
}
