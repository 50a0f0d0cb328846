import { officerToken, opaqueId, roundToHour, type CaseKind, type CaseView } from '@scrutiny/auth';
import type { CaseKindSpec } from './case-kinds';

/** A case row as read by the cases service: the table's columns plus the officer reference and district. */
export interface CaseRow {
  id: string;
  force_code: string;
  area_code: string | null;
  district_code: string | null;
  occurred_at: Date;
  period: string;
  latitude: number | null;
  longitude: number | null;
  officer_reference: string | null;
  team_code: string | null;
  source_reference: string | null;
  source: string;
  version: number;
  [column: string]: unknown;
}

/** The API's shape of a case: the common fields, then the kind's own (some nested under a group such as `subject`). */
export interface CaseRecordView {
  id: string;
  kind: CaseKind;
  reference: string | null;
  forceCode: string;
  areaCode: string | null;
  occurredAt: string;
  period: string;
  location: { latitude: number; longitude: number } | null;
  officer: string | null;
  teamCode: string | null;
  source: string;
  version: number;
  pseudonymised: boolean;
  [field: string]: unknown;
}

/**
 * The one mapper from a row to the API's shape, for every kind, so no route can forget pseudonymisation: an
 * external panel sees the officer as a per-panel token, the id as an opaque per-panel id (a UUIDv7 id would tell
 * the exact time of creation), the time rounded to the hour, the place only as its district, no identifying detail (coordinates, references, operation or authorisation ids, linked cases), and
 * free text only if the panel's policy allows it.
 */
export function toCaseView(spec: CaseKindSpec, r: CaseRow, view: CaseView): CaseRecordView {
  const pseudonymised = view.kind === 'pseudonymised';
  const out: CaseRecordView = {
    id: view.kind === 'pseudonymised' ? opaqueId(view.key, view.panelId, r.id) : r.id,
    kind: spec.kind,
    reference: pseudonymised ? null : r.source_reference,
    forceCode: r.force_code,
    areaCode: pseudonymised ? r.district_code : r.area_code,
    occurredAt: pseudonymised ? roundToHour(r.occurred_at) : r.occurred_at.toISOString(),
    period: r.period.slice(0, 7),
    location:
      !pseudonymised && r.latitude !== null && r.longitude !== null
        ? { latitude: r.latitude, longitude: r.longitude }
        : null,
    officer:
      r.officer_reference && view.kind === 'pseudonymised'
        ? officerToken(view.key, view.panelId, r.officer_reference)
        : r.officer_reference,
    teamCode: pseudonymised ? null : r.team_code,
    source: r.source,
    version: r.version,
    pseudonymised,
  };
  for (const f of spec.fields) {
    let value = r[f.column] ?? (f.type === 'codes' || f.type === 'tactics' ? [] : null);
    if (
      view.kind === 'pseudonymised' &&
      (f.pseudonymised === 'hide' || (f.pseudonymised === 'grounds' && !view.showGrounds))
    )
      value = null;
    if (f.group) ((out[f.group] ??= {}) as Record<string, unknown>)[f.name] = value;
    else out[f.name] = value;
  }
  return out;
}
