import type { SessionStatus } from './panel.entities';

/**
 * The session life cycle (domain §5): planned → open → closed → published; nothing goes back. A planned session may
 * be cancelled instead (its members get a calendar cancellation).
 */
const SESSION_TRANSITIONS: Record<SessionStatus, SessionStatus[]> = {
  planned: ['open', 'cancelled'],
  open: ['closed'],
  closed: ['published'],
  published: [],
  cancelled: [],
};

/** Why a transition is refused, or null when it is allowed. */
export function transitionProblem(
  from: SessionStatus,
  to: SessionStatus,
  facts: { agendaItems: number; present: number; quorum: number },
): string | null {
  if (!SESSION_TRANSITIONS[from].includes(to)) {
    const allowed = SESSION_TRANSITIONS[from];
    return `a ${from} session cannot become ${to}${allowed.length ? ` (it can become: ${allowed.join(', ')})` : ' (it is final)'}`;
  }
  if (to === 'open' && facts.agendaItems === 0) return 'the agenda is empty';
  if (to === 'closed' && facts.present < facts.quorum)
    return `no quorum: ${facts.present} member(s) recorded present, ${facts.quorum} needed`;
  return null;
}
