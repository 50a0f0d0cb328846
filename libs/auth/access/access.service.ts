import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, isUuid } from '@scrutiny/core';
import type { Actor } from '../actor';

/** Kinds of case a user can be scoped to, and the table each lives in. */
export const CASE_TABLES = { stop_search: 'stop_searches' } as const;
export type CaseKind = keyof typeof CASE_TABLES;

/** A predicate to AND into a query over a case table aliased `alias`, or "all"/"none". */
export type Scope = { kind: 'all' } | { kind: 'none' } | { kind: 'where'; sql: string; params: unknown[] };

/**
 * Record-level scoping, in one place (domain §7): professional standards and admins see every case; a supervisor
 * the cases of their teams and areas and of officers they supervise; panel members only the cases on the agenda of
 * their panels' sessions (while open and for 7 days after; granted once panels exist, until then nothing); analysts
 * no individual cases. Roles combine. A case outside scope is reported as missing (404), never as forbidden, so ids
 * cannot be probed.
 */
@Injectable()
export class AccessService {
  constructor(private readonly dataSource: DataSource) {}

  /** The scope predicate for `alias` with parameters numbered from `firstParam`. */
  scope(actor: Actor, alias: string, firstParam = 1): Scope {
    if (actor.roles.includes('admin') || actor.roles.includes('professional_standards')) return { kind: 'all' };
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (actor.roles.includes('supervisor')) {
      const p = (value: unknown) => {
        params.push(value);
        return `$${firstParam + params.length - 1}`;
      };
      clauses.push(
        `${alias}.team_code = ANY(${p(actor.teams)}::text[])`,
        `${alias}.area_code = ANY(${p(actor.areas)}::text[])`,
        `${alias}.officer_id IN (SELECT o.id FROM officers o WHERE o.supervisor_user_id = ${p(actor.id)}::uuid)`,
      );
    }
    return clauses.length ? { kind: 'where', sql: `(${clauses.join(' OR ')})`, params } : { kind: 'none' };
  }

  /** Which of `ids` the actor may read: one query however many ids. */
  async readable(actor: Actor, kind: CaseKind, ids: string[]): Promise<Set<string>> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return new Set();
    const scope = this.scope(actor, 'c', 2);
    if (scope.kind === 'none') return new Set();
    const where = scope.kind === 'all' ? '' : ` AND ${scope.sql}`;
    const rows = (await this.dataSource.query(`SELECT c.id FROM ${CASE_TABLES[kind]} c WHERE c.id = ANY($1::uuid[])${where}`, [
      valid,
      ...(scope.kind === 'where' ? scope.params : []),
    ])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async assertReadable(actor: Actor, kind: CaseKind, id: string): Promise<void> {
    if (!(await this.readable(actor, kind, [id])).has(id)) throw DomainError.notFound('Case', id);
  }

  /** Whether this actor sees cases pseudonymised: external panel members who hold no police role. */
  pseudonymised(actor: Actor): boolean {
    return actor.roles.includes('external_panel') && !actor.roles.some((r) => r === 'admin' || r === 'professional_standards' || r === 'supervisor' || r === 'internal_panel');
  }
}
