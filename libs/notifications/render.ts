import type { EmailCatalogue, EmailParams, EmailTemplate } from './messages';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(paragraphs: string[], links: { label: string; url: string }[], after: string[], footer: string): string {
  const p = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const a = (l: { label: string; url: string }) =>
    `<p><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a><br>${escapeHtml(l.url)}</p>`;
  return [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px">',
    ...paragraphs.map(p),
    ...links.map(a),
    ...after.map(p),
    `<p style="color: #505a5f; font-size: 14px">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** One email: what happened, one link, nothing about the case. */
export function renderEmail(
  messages: EmailCatalogue,
  template: EmailTemplate,
  params: EmailParams,
  url: string,
  options: { invitation?: boolean } = {},
): RenderedEmail {
  const t = messages.templates[template](params);
  const after = options.invitation ? [messages.signIn] : [];
  return {
    subject: t.subject,
    text: [
      messages.greeting,
      '',
      t.intro,
      '',
      `${t.action}: ${url}`,
      ...after.flatMap((l) => ['', l]),
      '',
      '--',
      messages.footer,
      '',
    ].join('\n'),
    html: page([messages.greeting, t.intro], [{ label: t.action, url }], after, messages.footer),
  };
}

/** The day's digest: the subject and link of each email it replaces, oldest first. */
export function renderDigest(messages: EmailCatalogue, entries: { subject: string; url: string }[]): RenderedEmail {
  const items = entries.map((e) => ({ label: e.subject, url: e.url }));
  return {
    subject: messages.digest.subject(entries.length),
    text: [
      messages.greeting,
      '',
      messages.digest.intro,
      '',
      ...items.flatMap((i) => [`- ${i.label}`, `  ${i.url}`]),
      '',
      '--',
      messages.footer,
      '',
    ].join('\n'),
    html: page([messages.greeting, messages.digest.intro], items, [], messages.footer),
  };
}
