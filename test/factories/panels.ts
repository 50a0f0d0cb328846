import type { DataSource } from 'typeorm';

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
