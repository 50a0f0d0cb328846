import type { Permission, Role } from './permissions';

/** The signed-in user as every service sees it: who, in which roles, allowed what, scoped to what. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: ReadonlySet<Permission>;
  teams: string[];
  areas: string[];
}

/** Professional standards and admins see every record and sample; everyone else is scoped (domain §7). */
export function isPoliceWide(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.includes('admin') || actor.roles.includes('professional_standards');
}
