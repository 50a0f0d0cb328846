import { EXAMPLE_REVIEW_FORM, EXAMPLE_USE_OF_FORCE_FORM, EXAMPLE_VEHICLE_STOP_FORM } from '@scrutiny/review';
import { createPanelWithMembers, issueDipSample, scheduleSession, signInPanelUsers, SIGNED } from '../factories/panels';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

type FieldErrors = { body: { errors: { field: string; message: string }[]; detail: string } };
const messages = (res: FieldErrors) => res.body.errors.map((e) => e.message);

describe('review forms per record kind, drafts, and the words for codes (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  const cases: Record<'vehicleStop' | 'useOfForce', string> = { vehicleStop: '', useOfForce: '' };

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['psd', 'professional_standards'],
      ['supervisor', 'supervisor'],
      ['analyst', 'analyst'],
      ['external', 'external_panel'],
    ] as const)
      token[who] = await tokenFor(t, role);
    await signInPanelUsers(t, token.admin, 'internal_panel', ['rf-chair', 'rf-member'], { user, token });
    cases.vehicleStop = (
      await t
        .http()
        .post('/api/v1/vehicle-stops')
        .set(as('admin'))
        .send({
          force: 'lancashire',
          areaCode: 'E07000117',
          occurredAt: '2024-05-02T08:00:00+01:00',
          reason: 'moving_traffic_offence',
          outcome: 'words_of_advice',
          selfDefinedEthnicity: 'B1',
          officerDefinedEthnicity: 'black',
          officerReference: 'PC-8101',
          teamCode: 'TEAM-A',
        })
        .expect(201)
    ).body.id;
    cases.useOfForce = (
      await t
        .http()
        .post('/api/v1/use-of-force')
        .set(as('admin'))
        .send({
          force: 'lancashire',
          areaCode: 'E07000117',
          occurredAt: '2024-05-03T23:15:00+01:00',
          tactics: [
            { tactic: 'tactical_communications', effective: false },
            { tactic: 'compliant_handcuffing', effective: true },
          ],
          reasons: ['effect_arrest'],
          officerReference: 'PC-8102',
          teamCode: 'TEAM-A',
        })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('publishes each kind’s form as JSON Schema, to everyone signed in', async () => {
    for (const who of ['supervisor', 'rf-member', 'external', 'psd', 'analyst', 'admin']) {
      const res = await t.http().get('/api/v1/review-forms/vehicle_stop').set(as(who)).expect(200);
      expect(res.body).toMatchObject({ kind: 'vehicle_stop', label: 'Vehicle stop' });
    }
    const { body } = await t.http().get('/api/v1/review-forms/vehicle_stop').set(as('supervisor')).expect(200);
    const schema = body.review.schema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['bwv', 'lawfulness', 'vehicleStop', 'recordQuality', 'conduct', 'assessment', 'outcome']),
    );
    expect(schema.properties).not.toHaveProperty('gowisely');
    expect(Object.keys(schema.properties.recordQuality.properties)).not.toContain('outcomeLinkRecorded');
    expect(schema.properties.vehicleStop.properties.reasonExplained).toMatchObject({
      title: 'Reason for the stop explained to the driver',
      enum: ['given', 'partly', 'not_given', 'cannot_tell', 'not_applicable'],
    });
    expect(body.review.draft.required ?? []).toEqual([]);
    expect(body.review.example).toEqual(EXAMPLE_VEHICLE_STOP_FORM);
    expect(body.finding.schema.properties.outcome.enum).toContain('feedback_to_officer');
    const uof = (await t.http().get('/api/v1/review-forms/use_of_force').set(as('rf-member')).expect(200)).body;
    expect(uof.review.schema.properties.useOfForce.required).toEqual(
      expect.arrayContaining(['tactics', 'routineHandcuffing', 'deEscalationTried', 'medicalAttention', 'aftercare']),
    );
    const stop = (await t.http().get('/api/v1/review-forms/stop_search').set(as('rf-member')).expect(200)).body;
    expect(stop.review.example).toEqual(EXAMPLE_REVIEW_FORM);
    const unknown = await t.http().get('/api/v1/review-forms/parking').set(as('supervisor')).expect(404);
    expect(unknown.body.detail).toContain('stop_search, vehicle_stop, use_of_force');
    await t.http().get('/api/v1/review-forms/vehicle_stop').expect(401);
  });

  it('describes the form in OpenAPI by kind, from the same definition', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const schemas = doc.components.schemas;
    for (const name of [
      'StopSearchReviewForm',
      'VehicleStopReviewForm',
      'UseOfForceReviewForm',
      'VehicleStopReviewFormDraft',
      'UseOfForceFindingForm',
    ])
      expect([name, schemas[name]?.type]).toEqual([name, 'object']);
    expect(schemas.VehicleStopReviewForm.properties.vehicleStop.required).toContain('reasonExplained');
    const refs = (dto: string) =>
      (schemas[dto].properties.form.anyOf as { $ref: string }[]).map((r) => r.$ref.split('/').pop());
    expect(refs('RatingRequest')).toEqual(
      expect.arrayContaining(['VehicleStopReviewForm', 'UseOfForceReviewFormDraft']),
    );
    expect(refs('ReviewRequest')).toContain('StopSearchReviewForm');
    expect(refs('FindingRequest')).toEqual([
      'StopSearchFindingForm',
      'VehicleStopFindingForm',
      'UseOfForceFindingForm',
    ]);
    expect(refs('FindingResponse')).toContain('UseOfForceFindingForm');
  });

  /** An internal panel over vehicle stops and use of force, a session with both cases, open. */
  async function openSession(): Promise<{ id: string; items: Record<'vehicleStop' | 'useOfForce', string> }> {
    const panelId = await createPanelWithMembers(
      t,
      token.psd,
      {
        name: `Forms ${Math.random().toString(36).slice(2, 7)}`,
        kind: 'internal',
        remit: ['vehicle_stop', 'use_of_force'],
        quorum: 1,
      },
      [
        [user['rf-chair'], { role: 'chair', ...SIGNED }],
        [user['rf-member'], { role: 'member', ...SIGNED }],
      ],
    );
    const id = await scheduleSession(t, token['rf-chair'], panelId);
    const planned = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${id}/agenda`)
        .set(as('psd'))
        .send({
          cases: [
            { kind: 'vehicle_stop', id: cases.vehicleStop },
            { kind: 'use_of_force', id: cases.useOfForce },
          ],
        })
        .expect(200)
    ).body;
    const { version } = (await t.http().get(`/api/v1/panel-sessions/${id}`).set(as('psd')).expect(200)).body;
    await t
      .http()
      .post(`/api/v1/panel-sessions/${id}/transitions`)
      .set(as('rf-chair'))
      .send({ status: 'open', version })
      .expect(200);
    const item = (kind: string) => planned.agenda.find((a: { caseKind: string }) => a.caseKind === kind).id as string;
    return { id, items: { vehicleStop: item('vehicle_stop'), useOfForce: item('use_of_force') } };
  }

  it('rates a vehicle stop on the vehicle-stop form; the stop-search form is refused question by question', async () => {
    const s = await openSession();
    const url = `/api/v1/panel-sessions/${s.id}/agenda/${s.items.vehicleStop}/rating`;
    const wrong = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({ form: EXAMPLE_REVIEW_FORM, submit: true })
      .expect(400);
    expect(messages(wrong)).toEqual(
      expect.arrayContaining([
        'form.gowisely is not a question of the vehicle stop form',
        'form.recordQuality.outcomeLinkRecorded is not a question of the vehicle stop form',
        'form.vehicleStop.reasonExplained is required',
      ]),
    );
    expect(wrong.body.detail).toContain('form.vehicleStop.reasonExplained is required');
    const rated = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({ form: EXAMPLE_VEHICLE_STOP_FORM, submit: true })
      .expect(200);
    expect(rated.body).toMatchObject({ status: 'submitted', form: EXAMPLE_VEHICLE_STOP_FORM });
    const finding = await t
      .http()
      .put(`/api/v1/panel-sessions/${s.id}/agenda/${s.items.vehicleStop}/finding`)
      .set(as('rf-chair'))
      .send({ form: { ...EXAMPLE_VEHICLE_STOP_FORM, outcome: 'feedback_to_officer' } })
      .expect(200);
    expect(finding.body.form.vehicleStop).toEqual(EXAMPLE_VEHICLE_STOP_FORM.vehicleStop);
  });

  it('saves a draft rating with questions left out; submitting names each missing one', async () => {
    const s = await openSession();
    const url = `/api/v1/panel-sessions/${s.id}/agenda/${s.items.useOfForce}/rating`;
    const draft = {
      bwv: { availability: 'partial' },
      useOfForce: { tactics: [{ tactic: 'compliant_handcuffing', necessary: 'yes' }] },
    };
    const saved = await t.http().put(url).set(as('rf-member')).send({ form: draft }).expect(200);
    expect(saved.body).toMatchObject({ status: 'draft', form: { bwv: { availability: 'partial', gaps: null } } });
    // A draft still takes only answers the form allows, and only tactics the report records.
    const bad = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({
        form: {
          bwv: { availability: 'most' },
          useOfForce: { tactics: [{ tactic: 'taser_fired' }] },
        },
        version: saved.body.version,
      })
      .expect(400);
    expect(messages(bad)).toEqual(['form.bwv.availability must be one of: full, partial, none']);
    const notOnReport = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({ form: { useOfForce: { tactics: [{ tactic: 'taser_fired' }] } }, version: saved.body.version })
      .expect(400);
    expect(messages(notOnReport)).toEqual([
      'form.useOfForce.tactics lists taser_fired, not recorded on the report (tactical_communications, compliant_handcuffing)',
    ]);
    const incomplete = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({ form: draft, submit: true, version: saved.body.version })
      .expect(400);
    expect(messages(incomplete)).toEqual(
      expect.arrayContaining([
        'form.bwv.activatedBeforeContact is required',
        'form.lawfulness.grounds is required',
        'form.recordQuality.tacticsRecorded is required',
        'form.useOfForce.routineHandcuffing is required',
        'form.conduct.dignity is required',
        'form.assessment.rag is required',
        'form.outcome is required',
      ]),
    );
    expect(messages(incomplete)).not.toContain('form.gowisely.grounds is required');
    // Every tactic on the report must be judged before the rating is submitted.
    const oneTactic = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({
        form: {
          ...EXAMPLE_USE_OF_FORCE_FORM,
          useOfForce: {
            ...EXAMPLE_USE_OF_FORCE_FORM.useOfForce,
            tactics: [EXAMPLE_USE_OF_FORCE_FORM.useOfForce.tactics[1]],
          },
        },
        submit: true,
        version: saved.body.version,
      })
      .expect(400);
    expect(messages(oneTactic)).toEqual([
      'form.useOfForce.tactics is required for each tactic on the report: tactical_communications not judged',
    ]);
    const submitted = await t
      .http()
      .put(url)
      .set(as('rf-member'))
      .send({ form: EXAMPLE_USE_OF_FORCE_FORM, submit: true, version: saved.body.version })
      .expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', form: EXAMPLE_USE_OF_FORCE_FORM });
    // A finding is recorded complete: no drafts.
    const finding = await t
      .http()
      .put(`/api/v1/panel-sessions/${s.id}/agenda/${s.items.useOfForce}/finding`)
      .set(as('rf-chair'))
      .send({ form: draft })
      .expect(400);
    expect(messages(finding)).toContain('form.lawfulness.powerApplicable is required');
  });

  it('saves a supervisor’s draft review of a vehicle stop; completing it needs the whole vehicle-stop form', async () => {
    const sample = await issueDipSample(
      t,
      { psd: token.psd, supervisor: token.supervisor },
      {
        name: 'Vehicle stops, TEAM-A',
        spec: { kinds: ['vehicle_stop'], teams: ['TEAM-A'], sampleSize: 5 },
        seed: 'forms',
      },
    );
    const item = sample.items.find((i: { recordId: string }) => i.recordId === cases.vehicleStop)!;
    const [{ id: supervisorId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
    const url = `/api/v1/dip-samples/${sample.id}/items/${item.id}`;
    // Whoever the issue assigned it to, the demo supervisor writes it.
    const { version } = (
      await t.http().put(`${url}/assignment`).set(as('supervisor')).send({ assignedTo: supervisorId }).expect(200)
    ).body;
    const draft = await t
      .http()
      .put(`${url}/review`)
      .set(as('supervisor'))
      .send({
        version,
        form: { lawfulness: { grounds: 'not_reasonable' }, vehicleStop: { reasonExplained: 'not_given' } },
      })
      .expect(200);
    expect(draft.body).toMatchObject({
      status: 'in_progress',
      form: { vehicleStop: { reasonExplained: 'not_given' } },
    });
    const incomplete = await t
      .http()
      .put(`${url}/review`)
      .set(as('supervisor'))
      .send({ version: draft.body.version, form: draft.body.form, submit: true })
      .expect(400);
    expect(messages(incomplete)).toEqual(
      expect.arrayContaining([
        'form.lawfulness.powerApplicable is required',
        'form.vehicleStop.officerIdentified is required',
        'form.outcome is required',
      ]),
    );
    const noReason = await t
      .http()
      .put(`${url}/review`)
      .set(as('supervisor'))
      .send({
        version: draft.body.version,
        form: { ...EXAMPLE_VEHICLE_STOP_FORM, lawfulness: { powerApplicable: 'yes', grounds: 'not_reasonable' } },
        submit: true,
      })
      .expect(400);
    expect(messages(noReason)).toEqual([
      'form.lawfulness.reason is required when the grounds are not judged reasonable',
    ]);
    const done = await t
      .http()
      .put(`${url}/review`)
      .set(as('supervisor'))
      .send({ version: draft.body.version, form: EXAMPLE_VEHICLE_STOP_FORM, submit: true })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed', form: EXAMPLE_VEHICLE_STOP_FORM });
    // The month's estimates read the vehicle-stop review without GOWISELY.
    await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('psd')).expect(200);
  });

  it('gives the words for every code, and the themes from the themes table', async () => {
    for (const who of ['analyst', 'external', 'supervisor'])
      await t.http().get('/api/v1/vocabularies').set(as(who)).expect(200);
    const { body } = await t.http().get('/api/v1/vocabularies').set(as('external')).expect(200);
    expect(body.vocabularies.self_defined_ethnicity.codes.B1).toBe('Black/African/Caribbean/Black British - African');
    expect(body.vocabularies.legislation.codes.cjpoa_s60).toBe(
      'Criminal Justice and Public Order Act 1994 (section 60)',
    );
    expect(body.vocabularies.uof_tactic.codes.taser_fired).toBe('Taser fired');
    expect(body.vocabularies.vehicle_stop_outcome.codes.words_of_advice).toBe('Words of advice');
    expect(body.vocabularies.form_criterion.codes['vehicleStop.reasonExplained']).toBe(
      'Reason for the stop explained to the driver',
    );
    expect(body.vocabularies.form_given.codes.partly).toBe('Partly given');
    const themes = await t.dataSource.query(`SELECT code, label FROM themes`);
    expect(themes.length).toBeGreaterThan(0);
    for (const theme of themes) expect(body.vocabularies.theme.codes[theme.code]).toBe(theme.label);
    expect(body.recordFields.stop_search).toMatchObject({
      legislation: 'legislation',
      selfDefinedEthnicity: 'self_defined_ethnicity',
      outcome: 'stop_search_outcome',
    });
    expect(body.recordFields.use_of_force).toMatchObject({ tactics: 'uof_tactic', perceivedEthnicity: 'ethnic_group' });
    // Every code a record field accepts has words in the catalogue the endpoint serves.
    for (const [kind, fields] of Object.entries(body.recordFields as Record<string, Record<string, string>>))
      for (const vocabulary of Object.values(fields))
        for (const [code, label] of Object.entries(body.vocabularies[vocabulary].codes as Record<string, string>))
          expect([kind, vocabulary, code, typeof label === 'string' && label.length > 0]).toEqual([
            kind,
            vocabulary,
            code,
            true,
          ]);
    await t.http().get('/api/v1/vocabularies').expect(401);
  });
});
