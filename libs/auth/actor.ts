import { permissionsOf, type Permission, type Role } from './permissions';

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

/**
 * The actor of an enabled user account, by id or username, for work done on a user's behalf outside a request
 * (a job they queued, demo seeding); null when there is no such enabled user.
 */
export async function loadActor(
  q: { query(sql: string, params?: unknown[]): Promise<unknown> },
  key: { id: string } | { username: string },
): Promise<Actor | null> {
  const [u] = (await q.query(
    `SELECT id, username, display_name, roles, teams, areas FROM users WHERE ${'id' in key ? 'id = $1::uuid' : 'username = $1'} AND disabled_at IS NULL`,
    ['id' in key ? key.id : key.username],
  )) as { id: string; username: string; display_name: string; roles: Role[]; teams: string[]; areas: string[] }[];
  return u
    ? {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        roles: u.roles,
        permissions: permissionsOf(u.roles),
        teams: u.teams,
        areas: u.areas,
      }
    : null;
}
