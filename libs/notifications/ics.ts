/**
 * A minimal iCalendar (RFC 5545) writer for one meeting invitation, its update or its cancellation, and a reader just
 * good enough to check what the writer produced. Calendar clients match an update or a cancellation to the invitation
 * by UID and take the highest SEQUENCE, so the UID stays the same for the life of a session.
 */

export type IcsMethod = 'REQUEST' | 'CANCEL';

export interface IcsPerson {
  email: string;
  name?: string;
}

export interface IcsEvent {
  method: IcsMethod;
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  /** When this version of the invitation was written. */
  stamp: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  organizer: IcsPerson;
  attendees: IcsPerson[];
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** 20261201T150000Z: UTC, to the second. */
export function icsDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** A parameter value is quoted when it holds characters that would end it (RFC 5545 §3.2). */
function paramValue(value: string): string {
  const clean = value.replace(/["\r\n]/g, '');
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): each continuation starts with one space, which counts toward its
 * 75. A UTF-8 character is never split across lines.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

function person(kind: 'ORGANIZER' | 'ATTENDEE', p: IcsPerson, extra = ''): string {
  const cn = p.name ? `;CN=${paramValue(p.name)}` : '';
  return `${kind}${cn}${extra}:mailto:${p.email}`;
}

export function buildIcs(event: IcsEvent): string {
  const cancel = event.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Scrutiny//Panel sessions//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${icsDateTime(event.stamp)}`,
    `DTSTART:${icsDateTime(event.start)}`,
    `DTEND:${icsDateTime(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.url ? [`URL:${event.url}`] : []),
    person('ORGANIZER', event.organizer),
    ...event.attendees.map((a) =>
      person('ATTENDEE', a, cancel ? ';ROLE=REQ-PARTICIPANT' : ';ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE'),
    ),
    `STATUS:${cancel ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

export interface ParsedIcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds and splits a calendar into its properties, in order (for tests and for checking what was written). */
export function parseIcs(text: string): ParsedIcsProperty[] {
  if (/[^\r]\n/.test(text) || /\r(?!\n)/.test(text)) throw new Error('lines must end in CRLF');
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('\r\n')
    .filter((l) => l.length)
    .map((line) => {
      const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      if (colon < 0) throw new Error(`not a content line: ${line}`);
      const [name, ...params] = line.slice(0, colon).split(';');
      return {
        name: name.toUpperCase(),
        params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
        value: line.slice(colon + 1),
      };
    });
}

/** The value of the first property `name` (inside the first VEVENT for event properties), or undefined. */
export function icsValue(props: ParsedIcsProperty[], name: string): string | undefined {
  return props.find((p) => p.name === name)?.value;
}

/** Reads an ICS UTC date-time (20261201T150000Z) back into a Date. */
export function parseIcsDateTime(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`not a UTC date-time: ${value}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}
