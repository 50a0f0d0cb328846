import type { AccessService, Actor, CaseKind, CaseView } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { CASE_KIND_SPECS } from './case-kinds';

/**
 * How the actor may see one case, or 404 in the kind's own words ("Stop search <id> not found"), the same whether
 * the case is missing or outside their scope. Every records route that misses a case by kind and id answers with
 * this, so the same miss reads the same on /stop-searches/:id and /stop-searches/:id/bwv-clips. The 404 names the id
 * the caller sent (`shownId`): for an external member that is the opaque id, never the real one it resolved to.
 */
export async function caseViewOf(
  access: AccessService,
  actor: Actor,
  kind: CaseKind,
  id: string,
  shownId = id,
): Promise<CaseView> {
  const view = (await access.viewsFor(actor, kind, [id])).get(id);
  if (!view) throw caseNotFound(kind, shownId);
  return view;
}

/** The 404 for a case of `kind` that is missing or outside the actor's scope. */
export function caseNotFound(kind: CaseKind, id: string): DomainError {
  return DomainError.notFound(CASE_KIND_SPECS[kind].noun, id);
}
