/** Every email the system sends, by template key. The in-app notification kinds of the same events share the keys. */
export const EMAIL_TEMPLATES = [
  'review_assigned',
  'review_overdue',
  'footage_at_risk',
  'sample_empty',
  'sample_needs_assignee',
  'session_invitation',
  'session_updated',
  'session_cancelled',
  'action_raised',
  'action_overdue',
  'report_pack_ready',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export function isEmailTemplate(value: string): value is EmailTemplate {
  return (EMAIL_TEMPLATES as readonly string[]).includes(value);
}

/**
 * What an email may say besides its links: deliberately nothing about a case (no names, references, places or
 * outcomes), so an email read on a phone or forwarded reveals only that there is something to look at.
 */
export interface EmailParams {
  /** A session's start, already written out for the reader (London time). */
  when?: string;
}

export interface EmailText {
  subject: string;
  /** One or two sentences saying what happened, without case detail. */
  intro: string;
  /** The label of the link. */
  action: string;
}

/**
 * One language's email strings. English is messages.en.ts; a Welsh catalogue (messages.cy.ts) would implement the
 * same interface and be chosen by the recipient's language.
 */
export interface EmailCatalogue {
  greeting: string;
  footer: string;
  /** The line under the links of an invitation: the calendar file, and that the link asks for sign-in first. */
  signIn: string;
  digest: { subject: (count: number) => string; intro: string };
  templates: Record<EmailTemplate, (p: EmailParams) => EmailText>;
}
