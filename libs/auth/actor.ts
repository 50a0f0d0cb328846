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
