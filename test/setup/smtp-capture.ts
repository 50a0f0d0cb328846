import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it: the envelope and the raw MIME. */
export interface Received {
  from: string;
  to: string[];
  raw: string;
}

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Just enough MIME to read what nodemailer wrote: headers, multipart bodies, base64 and quoted-printable. */
export function mimeParts(raw: string): { headers: Record<string, string>; leaves: MimePart[] } {
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary && /^multipart\//i.test(headers['content-type'])) {
    const chunks = body.split(`--${boundary}`).slice(1);
    const leaves = chunks.filter((c) => !c.startsWith('--')).flatMap((c) => mimeParts(c.replace(/^\r\n/, '')).leaves);
    return { headers, leaves };
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            body
              .replace(/=\r\n/g, '')
              .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : body;
  return { headers, leaves: [{ headers, body: decoded }] };
}

export interface SmtpCapture {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * A real SMTP server (`smtp-server`) on a random local port, no TLS or auth, handing every message to `onMessage`.
 * While `refuse()` is true it answers 451 to every message (a mail server that is down, as the sender sees it).
 */
export async function startSmtpCapture(options: {
  onMessage: (message: Received) => void;
  refuse?: () => boolean;
}): Promise<SmtpCapture> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (options.refuse?.())
          return callback(Object.assign(new Error('mail server unavailable'), { responseCode: 451 }));
        options.onMessage({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
