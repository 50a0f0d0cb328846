import type { DataSource } from 'typeorm';
import type { TestApp } from '../setup/test-app';

/** Panels, members, sessions and agendas as rows (the panel management API comes with the panels feature). */
export async function createPanel(ds: DataSource, kind: 'internal' | 'external', showGrounds = false): Promise<string> {
  const [{ id }] = await ds.query(
    `INSERT INTO panels (name, kind, remit, show_grounds, version) VALUES ($1, $2, '{stop_search}', $3, 1) RETURNING id`,
    [`${kind} panel ${Math.random().toString(36).slice(2, 7)}`, kind, showGrounds],
  );
  return id;
}

export async function addMember(
  ds: DataSource,
  panelId: string,
  userId: string,
  over: {
    termStart?: string;
    termEnd?: string | null;
    vettedOn?: string | null;
    confidentialitySignedOn?: string | null;
  } = {},
): Promise<void> {
  await ds.query(
    `INSERT INTO panel_members (panel_id, user_id, role, term_start, term_end, vetted_on, confidentiality_signed_on) VALUES ($1, $2, 'member', $3, $4, $5, $6)
     ON CONFLICT (panel_id, user_id) DO UPDATE SET term_start = EXCLUDED.term_start, term_end = EXCLUDED.term_end, vetted_on = EXCLUDED.vetted_on,
       confidentiality_signed_on = EXCLUDED.confidentiality_signed_on`,
    [
      panelId,
      userId,
      over.termStart ?? '2020-01-01',
      over.termEnd === undefined ? null : over.termEnd,
      over.vettedOn === undefined ? '2020-01-01' : over.vettedOn,
      over.confidentialitySignedOn === undefined ? '2020-01-01' : over.confidentialitySignedOn,
    ],
  );
}

export async function createSession(
  ds: DataSource,
  panelId: string,
  status: 'planned' | 'open' | 'closed' | 'published',
  closedDaysAgo?: number,
): Promise<string> {
  const [{ id }] = await ds.query(
    `INSERT INTO panel_sessions (panel_id, scheduled_at, status, opened_at, closed_at, version)
     VALUES ($1, now(), $2, CASE WHEN $2 <> 'planned' THEN now() END, CASE WHEN $3::int IS NOT NULL THEN now() - make_interval(days => $3::int) END, 1) RETURNING id`,
    [panelId, status, closedDaysAgo ?? null],
  );
  return id;
}

export async function addToAgenda(
  ds: DataSource,
  sessionId: string,
  caseId: string,
  position = 1,
  kind = 'stop_search',
): Promise<void> {
  await ds.query(
    `INSERT INTO session_agenda_items (session_id, case_kind, case_id, position) VALUES ($1, $4, $2, $3)`,
    [sessionId, caseId, position, kind],
  );
}

/** Panel members' agreements signed (term, vetting, confidentiality): a member who may see the session's cases. */
export const SIGNED = { termStart: '2024-01-01', vettedOn: '2024-01-02', confidentialitySignedOn: '2024-01-03' };

/** A full stop-search review (amber, smell of cannabis alone) for ratings; FINDING is it as a finding. */
export const FORM = {
  bwv: { availability: 'partial', activatedBeforeContact: 'no', gaps: 'Camera started after the search began' },
  lawfulness: { powerApplicable: 'yes', grounds: 'not_reasonable', reason: 'Smell of cannabis alone' },
  gowisely: {
    grounds: 'given',
    object: 'given',
    warrantCard: 'not_applicable',
    identity: 'partly',
    station: 'given',
    entitlementToRecord: 'not_given',
    legalPower: 'given',
    youAreDetained: 'given',
  },
  recordQuality: {
    recordCompleted: 'yes',
    receiptOffered: 'no',
    selfDefinedEthnicityAsked: 'yes',
    outcomeRecorded: 'yes',
    outcomeLinkRecorded: 'unknown',
  },
  conduct: {
    communicationAndRespect: 'adequate',
    explanation: 'poor',
    deEscalation: 'not_applicable',
    detentionKeptMinimal: 'good',
    dignity: 'good',
    safeguardingChildren: 'not_applicable',
  },
  useOfForce: null,
  assessment: {
    rag: 'amber',
    goodPractice: null,
    learningPoints: 'Explain the grounds and offer the receipt',
    questionsForForce: 'How is cannabis-smell-only guidance briefed?',
    themes: ['smell_of_cannabis_only', 'gowisely_incomplete'],
  },
  outcome: 'organisational_learning',
};
export const FINDING = { ...FORM, outcome: 'feedback_to_officer' };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Creates users holding one panel role (through the users API, as an admin) and signs each in: their ids go into
 * `user` and their access tokens into `token`, by username.
 */
export async function signInPanelUsers(
  t: TestApp,
  adminToken: string,
  role: 'internal_panel' | 'external_panel',
  names: readonly string[],
  into: { user: Record<string, string>; token: Record<string, string> },
): Promise<void> {
  const password = 'a long panel member passphrase';
  for (const name of names) {
    into.user[name] = (
      await t
        .http()
        .post('/api/v1/users')
        .set(bearer(adminToken))
        .send({ username: name, roles: [role], password })
        .expect(201)
    ).body.user.id;
    into.token[name] = (
      await t.http().post('/api/v1/auth/login').send({ username: name, password }).expect(200)
    ).body.accessToken;
  }
}

/** A sampling plan (by professional standards), its sample drawn and issued (by a supervisor): the issued sample. */
export async function issueDipSample(
  t: TestApp,
  tokens: { psd: string; supervisor: string },
  plan: { name: string; spec: object; seed: string; period?: string },
): Promise<{ id: string; version: number; items: { id: string; recordId: string }[] }> {
  const created = (
    await t
      .http()
      .post('/api/v1/sampling-plans')
      .set(bearer(tokens.psd))
      .send({ name: plan.name, spec: plan.spec })
      .expect(201)
  ).body;
  const drawn = (
    await t
      .http()
      .post('/api/v1/dip-samples')
      .set(bearer(tokens.supervisor))
      .send({ period: plan.period ?? '2024-05', planId: created.id, seed: plan.seed })
      .expect(201)
  ).body;
  return (
    await t
      .http()
      .post(`/api/v1/dip-samples/${drawn.id}/issue`)
      .set(bearer(tokens.supervisor))
      .send({ version: drawn.version })
      .expect(200)
  ).body;
}

/** A panel (through the API, by professional standards) with its members, each `[user id, membership]`: its id. */
export async function createPanelWithMembers(
  t: TestApp,
  psdToken: string,
  panel: { name: string; kind: 'internal' | 'external'; remit: string[]; quorum: number },
  members: readonly (readonly [string, object])[],
): Promise<string> {
  const { id } = (await t.http().post('/api/v1/panels').set(bearer(psdToken)).send(panel).expect(201)).body;
  for (const [userId, membership] of members)
    await t.http().put(`/api/v1/panels/${id}/members/${userId}`).set(bearer(psdToken)).send(membership).expect(200);
  return id as string;
}

/** Schedules a session of the panel (as its chair, or professional standards): its id. */
export async function scheduleSession(
  t: TestApp,
  token: string,
  panelId: string,
  body: object = { scheduledAt: '2024-06-20T18:30:00+01:00' },
): Promise<string> {
  return (await t.http().post(`/api/v1/panels/${panelId}/sessions`).set(bearer(token)).send(body).expect(201)).body
    .id as string;
}
