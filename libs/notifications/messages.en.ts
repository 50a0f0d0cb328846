import type { EmailCatalogue } from './messages';

export const MESSAGES_EN: EmailCatalogue = {
  greeting: 'Hello,',
  footer:
    'You get this email because you have an account on Scrutiny. Nothing about a case is ever written in an email: follow the link and sign in to see it. To have these emails once a day instead, ask your administrator.',
  signIn: 'The link asks you to sign in first. The attached calendar file adds the session to your calendar.',
  digest: {
    subject: (count) => `Scrutiny: ${count} update${count === 1 ? '' : 's'} since yesterday`,
    intro: 'Here is what happened on Scrutiny since your last digest.',
  },
  templates: {
    review_assigned: () => ({
      subject: 'Scrutiny: records for you to review',
      intro: 'You have been asked to review records from a dip sample.',
      action: 'Open your reviews',
    }),
    review_overdue: () => ({
      subject: 'Scrutiny: a review is overdue',
      intro: 'A review assigned to you has passed its due date.',
      action: 'Open the review',
    }),
    footage_at_risk: () => ({
      subject: 'Scrutiny: footage at risk of deletion',
      intro: 'Body-worn video selected for review will be deleted soon unless its hold is confirmed.',
      action: 'Open the sample',
    }),
    sample_empty: () => ({
      subject: 'Scrutiny: nothing was drawn for a scheduled sample',
      intro: 'A scheduled dip sample found no eligible records.',
      action: 'Open the sample',
    }),
    sample_needs_assignee: () => ({
      subject: 'Scrutiny: a scheduled sample needs a reviewer',
      intro: 'A scheduled dip sample could not be issued: some records have nobody to review them.',
      action: 'Open the sample',
    }),
    session_invitation: ({ when }) => ({
      subject: 'Scrutiny: invitation to a panel session',
      intro: `You are invited to a panel session${when ? ` on ${when}` : ''}.`,
      action: 'Open the session',
    }),
    session_updated: ({ when }) => ({
      subject: 'Scrutiny: a panel session has changed',
      intro: `A panel session you are invited to has changed${when ? `: it is now on ${when}` : ''}.`,
      action: 'Open the session',
    }),
    session_cancelled: ({ when }) => ({
      subject: 'Scrutiny: a panel session is cancelled',
      intro: `The panel session${when ? ` on ${when}` : ''} is cancelled.`,
      action: 'Open the session',
    }),
    action_raised: () => ({
      subject: 'Scrutiny: a panel raised an action',
      intro: 'A scrutiny panel has raised an action for the force to answer.',
      action: 'Open the action',
    }),
    action_overdue: () => ({
      subject: 'Scrutiny: an action is overdue',
      intro: 'An action raised by a scrutiny panel has passed its due date without an answer.',
      action: 'Open the action',
    }),
    report_pack_ready: () => ({
      subject: 'Scrutiny: your report pack is ready',
      intro: 'The quarterly report pack you asked for is ready to download.',
      action: 'Open the report pack',
    }),
  },
};
