import type { SchemaDefinition } from '@scrutiny/database';
import { AuditEvent } from '@scrutiny/audit';
import { RefreshToken, User } from '@scrutiny/auth';
import { JobFailure, MaintenanceHeartbeat } from '@scrutiny/jobs';
import { Area, BwvClip, BwvClipLink, Import, ImportFileChunk, ImportRejection, Officer, PopulationBenchmark, seedBuiltInReferenceData, StopSearch } from '@scrutiny/records';
import { Panel, PanelMember, PanelSession, SessionAgendaItem } from '@scrutiny/panels';
import { MIGRATIONS } from '../../migrations';

/**
 * The whole database schema: every entity of every feature, and the migrations that build it. Apps, the CLI
 * and tests open the database with this; feature libs never need to know each other's tables.
 */
export const SCHEMA: SchemaDefinition = {
  entities: [JobFailure, MaintenanceHeartbeat, User, RefreshToken, AuditEvent, Area, PopulationBenchmark, Officer, StopSearch, Import, ImportFileChunk, ImportRejection, Panel, PanelMember, PanelSession, SessionAgendaItem, BwvClip, BwvClipLink],
  migrations: MIGRATIONS,
  seeds: [seedBuiltInReferenceData],
};
