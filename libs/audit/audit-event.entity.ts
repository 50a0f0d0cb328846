import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One append-only audit event. `hash` covers every other column and the previous event's hash, so altering or
 * removing any row breaks the chain from there on. The database refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity('audit_events')
@Index('ix_audit_events_occurred_at', ['occurredAt'])
@Index('ix_audit_events_actor_id', ['actorId'])
@Index('ix_audit_events_target', ['targetType', 'targetId'])
@Index('ix_audit_events_action', ['action'])
@Index('uq_audit_events_id', ['id'], { unique: true })
export class AuditEvent {
  /** Position in the chain: 1, 2, 3 … with no gaps. */
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

  @Column('text')
  prevHash: string;

  @Column('text')
  hash: string;
}
