import { createPanelWithMembers, FORM, scheduleSession, signInPanelUsers, SIGNED } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import type { TestApp } from '../setup/test-app';

/** The panel members' password (users made through the users API by signInPanelUsers). */
export const PANEL_PASSWORD = 'a long panel member passphrase';

export interface PanelWorld {
  token: Record<string, string>;
  user: Record<string, string>;
  /** An open session of an external panel: three cases, rated by `pw-other` on the second. */
  sessionId: string;
  items: { id: string; caseId: string }[];
  /** The officer references of its cases (an external member must never see them). */
  officerReferences: string[];
  /** The cases' real ids (an external member is shown opaque ones). */
  caseIds: string[];
  /** A session of another external panel, whose only member is `pw-outsider`. */
  otherSessionId: string;
  otherItemId: string;
}

/**
 * Two external panels as the panel pages' tests need them, made through the JSON API as real users would: the
 * first's chair (pw-chair), members pw-member and pw-other, an open session with three stop searches (pw-other has
 * submitted a rating of the second); the other panel's open session with one case and its member pw-outsider.
 */
export async function panelWorld(t: TestApp, prefix = 'pw'): Promise<PanelWorld> {
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  token.admin = await tokenFor(t, 'admin');
  token.psd = await tokenFor(t, 'professional_standards');
  const names = ['chair', 'member', 'other', 'outsider'].map((n) => `${prefix}-${n}`);
  await signInPanelUsers(t, token.admin, 'external_panel', names, { user, token });
  const [chair, member, other, outsider] = names;
  const panelId = await createPanelWithMembers(
    t,
    token.psd,
    { name: `Community panel ${prefix}`, kind: 'external', remit: ['stop_search'], quorum: 2 },
    [
      [user[chair], { role: 'chair', ...SIGNED }],
      [user[member], { role: 'member', ...SIGNED }],
      [user[other], { role: 'member', ...SIGNED }],
    ],
  );
  const otherPanelId = await createPanelWithMembers(
    t,
    token.psd,
    { name: `Other panel ${prefix}`, kind: 'external', remit: ['stop_search'], quorum: 1 },
    [[user[outsider], { role: 'chair', ...SIGNED }]],
  );
  const officerReferences = [0, 1, 2].map((i) => `PC-${prefix.toUpperCase()}${i}7`);
  const cases: string[] = [];
  for (let i = 0; i < 3; i++)
    cases.push(
      await insertStopSearch(t.dataSource, {
        occurredAt: `2024-05-1${i}T21:47:00Z`,
        officerReference: officerReferences[i],
      }),
    );
  const open = async (sessionId: string, who: string, ids: string[]) => {
    await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/agenda`)
      .set(as('psd'))
      .send({ cases: ids.map((id) => ({ kind: 'stop_search', id })) })
      .expect(200);
    const { version } = (await t.http().get(`/api/v1/panel-sessions/${sessionId}`).set(as(who)).expect(200)).body;
    const body = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
        .set(as(who))
        .send({ status: 'open', version })
        .expect(200)
    ).body as { agenda: { id: string; caseId: string }[] };
    return body.agenda.map((a) => ({ id: a.id, caseId: a.caseId }));
  };
  const sessionId = await scheduleSession(t, token[chair], panelId);
  const items = await open(sessionId, chair, cases);
  await t
    .http()
    .put(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/rating`)
    .set(as(other))
    .send({ form: FORM, submit: true })
    .expect(200);
  const otherSessionId = await scheduleSession(t, token[outsider], otherPanelId);
  const [otherItem] = await open(otherSessionId, outsider, [await insertStopSearch(t.dataSource, {})]);
  return {
    token,
    user,
    sessionId,
    items,
    officerReferences,
    caseIds: cases,
    otherSessionId,
    otherItemId: otherItem.id,
  };
}
