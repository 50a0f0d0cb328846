import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

@Entity('imports')
@Check('ck_imports_status', `"status" IN ('queued', 'running', 'completed', 'failed')`)
@Index('ix_imports_created_at', ['createdAt'])
@Index('ix_imports_status_created_at', ['status', 'createdAt'])
export class Import {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') format: string;
  @Column('text') forceCode: string;
  @Column('text') filename: string;
  /** YYYY-MM the file covers (from its name), shown only: a row's key holds its own month, never the file's. */
  @Column('text', { nullable: true }) sourceMonth: string | null;
  @Column('text') status: ImportStatus;
  @Column('int', { default: 0 }) rowsRead: number;
  @Column('int', { default: 0 }) rowsImported: number;
  /** Records already present under the row's reference whose values the row changed (updated in place, audited). */
  @Column('int', { default: 0 }) rowsUpdated: number;
  @Column('int', { default: 0 }) rowsDuplicate: number;
  @Column('int', { default: 0 }) rowsRejected: number;
  /** Rows imported with a notice (see ImportNotice). */
  @Column('int', { default: 0 }) rowsWithNotices: number;
  @Column('text', { nullable: true }) error: string | null;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
}

/** An uploaded file, held in the database in chunks until its import has run (the worker may be elsewhere). */
@Entity('import_file_chunks')
export class ImportFileChunk {
  @PrimaryColumn('uuid') importId: string;
  @PrimaryColumn('int') seq: number;
  @Column('bytea') data: Buffer;
  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'fk_import_file_chunks_import' })
  import?: Import;
}

/** One problem with one row of an import: its line number in the file, the column, and why. */
@Entity('import_rejections')
export class ImportRejection {
  @PrimaryColumn('uuid') importId: string;
  @PrimaryColumn('int') line: number;
  @PrimaryColumn('text') field: string;
  @Column('text') reason: string;
  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'fk_import_rejections_import' })
  import?: Import;
}

/** Something to know about a row that was imported all the same (a clip whose record is not known: imported unlinked). */
@Entity('import_notices')
export class ImportNotice {
  @PrimaryColumn('uuid') importId: string;
  @PrimaryColumn('int') line: number;
  @PrimaryColumn('text') field: string;
  @Column('text') reason: string;
  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'fk_import_notices_import' })
  import?: Import;
}
