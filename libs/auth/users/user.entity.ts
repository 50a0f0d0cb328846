import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role } from '../permissions';

export const NOTIFICATION_PREFERENCES = ['immediate', 'daily_digest'] as const;
export type NotificationPreference = (typeof NOTIFICATION_PREFERENCES)[number];

@Entity('users')
@Index('uq_users_username', ['username'], { unique: true })
@Check('ck_users_notification_preference', `"notification_preference" IN ('immediate', 'daily_digest')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case; unique. */
  @Column('text')
  username: string;

  @Column('text')
  displayName: string;

  @Column('text')
  passwordHash: string;

  @Column('text', { array: true })
  roles: Role[];

  /** Supervisor scope: team codes whose records they see. */
  @Column('text', { array: true, default: () => "'{}'" })
  teams: string[];

  /** Supervisor scope: area codes (district/BCU) whose records they see. */
  @Column('text', { array: true, default: () => "'{}'" })
  areas: string[];

  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  /** Where notification emails go; none: the person gets no email, only in-app notifications. */
  @Column('text', { nullable: true })
  email: string | null;

  /** Each email as it happens, or one digest a day. */
  @Column('text', { default: 'immediate' })
  notificationPreference: NotificationPreference;

  @Column('int', { default: 0 })
  failedLoginCount: number;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  /** Bumped when a password is reset or the account disabled: access tokens carrying an older value stop working. */
  @Column('int', { default: 1 })
  sessionVersion: number;

  @Column('timestamptz', { default: () => 'now()' })
  passwordChangedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
