import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One append-only audit event. `hash` covers every other column and the previous sealed event's hash, so altering or
 * removing any sealed row breaks the chain from there on. Events arrive unsealed (prevHash and hash null) and the
 * sealer fills both, in seq order (AuditService.seal). The database refuses DELETE, TRUNCATE and every UPDATE but
 * that one.
 */
@Entity('audit_events')
@Check('ck_audit_events_sealed', `("hash" IS NULL) = ("prev_hash" IS NULL)`)
@Index('ix_audit_events_unsealed', ['seq'], { where: '"hash" IS NULL' })
@Index('ix_audit_events_occurred_at', ['occurredAt'])
// One actor's events newest first (the list's actor filter).
@Index('ix_audit_events_actor_seq', ['actorId', 'seq'])
@Index('ix_audit_events_target', ['targetType', 'targetId'])
@Index('ix_audit_events_action', ['action'])
@Index('uq_audit_events_id', ['id'], { unique: true })
export class AuditEvent {
  /**
   * Position in the chain, drawn from a sequence by the insert trigger: increasing, with a gap wherever a transaction
   * that drew a seq rolled back.
   */
  @PrimaryColumn('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq: number;

  @Column('uuid')
  id: string;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('text', { nullable: true })
  actorUsername: string | null;

  @Column('text', { array: true })
  actorRoles: string[];

  @Column('text')
  action: string;

  @Column('text', { nullable: true })
  targetType: string | null;

  @Column('text', { nullable: true })
  targetId: string | null;

  @Column('text', { nullable: true })
  requestId: string | null;

  @Column('jsonb', { nullable: true })
  before: object | null;

  @Column('jsonb', { nullable: true })
  after: object | null;

  @Column('jsonb', { nullable: true })
  details: object | null;

  /** The hash of the sealed event before this one (GENESIS_HASH for the first); null until sealed. */
  @Column('text', { nullable: true })
  prevHash: string | null;

  @Column('text', { nullable: true })
  hash: string | null;
}
