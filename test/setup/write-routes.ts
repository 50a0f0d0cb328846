import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLES, ROLE_PERMISSIONS, type Role } from '@scrutiny/auth';
import type { RouteInfo } from './routes';

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A JSON schema as the OpenAPI document holds it (only what the generators below read). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  nullable?: boolean;
}

/** `/api/v1/cases/:id` → `/api/v1/cases/{id}`, as the OpenAPI document names it. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** The JSON request body schema of a route, $refs resolved at the top level (undefined when it takes no body). */
export function requestSchema(doc: OpenAPIObject, route: RouteInfo): Schema | undefined {
  const op = (doc.paths[openApiPath(route.path)] as Record<string, { requestBody?: unknown }> | undefined)?.[
    route.method.toLowerCase()
  ];
  const body = op?.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined;
  const schema = body?.content?.['application/json']?.schema;
  return schema ? resolve(doc, schema) : undefined;
}

export function resolve(doc: OpenAPIObject, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 10; hops++) {
    s = (doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] ?? {}) as Schema;
  }
  const alt = s.allOf?.[0] ?? s.oneOf?.[0] ?? s.anyOf?.[0];
  return alt && !s.type && !s.properties ? resolve(doc, alt) : s;
}

/** A role the route admits (admin first, then professional standards, then any), or null for a public route. */
export function roleFor(route: RouteInfo): Role | null {
  const rule = route.rule;
  if (!rule || rule.kind === 'public') return null;
  const order: Role[] = ['admin', 'professional_standards', ...ROLES];
  return order.find((r) => ROLE_PERMISSIONS[r].includes(rule.permission)) ?? 'admin';
}

/** A plausible value for a schema: its example, its first enum value, or one of its type. */
export function sample(doc: OpenAPIObject, raw: Schema, depth = 0): unknown {
  const s = resolve(doc, raw);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.properties || s.type === 'object') {
    const out: Record<string, unknown> = {};
    if (depth > 6) return out;
    for (const name of s.required ?? []) {
      const p = s.properties?.[name];
      if (p) out[name] = sample(doc, p, depth + 1);
    }
    return out;
  }
  switch (s.type) {
    case 'array':
      return s.items && (s.minItems ?? 0) > 0 ? [sample(doc, s.items, depth + 1)] : [];
    case 'integer':
      return Math.max(s.minimum ?? 1, 1);
    case 'number':
      return Math.max(s.minimum ?? 0, 0);
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'date') return '2024-03-01';
      if (s.format === 'date-time') return '2024-03-01T10:00:00Z';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    default:
      return 'x';
  }
}

export interface Leaf {
  /** Property names (and 0 for a list item) from the body's root. */
  path: (string | number)[];
  schema: Schema;
}

/** Every scalar the body can hold (lists reached through their first item), to fill one at a time with a bad value. */
export function leaves(doc: OpenAPIObject, raw: Schema, path: (string | number)[] = [], depth = 0): Leaf[] {
  const s = resolve(doc, raw);
  if (depth > 5) return [];
  if (s.properties)
    return Object.entries(s.properties).flatMap(([name, p]) => leaves(doc, p, [...path, name], depth + 1));
  if (s.type === 'array' && s.items) return leaves(doc, s.items, [...path, 0], depth + 1);
  if (s.type === 'object') return [];
  return [{ path, schema: s }];
}

/** A copy of `body` with the value at `path` replaced (missing objects and lists on the way are made). */
export function withValue(doc: OpenAPIObject, body: unknown, root: Schema, path: (string | number)[], value: unknown) {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let here = copy;
  let schema = resolve(doc, root);
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      here[key] = value;
      return;
    }
    const next = resolve(doc, typeof key === 'number' ? schema.items! : schema.properties![key]);
    if (here[key] === undefined || here[key] === null || typeof here[key] !== 'object')
      here[key] = next.type === 'array' ? [] : typeof path[i + 1] === 'number' ? [] : sample(doc, next);
    const child = here[key] as Record<string | number, unknown>;
    if (Array.isArray(child) && child.length === 0 && next.items) child.push(sample(doc, next.items));
    here = child;
    schema = next;
  });
  return copy;
}

/** A value for a path parameter a route's own pipes accept (what it names need not exist). */
export function pathValue(name: string, id: () => string): string {
  if (name === 'quarter') return '2024-Q2';
  if (name === 'code') return 'stop_duration';
  return id();
}

/** The path with every :param filled by pathValue. */
export const fillPath = (path: string, id: () => string) =>
  path.replace(/:([A-Za-z]+)/g, (_, name: string) => pathValue(name, id));

/**
 * A valid request for a write route: a JSON body (a function gets the route's OpenAPI sample, for the long review
 * forms), a multipart form, or nothing for a route that reads no body. `roles`, where a route's rule is only
 * "signed in" (self) and the service decides who may, names the roles it admits on a record they could hold.
 */
export interface ValidRequest {
  body?: Record<string, unknown> | ((sample: Record<string, unknown>, users: Record<Role, string>) => unknown);
  multipart?: { fields: Record<string, string>; file: string };
  roles?: Role[];
  /**
   * The one answer a role it admits gets when the valid request cannot act without a secret the test will not spend
   * (someone else's refresh token: 401; a wrong current password: 400) or a record it would have to make first (a
   * route that names unknown ids field by field: 400), so that no other answer passes unnoticed.
   */
  answer?: number;
}

const UUID = '0190b5a0-0000-7000-8000-000000000001';
const FORM_OF = (sample: Record<string, unknown>) => ({ form: sample.form });
const PANEL_POLICE = ['admin', 'professional_standards'] as Role[];
const CASE = { force: 'lancashire', occurredAt: '2024-05-03T21:47:00+01:00', teamCode: 'TEAM-A' };
const STOP_SEARCH = {
  ...CASE,
  searchType: 'person',
  legislation: 'misuse_of_drugs_act_s23',
  objectOfSearch: 'controlled_drugs',
  outcome: 'no_further_action',
};
const VEHICLE_STOP = { ...CASE, reason: 'moving_traffic_offence' };
const USE_OF_FORCE = { ...CASE, tactics: [{ tactic: 'compliant_handcuffing' }] };

/**
 * Every write route, keyed "METHOD path": a route missing here fails the access matrix (add its valid request).
 * Bodies are valid as far as the request's own checks go; the ids they name need not exist (404 is not a grant).
 */
export const VALID_REQUESTS: Record<string, ValidRequest> = {
  'POST /api/v1/auth/login': { body: { username: 'supervisor', password: 'scrutiny-demo-2026' } },
  'POST /api/v1/auth/refresh': { body: { refreshToken: 'not-a-token-of-ours' } },
  'POST /api/v1/auth/logout': { body: { refreshToken: 'not-a-token-of-ours' }, answer: 401 },
  'POST /api/v1/me/password': {
    body: { currentPassword: 'not the current password', newPassword: 'a quite different passphrase 42' },
    answer: 400,
  },
  'POST /api/v1/users': { body: { username: 'matrix-user', roles: ['analyst'], password: 'a long matrix passphrase' } },
  'PATCH /api/v1/users/:id': { body: { version: 1, displayName: 'Renamed' } },
  'POST /api/v1/users/:id/disabled': { body: { disabled: true } },
  'POST /api/v1/users/:id/password': { body: {} },
  'POST /api/v1/jobs/failed/:id/retry': {},
  'POST /api/v1/jobs/failed/:id/discard': {},
  'POST /api/v1/email-outbox/:id/retry': {},
  'POST /api/v1/imports': {
    multipart: {
      fields: { format: 'police-uk', force: 'city-of-london' },
      file: 'Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing\n',
    },
  },
  'POST /api/v1/stop-searches': {
    body: STOP_SEARCH,
  },
  'PATCH /api/v1/stop-searches/:id': { body: { ...STOP_SEARCH, version: 1 } },
  'POST /api/v1/vehicle-stops': { body: VEHICLE_STOP },
  'PATCH /api/v1/vehicle-stops/:id': { body: { ...VEHICLE_STOP, version: 1 } },
  'POST /api/v1/use-of-force': { body: USE_OF_FORCE },
  'PATCH /api/v1/use-of-force/:id': { body: { ...USE_OF_FORCE, version: 1 } },
  'POST /api/v1/bwv-clips': {
    body: {
      reference: 'EVD-MATRIX-1',
      force: 'lancashire',
      recordedAt: '2024-05-03T21:46:30+01:00',
      links: [{ kind: 'stop_search', id: UUID }],
    },
  },
  'PATCH /api/v1/officers/:id': { body: { teamCode: 'TEAM-B' } },
  'POST /api/v1/sampling-plans': { body: { name: 'Matrix plan' } },
  'PUT /api/v1/sampling-plans/:id/schedule': { body: { enabled: true } },
  'PATCH /api/v1/sampling-plans/:id': { body: { version: 1, name: 'Renamed plan' } },
  'POST /api/v1/dip-samples': { body: { period: '2024-05' } },
  'POST /api/v1/dip-samples/:id/redraw': { body: { version: 1 } },
  'POST /api/v1/dip-samples/:id/issue': { body: { version: 1 } },
  'PUT /api/v1/dip-samples/:id/items/:itemId/assignment': { body: { assignedTo: UUID } },
  'PUT /api/v1/dip-samples/:id/items/:itemId/review': { body: (s) => ({ version: 1, form: s.form }) },
  'POST /api/v1/sample-reviews/assignments': {
    body: (_, users) => ({ itemIds: [UUID], assignedTo: users.supervisor }),
    // Items it cannot see are named in the errors (400), as missing ones: a test id is neither.
    answer: 400,
  },
  'POST /api/v1/bwv-holds/:id/confirm': {},
  'POST /api/v1/me/notifications/:id/read': {},
  'POST /api/v1/panels': { body: { name: 'Matrix panel', kind: 'internal', remit: ['stop_search'] } },
  'PATCH /api/v1/panels/:id': { body: { version: 1, name: 'Renamed panel' } },
  'PUT /api/v1/panels/:id/members/:userId': { body: { role: 'member', termStart: '2024-03-01' } },
  'POST /api/v1/panels/:id/sessions': { body: { scheduledAt: '2024-06-20T18:30:00+01:00' }, roles: PANEL_POLICE },
  'PATCH /api/v1/panel-sessions/:id': { body: { version: 1, venue: 'Town hall' } },
  'POST /api/v1/panel-sessions/:id/agenda': { body: { cases: [] } },
  'DELETE /api/v1/panel-sessions/:id/agenda/:itemId': {},
  'PUT /api/v1/panel-sessions/:id/attendance': { body: { entries: [{ userId: UUID, present: true }] } },
  'POST /api/v1/panel-sessions/:id/transitions': { body: { status: 'open', version: 1 } },
  'POST /api/v1/panel-sessions/:id/agenda/:itemId/conflict': { body: { reason: 'I know the family' } },
  'POST /api/v1/panel-sessions/:id/agenda/:itemId/reveal': {},
  'PUT /api/v1/panel-sessions/:id/agenda/:itemId/rating': { body: FORM_OF },
  'PUT /api/v1/panel-sessions/:id/agenda/:itemId/finding': { body: (s) => s },
  'POST /api/v1/panel-sessions/:id/agenda/:itemId/finding/corrections': { body: (s) => s },
  'POST /api/v1/complaints': {
    body: {
      force: 'lancashire',
      reference: 'CO/MATRIX/1',
      receivedOn: '2024-05-06',
      allegations: [{ category: 'individual_behaviours', subCategory: 'impolite_language_or_tone' }],
    },
  },
  'PATCH /api/v1/complaints/:id': { body: { version: 1, handling: 'outside_schedule_3' } },
  'POST /api/v1/complaints/:id/actions': {
    body: { kind: 'feedback_to_officer', description: 'Debrief', owner: 'Inspector', dueOn: '2024-09-30' },
  },
  'POST /api/v1/complaints/imports': {
    multipart: {
      fields: { force: 'lancashire' },
      file: 'reference,received_on,category,sub_category\n',
    },
  },
  'POST /api/v1/findings/:id/actions': {
    body: { kind: 'feedback_to_officer', description: 'Brief the team', owner: 'Inspector', dueOn: '2024-03-01' },
  },
  'PATCH /api/v1/finding-actions/:id': { body: { version: 1, status: 'in_progress' } },
  'POST /api/v1/disproportionality/findings': {
    body: { title: 'Matrix finding', query: { from: '2024-01', to: '2024-12', area: 'lancashire' }, narrative: 'x' },
  },
  'PATCH /api/v1/disproportionality/findings/:id': { body: { version: 1, narrative: 'Revised' } },
  'POST /api/v1/themes': { body: { code: 'matrix_theme', label: 'Matrix theme' } },
  'PATCH /api/v1/themes/:code': { body: { label: 'Renamed theme' } },
  'PUT /api/v1/themes/quarters/:quarter/meeting': { body: (s) => s },
  'POST /api/v1/themes/quarters/:quarter/meeting/actions': {
    body: { kind: 'feedback_to_officer', description: 'Brief the team', owner: 'Inspector', dueOn: '2024-03-01' },
  },
  'POST /api/v1/themes/quarters/:quarter/packs': { body: {} },
};

/** The valid JSON body of a route (undefined: it reads none, or takes a multipart form). */
export function validBody(doc: OpenAPIObject, route: RouteInfo, users: Record<Role, string>): unknown {
  const entry = VALID_REQUESTS[`${route.method} ${route.path}`];
  if (!entry || entry.body === undefined) return undefined;
  if (typeof entry.body !== 'function') return entry.body;
  const schema = requestSchema(doc, route);
  return entry.body((schema ? sample(doc, schema) : {}) as Record<string, unknown>, users);
}
