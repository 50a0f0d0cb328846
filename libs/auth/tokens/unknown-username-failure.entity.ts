import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins under a username no account has, counted and locked exactly as a real account's are (its
 * `failedLoginCount` and `lockedUntil`), so a 423 after repeated failures says nothing about whether the name exists.
 */
@Entity('unknown_username_failures')
export class UnknownUsernameFailure {
  /** As typed at sign-in, trimmed and lower-cased. */
  @PrimaryColumn('text')
  username: string;

  @Column('int', { default: 0 })
  failedLoginCount: number;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  lastFailedAt: Date;
}
