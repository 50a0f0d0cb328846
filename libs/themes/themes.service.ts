import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, type FieldError } from '@scrutiny/core';

export interface ThemeView {
  code: string;
  label: string;
  parentCode: string | null;
  position: number;
  retired: boolean;
  retiredAt: string | null;
  /** How many review forms, panel ratings and findings tag it (a used theme can only be retired); null unless asked for. */
  uses: number | null;
}

export interface ThemeInput {
  code: string;
  label: string;
  parentCode?: string | null;
  position?: number;
}

export interface ThemeChange {
  label?: string;
  parentCode?: string | null;
  position?: number;
  retired?: boolean;
}

/** The same rule the review form applies to a theme code, so every code can be tagged. */
const CODE = /^[a-z][a-z0-9_]{0,63}$/;

const USES_SQL = `
  SELECT t.theme AS code, count(*)::int AS uses FROM (
    SELECT jsonb_array_elements_text(form->'assessment'->'themes') AS theme FROM sample_reviews WHERE form IS NOT NULL
    UNION ALL SELECT jsonb_array_elements_text(form->'assessment'->'themes') FROM panel_findings
    UNION ALL SELECT jsonb_array_elements_text(form->'assessment'->'themes') FROM panel_ratings
  ) t GROUP BY t.theme`;

/**
 * The theme vocabulary (domain §4.7): hierarchical, stable codes. Admins add, relabel, move and retire themes;
 * nothing deletes one, so every form that ever tagged a code can still be read and counted.
 */
@Injectable()
export class ThemesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Every theme in tree order (parents before their children); retired ones only when asked for. `withUses` counts
   * the tags across every form, which reads them all and is for those who manage or review the vocabulary.
   */
  async list(options: { includeRetired?: boolean; withUses?: boolean } = {}): Promise<ThemeView[]> {
    const rows = (await this.dataSource.query(
      `${options.withUses ? `WITH uses AS (${USES_SQL}) ` : ''}SELECT th.code, th.label, th.parent_code, th.position, th.retired_at, ${options.withUses ? 'coalesce(u.uses, 0)' : 'NULL::int'} AS uses
       FROM themes th ${options.withUses ? 'LEFT JOIN uses u ON u.code = th.code' : ''} ${options.includeRetired ? '' : 'WHERE th.retired_at IS NULL'}`,
    )) as {
      code: string;
      label: string;
      parent_code: string | null;
      position: number;
      retired_at: Date | null;
      uses: number | null;
    }[];
    const views = rows.map((r) => ({
      code: r.code,
      label: r.label,
      parentCode: r.parent_code,
      position: r.position,
      retired: r.retired_at !== null,
      retiredAt: r.retired_at?.toISOString() ?? null,
      uses: r.uses,
    }));
    return treeOrder(views);
  }

  async get(code: string): Promise<ThemeView> {
    const theme = (await this.list({ includeRetired: true, withUses: true })).find((t) => t.code === code);
    if (!theme) throw DomainError.notFound('Theme', code);
    return theme;
  }

  async create(actor: Actor, input: ThemeInput): Promise<ThemeView> {
    const errors: FieldError[] = [];
    if (!CODE.test(input.code ?? ''))
      errors.push({
        field: 'code',
        message: 'must be lower-case letters, digits and _, starting with a letter (at most 64)',
      });
    if (!input.label?.trim()) errors.push({ field: 'label', message: 'is required' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      await lockVocabulary(m);
      const [exists] = (await m.query(`SELECT retired_at FROM themes WHERE code = $1`, [input.code])) as {
        retired_at: Date | null;
      }[];
      if (exists)
        throw new DomainError(
          'CONFLICT',
          `Theme "${input.code}" already exists${exists.retired_at ? ' (retired: reinstate it instead)' : ''}; codes are never reused`,
        );
      await this.checkParent(m, input.code, input.parentCode ?? null);
      const position = input.position ?? (await this.nextPosition(m, input.parentCode ?? null));
      await m.query(`INSERT INTO themes (code, label, parent_code, position) VALUES ($1, $2, $3, $4)`, [
        input.code,
        input.label.trim(),
        input.parentCode ?? null,
        position,
      ]);
      await this.audit.record(
        actor,
        { action: 'theme.created', target: { type: 'theme', id: input.code }, after: { ...input, position } },
        m,
      );
    });
    return this.get(input.code);
  }

  /** Relabels, moves (re-parents or re-orders), retires or reinstates a theme. Its code never changes. */
  async update(actor: Actor, code: string, change: ThemeChange): Promise<ThemeView> {
    const before = await this.get(code);
    if (change.label !== undefined && !change.label.trim())
      throw DomainError.validation([{ field: 'label', message: 'must not be empty' }]);
    await this.dataSource.transaction(async (m) => {
      await lockVocabulary(m);
      if (change.parentCode !== undefined) await this.checkParent(m, code, change.parentCode);
      if (change.retired === true) {
        const [child] = (await m.query(
          `SELECT code FROM themes WHERE parent_code = $1 AND retired_at IS NULL LIMIT 1`,
          [code],
        )) as { code: string }[];
        if (child)
          throw DomainError.validation([
            { field: 'retired', message: `retire or move its sub-themes first (e.g. "${child.code}")` },
          ]);
      }
      if (change.retired === false && before.parentCode) {
        const [parent] = (await m.query(`SELECT retired_at FROM themes WHERE code = $1`, [before.parentCode])) as {
          retired_at: Date | null;
        }[];
        if (parent?.retired_at && change.parentCode === undefined)
          throw DomainError.validation([
            { field: 'retired', message: `its parent "${before.parentCode}" is retired: reinstate or move it first` },
          ]);
      }
      await m.query(
        `UPDATE themes SET label = coalesce($2, label), parent_code = CASE WHEN $3 THEN $4 ELSE parent_code END, position = coalesce($5, position),
           retired_at = CASE WHEN $6::boolean IS NULL THEN retired_at WHEN $6 THEN coalesce(retired_at, now()) ELSE NULL END
         WHERE code = $1`,
        [
          code,
          change.label?.trim() ?? null,
          change.parentCode !== undefined,
          change.parentCode ?? null,
          change.position ?? null,
          change.retired ?? null,
        ],
      );
      const action =
        change.retired === true ? 'theme.retired' : change.retired === false ? 'theme.reinstated' : 'theme.updated';
      await this.audit.record(
        actor,
        {
          action,
          target: { type: 'theme', id: code },
          before: {
            label: before.label,
            parentCode: before.parentCode,
            position: before.position,
            retired: before.retired,
          },
          after: change,
        },
        m,
      );
    });
    return this.get(code);
  }

  /** A parent must exist, be in use (not retired), and not be the theme itself or one of its descendants. */
  private async checkParent(m: EntityManager, code: string, parentCode: string | null): Promise<void> {
    if (parentCode === null) return;
    const [parent] = (await m.query(`SELECT retired_at FROM themes WHERE code = $1`, [parentCode])) as {
      retired_at: Date | null;
    }[];
    if (!parent) throw DomainError.validation([{ field: 'parentCode', message: `"${parentCode}" is not a theme` }]);
    if (parent.retired_at)
      throw DomainError.validation([{ field: 'parentCode', message: `"${parentCode}" is retired` }]);
    const [cycle] = (await m.query(
      `WITH RECURSIVE up(code, parent_code) AS (SELECT code, parent_code FROM themes WHERE code = $1
         UNION ALL SELECT t.code, t.parent_code FROM themes t JOIN up ON t.code = up.parent_code)
       SELECT 1 FROM up WHERE code = $2 LIMIT 1`,
      [parentCode, code],
    )) as unknown[];
    if (cycle)
      throw DomainError.validation([
        { field: 'parentCode', message: 'a theme cannot sit under itself or one of its own sub-themes' },
      ]);
  }

  private async nextPosition(m: EntityManager, parentCode: string | null): Promise<number> {
    const [row] = (await m.query(
      `SELECT coalesce(max(position), -1) + 1 AS next FROM themes WHERE parent_code IS NOT DISTINCT FROM $1`,
      [parentCode],
    )) as { next: number }[];
    return Number(row.next);
  }
}

/**
 * Changes to the vocabulary run one at a time: the checks (no cycle, parent in use, code unused) read other rows,
 * so two concurrent moves could each pass and together make a cycle.
 */
async function lockVocabulary(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('themes.vocabulary'))`);
}

/** Parents before children, siblings by position then code; children of a missing (filtered-out) parent follow as roots. */
export function treeOrder<T extends { code: string; parentCode: string | null; position: number }>(
  themes: readonly T[],
): T[] {
  const codes = new Set(themes.map((t) => t.code));
  const children = new Map<string | null, T[]>();
  for (const t of themes) {
    const parent = t.parentCode && codes.has(t.parentCode) ? t.parentCode : null;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: T[] = [];
  const walk = (parent: string | null) => {
    for (const t of (children.get(parent) ?? []).sort(
      (a, b) => a.position - b.position || (a.code < b.code ? -1 : 1),
    )) {
      out.push(t);
      walk(t.code);
    }
  };
  walk(null);
  return out;
}
