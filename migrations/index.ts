import { CreateJobTables1795396787978 } from './1795396787978-CreateJobTables';
import { CreateIdentityAndAudit1795398116327 } from './1795398116327-CreateIdentityAndAudit';
import { CreateAreasAndPopulations1795398527184 } from './1795398527184-CreateAreasAndPopulations';
import { CreateStopSearchesAndImports1795398864436 } from './1795398864436-CreateStopSearchesAndImports';
import { CreatePanelMembershipAndAgenda1795400176957 } from './1795400176957-CreatePanelMembershipAndAgenda';
import { CreateBwvClips1795400657912 } from './1795400657912-CreateBwvClips';

/** Every migration, oldest first. Add each new file here (the schema-drift check fails until you do). */
export const MIGRATIONS = [CreateJobTables1795396787978, CreateIdentityAndAudit1795398116327, CreateAreasAndPopulations1795398527184, CreateStopSearchesAndImports1795398864436, CreatePanelMembershipAndAgenda1795400176957, CreateBwvClips1795400657912];
