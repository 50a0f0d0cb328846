import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role } from '../permissions';

@Entity('users')
@Index('uq_users_username', ['username'], { unique: true })
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
