import { checkHeader, mapPoliceUkRow, POLICE_UK_COLUMNS, renderPoliceUkRow } from './police-uk-row';

const row = (over: Partial<Record<(typeof POLICE_UK_COLUMNS)[number], string>> = {}) => {
  const base: Record<string, string> = {
    Type: 'Person search',
    Date: '2018-03-31T23:00:00+00:00',
    'Part of a policing operation': 'False',
    'Policing operation': '',
    Latitude: '51.51',
    Longitude: '-0.09',
    Gender: 'Male',
    'Age range': '18-24',
    'Self-defined ethnicity': 'Black/African/Caribbean/Black British - Caribbean',
    'Officer-defined ethnicity': 'Black',
    Legislation: 'Misuse of Drugs Act 1971 (section 23)',
    'Object of search': 'Controlled drugs',
    Outcome: 'A no further action disposal',
    'Outcome linked to object of search': '',
    'Removal of more than just outer clothing': 'False',
  };
  return POLICE_UK_COLUMNS.map((c) => over[c] ?? base[c]);
};

describe('police.uk row mapping', () => {
  it('maps a complete row to codes', () => {
    expect(mapPoliceUkRow(row())).toEqual({
      record: {
        searchType: 'person',
        occurredAt: '2018-03-31T23:00:00.000Z',
        partOfOperation: false,
        operationName: null,
        latitude: 51.51,
        longitude: -0.09,
        gender: 'male',
        ageRange: '18_24',
        selfDefinedEthnicity: 'B2',
        officerDefinedEthnicity: 'black',
        legislation: 'misuse_of_drugs_act_s23',
        objectOfSearch: 'controlled_drugs',
        outcome: 'no_further_action',
        outcomeLinkedToObject: null,
        clothingRemoved: false,
      },
    });
  });

  it.each([
    ['Nothing found - no further action', 'no_further_action'],
    ['Suspect arrested', 'arrest'],
    ['Offender given drugs possession warning', 'drugs_warning'],
    ['Khat or Cannabis warning', 'drugs_warning'],
    ['Local resolution', 'community_resolution'],
    ['Offender given penalty notice', 'penalty_notice'],
    ['Suspect summonsed to court', 'summons'],
    ['Offender cautioned', 'caution'],
  ])('maps the outcome wording "%s" to %s', (wording, code) => {
    expect(mapPoliceUkRow(row({ Outcome: wording }))).toMatchObject({ record: { outcome: code } });
  });

  it('reads TRUE/True/true, treats blank as unknown, and undoes Excel dates in age ranges', () => {
    const { record } = mapPoliceUkRow(
      row({
        'Outcome linked to object of search': 'TRUE',
        'Removal of more than just outer clothing': '',
        'Age range': 'Oct-17',
        Gender: '',
      }),
    ) as unknown as { record: Record<string, unknown> };
    expect(record).toMatchObject({
      outcomeLinkedToObject: true,
      clothingRemoved: null,
      ageRange: '10_17',
      gender: null,
    });
  });

  it('keeps "not stated" apart from blank', () => {
    expect(mapPoliceUkRow(row({ 'Self-defined ethnicity': 'Other ethnic group - Not stated' }))).toMatchObject({
      record: { selfDefinedEthnicity: 'NS' },
    });
    expect(mapPoliceUkRow(row({ 'Self-defined ethnicity': '' }))).toMatchObject({
      record: { selfDefinedEthnicity: null },
    });
  });

  it('rejects with every problem named by column', () => {
    expect(
      mapPoliceUkRow(
        row({
          Date: '31/03/2018',
          Outcome: 'Sent to the moon',
          'Removal of more than just outer clothing': 'Yes',
          Latitude: '',
        }),
      ),
    ).toEqual({
      rejections: [
        { field: 'Date', reason: '"31/03/2018" is not an ISO 8601 date-time with offset' },
        { field: 'Latitude', reason: 'latitude and longitude must both be given or both be blank' },
        { field: 'Outcome', reason: 'unknown value "Sent to the moon"' },
        { field: 'Removal of more than just outer clothing', reason: '"Yes" is not True, False or blank' },
      ],
    });
    expect(mapPoliceUkRow(row({ Type: '' }))).toEqual({ rejections: [{ field: 'Type', reason: 'is required' }] });
  });

  it('rejects a wrong column count and binary garbage', () => {
    expect(mapPoliceUkRow(row().slice(0, 14))).toEqual({
      rejections: [{ field: '(row)', reason: 'expected 15 columns, found 14' }],
    });
    expect(mapPoliceUkRow(row({ Gender: 'Ma\u0000\ufffdle' }))).toEqual({
      rejections: [{ field: 'Gender', reason: 'contains binary data or characters that are not valid UTF-8' }],
    });
  });

  it('reads the data.police.uk date form by its fast path exactly as the general rule reads any other form', () => {
    const at = (Date: string) => mapPoliceUkRow(row({ Date }));
    expect(at('2020-02-29T23:59:59+00:00')).toMatchObject({ record: { occurredAt: '2020-02-29T23:59:59.000Z' } });
    expect(at('2020-02-29T23:59:59+01:00')).toMatchObject({ record: { occurredAt: '2020-02-29T22:59:59.000Z' } });
    expect(at('2020-02-29T23:59:59Z')).toMatchObject({ record: { occurredAt: '2020-02-29T23:59:59.000Z' } });
    expect(at('2019-02-29T10:00:00+00:00')).toEqual({
      rejections: [{ field: 'Date', reason: '"2019-02-29" is not a date in the calendar' }],
    });
    for (const bad of [
      '2019-13-01T10:00:00+00:00',
      '2019-01-01T10:60:00+00:00',
      '2019-01-01T10:00:61+00:00',
      '2019-01-0xT10:00:00+00:00',
    ])
      expect(at(bad)).toMatchObject({ rejections: [{ field: 'Date' }] });
    // Hour 24 is not of the fast path's form: what the general rule makes of it, as before.
    const general = Date.parse('2019-01-01T24:00:00+00:00');
    expect(at('2019-01-01T24:00:00+00:00')).toEqual(
      Number.isNaN(general)
        ? {
            rejections: [
              { field: 'Date', reason: '"2019-01-01T24:00:00+00:00" is not an ISO 8601 date-time with offset' },
            ],
          }
        : { record: expect.objectContaining({ occurredAt: new Date(general).toISOString() }) },
    );
  });

  it('checks the header', () => {
    expect(checkHeader([...POLICE_UK_COLUMNS])).toBeNull();
    expect(checkHeader(['\uFEFFType', ...POLICE_UK_COLUMNS.slice(1)])).toBeNull();
    expect(checkHeader(['Crime ID', 'Month'])).toMatch(/not a data.police.uk stop-and-search file/);
  });

  it('renders back to the police.uk wording, round-tripping the mapped values', () => {
    const { record } = mapPoliceUkRow(row({ Outcome: 'Suspect arrested' })) as {
      record: Parameters<typeof renderPoliceUkRow>[0] & { occurredAt: string };
    };
    const rendered = renderPoliceUkRow({ ...record, occurredAt: new Date(record.occurredAt) });
    expect(rendered).toEqual(row({ Outcome: 'Arrest' }));
  });
});
