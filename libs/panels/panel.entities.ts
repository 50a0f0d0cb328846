import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/** A scrutiny panel: internal (police) or external (independent community members), with its viewing policy. */
@Entity('panels')
@Check('ck_panels_kind', `"kind" IN ('internal', 'external')`)
export class Panel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') kind: 'internal' | 'external';
  /** Which records it scrutinises: stop_search, use_of_force, vehicle_stop. */
  @Column('text', { array: true }) remit: string[];
  /** Policy: may members read the officer's free-text grounds? */
  @Column('boolean', { default: false }) showGrounds: boolean;
  /** Policy: BWV shown redacted (true) or unredacted. */
  @Column('boolean', { default: true }) bwvRedacted: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** Membership: a member may open cases only during their term, once vetted and with a signed confidentiality agreement. */
@Entity('panel_members')
@Check('ck_panel_members_role', `"role" IN ('chair', 'member')`)
@Index('ix_panel_members_user_id', ['userId'])
export class PanelMember {
  @PrimaryColumn('uuid') panelId: string;
  @PrimaryColumn('uuid') userId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'fk_panel_members_panel' })
  panel?: Panel;
  @Column('text') role: 'chair' | 'member';
  @Column('date') termStart: string;
  @Column('date', { nullable: true }) termEnd: string | null;
  @Column('date', { nullable: true }) vettedOn: string | null;
  @Column('date', { nullable: true }) confidentialitySignedOn: string | null;
}

export const SESSION_STATUSES = ['planned', 'open', 'closed', 'published'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

@Entity('panel_sessions')
@Check('ck_panel_sessions_status', `"status" IN ('planned', 'open', 'closed', 'published')`)
@Index('ix_panel_sessions_panel_id', ['panelId'])
export class PanelSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'fk_panel_sessions_panel' })
  panel?: Panel;
  @Column('timestamptz') scheduledAt: Date;
  @Column('text', { nullable: true }) venue: string | null;
  @Column('text') status: SessionStatus;
  @Column('timestamptz', { nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** A case on a session's agenda. */
@Entity('session_agenda_items')
@Index('ix_session_agenda_items_case', ['caseKind', 'caseId'])
export class SessionAgendaItem {
  @PrimaryColumn('uuid') sessionId: string;
  @PrimaryColumn('text') caseKind: string;
  @PrimaryColumn('uuid') caseId: string;
  @ManyToOne(() => PanelSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_session_agenda_items_session' })
  session?: PanelSession;
  @Column('int') position: number;
}
