import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  VersionColumn,
} from 'typeorm';

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
  /** Members present (chair included) without whom a session cannot close. */
  @Column('int', { default: 3 }) quorum: number;
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

export const SESSION_STATUSES = ['planned', 'open', 'closed', 'published', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

@Entity('panel_sessions')
@Check('ck_panel_sessions_status', `"status" IN ('planned', 'open', 'closed', 'published', 'cancelled')`)
@Index('ix_panel_sessions_panel_id', ['panelId'])
export class PanelSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'fk_panel_sessions_panel' })
  panel?: Panel;
  @Column('timestamptz') scheduledAt: Date;
  @Column('text', { nullable: true }) venue: string | null;
  @Column('boolean', { default: false }) online: boolean;
  @Column('text') status: SessionStatus;
  @Column('timestamptz', { nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { nullable: true }) publishedAt: Date | null;
  @Column('text', { nullable: true }) minutes: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** A case on a session's agenda. */
@Entity('session_agenda_items')
@Index('ix_session_agenda_items_case', ['caseKind', 'caseId'])
@Index('uq_session_agenda_items_id', ['id'], { unique: true })
export class SessionAgendaItem {
  @Column('uuid') @Generated('uuid') id: string;
  @PrimaryColumn('uuid') sessionId: string;
  @PrimaryColumn('text') caseKind: string;
  @PrimaryColumn('uuid') caseId: string;
  @ManyToOne(() => PanelSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_session_agenda_items_session' })
  session?: PanelSession;
  @Column('int') position: number;
  /** The dip-sample item that brought the case here, if any. */
  @Column('uuid', { nullable: true }) dipSampleItemId: string | null;
  /** When the chair showed every member's rating, submitted or not. */
  @Column('timestamptz', { nullable: true }) ratingsRevealedAt: Date | null;
}

/** Who attended a session (quorum is counted from these). */
@Entity('session_attendance')
export class SessionAttendance {
  @PrimaryColumn('uuid') sessionId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('boolean') present: boolean;
  @Column('timestamptz', { default: () => 'now()' }) recordedAt: Date;
  @ManyToOne(() => PanelSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_session_attendance_session' })
  session?: PanelSession;
}

/** A member's conflict of interest with one case of a session: they can neither see nor rate it. */
@Entity('conflict_declarations')
export class ConflictDeclaration {
  @PrimaryColumn('uuid') sessionId: string;
  @PrimaryColumn('text') caseKind: string;
  @PrimaryColumn('uuid') caseId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('text') reason: string;
  @CreateDateColumn({ type: 'timestamptz' }) declaredAt: Date;
  @ManyToOne(() => PanelSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_conflict_declarations_session' })
  session?: PanelSession;
}

/** One member's independent rating of one agenda case (the review form); hidden from others until they submit theirs. */
@Entity('panel_ratings')
@Check('ck_panel_ratings_status', `"status" IN ('draft', 'submitted')`)
export class PanelRating {
  @PrimaryColumn('uuid') agendaItemId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('jsonb') form: Record<string, unknown>;
  @Column('text') status: 'draft' | 'submitted';
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @VersionColumn() version: number;
}

/** The chair's consensus finding on a case. Final once the session closes; a correction is a new version. */
@Entity('panel_findings')
@Check('ck_panel_findings_status', `"status" IN ('draft', 'final')`)
@Index('uq_panel_findings_item_version', ['agendaItemId', 'findingVersion'], { unique: true })
export class PanelFinding {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agendaItemId: string;
  @Column('int') findingVersion: number;
  @Column('jsonb') form: Record<string, unknown>;
  @Column('text') status: 'draft' | 'final';
  @Column('uuid', { nullable: true }) supersedesId: string | null;
  @Column('text', { nullable: true }) correctionReason: string | null;
  @Column('uuid', { nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @VersionColumn() version: number;
}

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;

/**
 * "You said, we did": something a panel finding (or a quarterly themes review meeting) asks of the force, who owns
 * it, by when, and the force's answer.
 */
@Entity('finding_actions')
@Check('ck_finding_actions_status', `"status" IN ('open', 'in_progress', 'done', 'cancelled')`)
@Check(
  'ck_finding_actions_source',
  `"finding_id" IS NOT NULL OR "meeting_quarter" IS NOT NULL OR "complaint_id" IS NOT NULL`,
)
@Index('ix_finding_actions_finding_id', ['findingId'])
@Index('ix_finding_actions_complaint_id', ['complaintId'], { where: '"complaint_id" IS NOT NULL' })
export class FindingAction {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) findingId: string | null;
  /** Raised at the quarterly themes review of this quarter (first day) rather than by a panel finding. */
  @Column('date', { nullable: true }) meetingQuarter: string | null;
  /** Raised from a complaint's outcome (the complaints register) rather than by a panel or a review meeting. */
  @Column('uuid', { nullable: true }) complaintId: string | null;
  @Column('text') kind: string;
  @Column('text') description: string;
  @Column('text') owner: string;
  @Column('date') dueOn: string;
  @Column('text') status: (typeof ACTION_STATUSES)[number];
  @Column('text', { nullable: true }) response: string | null;
  @Column('timestamptz', { nullable: true }) respondedAt: Date | null;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
  @ManyToOne(() => PanelFinding, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'finding_id', foreignKeyConstraintName: 'fk_finding_actions_finding' })
  finding?: PanelFinding;
}
