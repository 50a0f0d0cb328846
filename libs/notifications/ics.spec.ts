import { buildIcs, escapeText, foldLine, icsValue, parseIcs, parseIcsDateTime, type IcsEvent } from './ics';

const event: IcsEvent = {
  method: 'REQUEST',
  uid: 'panel-session-0f6c1a6e-8f0e-4a53-9c1e-3d6a1c0b1d11@scrutiny.example',
  sequence: 2,
  start: new Date('2026-12-03T14:00:00+00:00'),
  end: new Date('2026-12-03T16:00:00+00:00'),
  stamp: new Date('2026-12-01T09:30:15.123Z'),
  summary: 'Scrutiny panel session',
  description: 'Agenda and papers: https://scrutiny.example/sessions/0f6c1a6e-8f0e-4a53-9c1e-3d6a1c0b1d11',
  location: 'Room 2, Headquarters; first floor',
  url: 'https://scrutiny.example/sessions/0f6c1a6e-8f0e-4a53-9c1e-3d6a1c0b1d11',
  organizer: { email: 'scrutiny@example.org', name: 'Scrutiny' },
  attendees: [{ email: 'panel.member@example.org', name: 'Panel, Member' }],
};

describe('iCalendar writer', () => {
  it('writes a request that reads back with its UID, method, sequence and UTC times', () => {
    const text = buildIcs(event);
    const props = parseIcs(text);
    expect(icsValue(props, 'METHOD')).toBe('REQUEST');
    expect(icsValue(props, 'UID')).toBe(event.uid);
    expect(icsValue(props, 'SEQUENCE')).toBe('2');
    expect(icsValue(props, 'DTSTART')).toBe('20261203T140000Z');
    expect(parseIcsDateTime(icsValue(props, 'DTEND')!).toISOString()).toBe('2026-12-03T16:00:00.000Z');
    expect(icsValue(props, 'DTSTAMP')).toBe('20261201T093015Z');
    expect(icsValue(props, 'LOCATION')).toBe('Room 2\\, Headquarters\\; first floor');
    const attendee = props.find((p) => p.name === 'ATTENDEE')!;
    expect(attendee.value).toBe('mailto:panel.member@example.org');
    expect(attendee.params).toMatchObject({ CN: '"Panel, Member"', RSVP: 'TRUE' });
    expect(props.find((p) => p.name === 'ORGANIZER')!.value).toBe('mailto:scrutiny@example.org');
    expect(props.map((p) => p.name)).toEqual(expect.arrayContaining(['BEGIN', 'VERSION', 'PRODID', 'END']));
    expect(props[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
    expect(props.at(-1)).toMatchObject({ name: 'END', value: 'VCALENDAR' });
  });

  it('ends every line in CRLF and keeps every line within 75 octets', () => {
    const text = buildIcs({ ...event, description: 'é'.repeat(200) + ' ' + 'x'.repeat(300) });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(icsValue(parseIcs(text), 'DESCRIPTION')).toBe('é'.repeat(200) + ' ' + 'x'.repeat(300));
  });

  it('writes a cancellation with the same UID and a cancelled status', () => {
    const props = parseIcs(buildIcs({ ...event, method: 'CANCEL', sequence: 3 }));
    expect(icsValue(props, 'METHOD')).toBe('CANCEL');
    expect(icsValue(props, 'UID')).toBe(event.uid);
    expect(icsValue(props, 'SEQUENCE')).toBe('3');
    expect(icsValue(props, 'STATUS')).toBe('CANCELLED');
  });

  it('folds without splitting a multi-byte character, continuation lines starting with one space', () => {
    const folded = foldLine('SUMMARY:' + '€'.repeat(40));
    const lines = folded.split('\r\n');
    expect(lines.length).toBe(2);
    expect(lines[1].startsWith(' ')).toBe(true);
    for (const l of lines) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe('SUMMARY:' + '€'.repeat(40));
  });

  it('escapes text values', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('refuses bare line feeds when reading', () => {
    expect(() => parseIcs('BEGIN:VCALENDAR\nEND:VCALENDAR\n')).toThrow('CRLF');
  });
});
