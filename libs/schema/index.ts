import type { SchemaDefinition } from '@scrutiny/database';
import { JobFailure, MaintenanceHeartbeat } from '@scrutiny/jobs';
import { MIGRATIONS } from '../../migrations';

/**
 * The whole database schema: every entity of every feature, and the migrations that build it. Apps, the CLI
 * and tests open the database with this; feature libs never need to know each other's tables.
 */
export const SCHEMA: SchemaDefinition = {
  entities: [JobFailure, MaintenanceHeartbeat],
  migrations: MIGRATIONS,
};
