import { CreateJobTables1795396787978 } from './1795396787978-CreateJobTables';

/** Every migration, oldest first. Add each new file here (the schema-drift check fails until you do). */
export const MIGRATIONS = [CreateJobTables1795396787978];
