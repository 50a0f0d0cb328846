import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import type { Role } from './permissions';
import { User } from './users/user.entity';
import { UsersService } from './users/users.service';

/** One demo user per role (README: Demo data). Usernames are fixed; the password is DEMO_PASSWORD. */
export const DEMO_USERS: {
  username: string;
  displayName: string;
  roles: Role[];
  teams?: string[];
  areas?: string[];
}[] = [
  { username: 'admin', displayName: 'Demo Administrator', roles: ['admin'] },
  {
    username: 'supervisor',
    displayName: 'Demo Supervisor (Sgt)',
    roles: ['supervisor'],
    teams: ['TEAM-A'],
    areas: ['E23000001'],
  },
  { username: 'internal', displayName: 'Demo Internal Panel Member', roles: ['internal_panel'] },
  { username: 'external', displayName: 'Demo External Panel Member', roles: ['external_panel'] },
  { username: 'psd', displayName: 'Demo Professional Standards', roles: ['professional_standards'] },
  { username: 'analyst', displayName: 'Demo Analyst', roles: ['analyst'] },
  { username: 'evidence', displayName: 'Demo Evidence System (integration)', roles: ['evidence_system'] },
];

/** The documented default DEMO_PASSWORD (README: Demo data). */
export const DEFAULT_DEMO_PASSWORD = 'scrutiny-demo-2026';
/**
 * Its argon2id hash, made once with hashPassword (same parameters) and written down: argon2 is slow by design, and
 * hashing it for seven users cost every first start about half a second and 19 MiB per hash. Another DEMO_PASSWORD
 * is hashed at start as before. demo-users.spec checks that this verifies against DEFAULT_DEMO_PASSWORD.
 */
export const DEFAULT_DEMO_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$QpvrIbhRMivsBP8b+ai/kw$6zJpaa4F2fhoGHi8lCiHzsphSFoNqvBBpw9tYTLaEag';

/** Creates the demo users that are missing. Never runs in production (the configuration refuses DEMO_DATA there). */
@Injectable()
export class DemoUsersSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.enabled) return;
    const created = await this.seed();
    if (created.length) this.logger.info({ users: created }, 'demo users created (password: DEMO_PASSWORD)');
  }

  async seed(): Promise<string[]> {
    if (this.config.env === 'production') throw new Error('Demo data is refused in production');
    const created: string[] = [];
    const { password } = this.config.demo;
    const passwordHash = password === DEFAULT_DEMO_PASSWORD ? DEFAULT_DEMO_PASSWORD_HASH : undefined;
    for (const demo of DEMO_USERS) {
      if (await this.dataSource.getRepository(User).existsBy({ username: demo.username })) continue;
      await this.users.create({ ...demo, password }, SYSTEM_ACTOR, { passwordHash });
      created.push(demo.username);
    }
    return created;
  }
}
