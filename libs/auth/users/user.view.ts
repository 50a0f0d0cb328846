import type { User } from './user.entity';

/** A user as the API shows it: never the password hash or lockout internals. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  teams: string[];
  areas: string[];
  email: string | null;
  notificationPreference: string;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: [...u.roles],
    teams: [...u.teams],
    areas: [...u.areas],
    email: u.email,
    notificationPreference: u.notificationPreference,
    disabled: u.disabledAt !== null,
    lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    version: u.version,
  };
}

/** What the audit trail records of a user before and after a change. */
export function auditSnapshot(u: User): object {
  const { id, username, displayName, roles, teams, areas, email, notificationPreference, disabled } = toUserView(u);
  return { id, username, displayName, roles, teams, areas, email, notificationPreference, disabled };
}
