import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, isUuid, type FieldError } from '@scrutiny/core';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import type { Actor } from '../actor';
import { isRole, Permission, type Role } from '../permissions';
import { RefreshToken } from '../tokens/refresh-token.entity';
import { hashPassword, passwordProblems } from './password';
import { NOTIFICATION_PREFERENCES, User, type NotificationPreference } from './user.entity';
import { auditSnapshot, toUserView, type UserView } from './user.view';

export type PanelKind = 'internal' | 'external';

/** The roles that may sit on each kind of panel: PanelsService.putMember enforces it, panelCandidates offers it. */
export const PANEL_SEAT_ROLES: Record<PanelKind, readonly Role[]> = {
  external: ['external_panel'],
  internal: ['internal_panel', 'professional_standards'],
};

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export interface CreateUserCommand {
  username: string;
  displayName?: string;
  roles: string[];
  teams?: string[];
  areas?: string[];
  /** Where notification emails go (none: in-app notifications only). */
  email?: string | null;
  notificationPreference?: string;
  /** Omitted: a strong one is generated and returned once. */
  password?: string;
}

export interface UpdateUserCommand {
  version: number;
  displayName?: string | null;
  roles?: string[];
  teams?: string[];
  areas?: string[];
  email?: string | null;
  notificationPreference?: string;
}

/** Deliberately loose (one @, a dot in the domain, no spaces or header characters): the mail server has the last word. */
export const EMAIL_PATTERN = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:".]+$/;

/** The email address and preference as given, checked; undefined where not given. */
function checkContact(
  command: { email?: string | null; notificationPreference?: string },
  errors: FieldError[],
): { email?: string | null; notificationPreference?: NotificationPreference } {
  const email = typeof command.email === 'string' ? command.email.trim() || null : command.email;
  if (email && (email.length > 254 || !EMAIL_PATTERN.test(email)))
    errors.push({ field: 'email', message: 'must be an email address such as name@example.org' });
  const preference = command.notificationPreference;
  if (preference !== undefined && !(NOTIFICATION_PREFERENCES as readonly string[]).includes(preference))
    errors.push({ field: 'notificationPreference', message: `must be one of: ${NOTIFICATION_PREFERENCES.join(', ')}` });
  return { email, notificationPreference: preference as NotificationPreference | undefined };
}

function checkRoles(roles: string[], errors: FieldError[]): Role[] {
  if (!roles.length) errors.push({ field: 'roles', message: 'at least one role is required' });
  roles.forEach((r, i) => {
    if (!isRole(r)) errors.push({ field: `roles.${i}`, message: `unknown role "${r}"` });
  });
  return [...new Set(roles)] as Role[];
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * `passwordHash`: the argon2id hash of `command.password`, when the caller holds it already: the demo users'
   * documented password, hashed and checked against the policy once, when it was written down (demo-users.spec).
   * It saves the deliberately slow hashing and reading the breached-password list at every first start.
   */
  async create(
    command: CreateUserCommand,
    actor: AuditActor,
    { passwordHash: knownHash }: { passwordHash?: string } = {},
  ): Promise<{ user: UserView; generatedPassword?: string }> {
    const username = command.username.trim().toLowerCase();
    const errors: FieldError[] = [];
    if (!USERNAME_PATTERN.test(username))
      errors.push({ field: 'username', message: '3–64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' });
    const roles = checkRoles(command.roles, errors);
    const contact = checkContact(command, errors);
    const password = command.password ?? generatePassword();
    if (command.password !== undefined && !knownHash) errors.push(...passwordProblems(command.password, username));
    if (errors.length) throw DomainError.validation(errors);
    const passwordHash = knownHash ?? (await hashPassword(password));
    return this.dataSource.transaction(async (m) => {
      if (await m.getRepository(User).existsBy({ username })) {
        throw new DomainError('CONFLICT', `A user named "${username}" already exists`, {
          errors: [{ field: 'username', message: 'is taken' }],
        });
      }
      const user = await m.getRepository(User).save(
        m.getRepository(User).create({
          username,
          displayName: command.displayName?.trim() || username,
          passwordHash,
          roles,
          teams: command.teams ?? [],
          areas: command.areas ?? [],
          email: contact.email ?? null,
          notificationPreference: contact.notificationPreference ?? 'immediate',
        }),
      );
      await this.audit.record(
        actor,
        { action: 'user.created', target: { type: 'user', id: user.id }, after: auditSnapshot(user) },
        m,
      );
      return { user: toUserView(user), ...(command.password === undefined ? { generatedPassword: password } : {}) };
    });
  }

  /** Every user, by username; `total` counts them (the list is not capped). */
  async list(actor: AuditActor): Promise<{ items: UserView[]; total: number }> {
    const items = (await this.dataSource.getRepository(User).find({ order: { username: 'ASC' } })).map(toUserView);
    await this.audit.record(actor, { action: 'users.listed', details: { ids: items.map((u) => u.id) } });
    return { items, total: items.length };
  }

  /**
   * Who may be offered a seat on a panel of this kind: active users holding a role that may sit on it, id and name
   * only. For the panel-member form, so a panels:manage holder without users:manage sees no more than that.
   */
  async panelCandidates(
    actor: Actor,
    kind: PanelKind,
  ): Promise<{ id: string; username: string; displayName: string }[]> {
    if (!actor.permissions.has(Permission.PANELS_MANAGE))
      throw new DomainError(
        'FORBIDDEN',
        `Your roles (${actor.roles.join(', ')}) do not grant "${Permission.PANELS_MANAGE}"`,
      );
    const rows = (await this.dataSource.query(
      `SELECT id, username, display_name FROM users WHERE disabled_at IS NULL AND roles && $1::text[] ORDER BY username`,
      [PANEL_SEAT_ROLES[kind]],
    )) as { id: string; username: string; display_name: string }[];
    const items = rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name }));
    await this.audit.record(actor, {
      action: 'users.listed',
      details: { panelKind: kind, ids: items.map((u) => u.id) },
    });
    return items;
  }

  async get(id: string, actor: AuditActor): Promise<UserView> {
    const user = toUserView(await this.load(this.dataSource.manager, id));
    await this.audit.record(actor, { action: 'user.viewed', target: { type: 'user', id: user.id } });
    return user;
  }

  async update(id: string, command: UpdateUserCommand, actor: AuditActor): Promise<UserView> {
    const errors: FieldError[] = [];
    const roles = command.roles ? checkRoles(command.roles, errors) : undefined;
    const contact = checkContact(command, errors);
    if (errors.length) throw DomainError.validation(errors);
    return this.change(
      id,
      command.version,
      actor,
      'user.updated',
      (user) => {
        // Null, like blank, falls back to the username (as at creation) rather than failing on .trim().
        if (command.displayName !== undefined) user.displayName = command.displayName?.trim() || user.username;
        if (roles) user.roles = roles;
        if (command.teams) user.teams = command.teams;
        if (command.areas) user.areas = command.areas;
        if (contact.email !== undefined) user.email = contact.email;
        if (contact.notificationPreference) user.notificationPreference = contact.notificationPreference;
      },
      undefined,
      roles !== undefined && !roles.includes('admin'),
    );
  }

  async setDisabled(id: string, disabled: boolean, actor: AuditActor): Promise<UserView> {
    if (disabled && actor.id === id) throw new DomainError('CONFLICT', 'You cannot disable your own account');
    return this.change(
      id,
      undefined,
      actor,
      disabled ? 'user.disabled' : 'user.enabled',
      (user) => {
        user.disabledAt = disabled ? (user.disabledAt ?? new Date()) : null;
        if (disabled) user.sessionVersion += 1;
      },
      (m) => (disabled ? this.revokeAllRefreshTokens(m, id) : Promise.resolve()),
      disabled,
    );
  }

  /** Sets a new password (or generates one), ends every session, and clears any lockout. */
  async resetPassword(
    id: string,
    password: string | undefined,
    actor: AuditActor,
  ): Promise<{ user: UserView; generatedPassword?: string }> {
    const user = await this.load(this.dataSource.manager, id);
    const next = password ?? generatePassword();
    if (password !== undefined) {
      const problems = passwordProblems(password, user.username);
      if (problems.length) throw DomainError.validation(problems);
    }
    const passwordHash = await hashPassword(next);
    const view = await this.change(
      id,
      undefined,
      actor,
      'user.password_reset',
      (u) => {
        u.passwordHash = passwordHash;
        u.passwordChangedAt = new Date();
        u.sessionVersion += 1;
        u.failedLoginCount = 0;
        u.lockedUntil = null;
      },
      (m) => this.revokeAllRefreshTokens(m, id),
    );
    return { user: view, ...(password === undefined ? { generatedPassword: next } : {}) };
  }

  private async change(
    id: string,
    expectedVersion: number | undefined,
    actor: AuditActor,
    action: string,
    mutate: (user: User) => void,
    alsoDo?: (m: EntityManager) => Promise<void>,
    mayRemoveAdmin = false,
  ): Promise<UserView> {
    return this.dataSource.transaction(async (m) => {
      // Changes that may take away an active admin take turns (before any row lock: no deadlock between two admins
      // demoting each other), so two of them cannot each see the other admin still there.
      if (mayRemoveAdmin) await m.query(`SELECT pg_advisory_xact_lock(hashtext('users.active_admins'))`);
      const user = await this.load(m, id, true);
      const wasActiveAdmin = user.roles.includes('admin') && user.disabledAt === null;
      if (expectedVersion !== undefined && user.version !== expectedVersion) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `User ${id} was changed by someone else (version ${user.version}, you sent ${expectedVersion}); reload and try again`,
          {
            extensions: { currentVersion: user.version },
          },
        );
      }
      const before = auditSnapshot(user);
      mutate(user);
      if (wasActiveAdmin && !(user.roles.includes('admin') && user.disabledAt === null)) {
        await this.refuseRemovingLastAdmin(m, id);
      }
      const saved = await m.getRepository(User).save(user);
      await alsoDo?.(m);
      await this.audit.record(actor, { action, target: { type: 'user', id }, before, after: auditSnapshot(saved) }, m);
      return toUserView(saved);
    });
  }

  private async refuseRemovingLastAdmin(m: EntityManager, id: string): Promise<void> {
    const [{ others }] = (await m.query(
      `SELECT count(*)::int AS others FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL AND id <> $1`,
      [id],
    )) as { others: number }[];
    if (others === 0) {
      throw new DomainError(
        'CONFLICT',
        'This is the last active administrator: give another user the admin role first, so someone can still manage users',
      );
    }
  }

  private async load(m: EntityManager, id: string, lock = false): Promise<User> {
    if (!isUuid(id)) throw DomainError.notFound('User', id);
    const user = await m
      .getRepository(User)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!user) throw DomainError.notFound('User', id);
    return user;
  }

  private async revokeAllRefreshTokens(m: EntityManager, userId: string): Promise<void> {
    await m
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
  }
}
