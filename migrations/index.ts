import { CreateJobTables1795396787978 } from './1795396787978-CreateJobTables';
import { CreateIdentityAndAudit1795398116327 } from './1795398116327-CreateIdentityAndAudit';
import { CreateAreasAndPopulations1795398527184 } from './1795398527184-CreateAreasAndPopulations';
import { CreateStopSearchesAndImports1795398864436 } from './1795398864436-CreateStopSearchesAndImports';
import { CreatePanelMembershipAndAgenda1795400176957 } from './1795400176957-CreatePanelMembershipAndAgenda';
import { CreateBwvClips1795400657912 } from './1795400657912-CreateBwvClips';
import { CreateVehicleStopsAndUseOfForce1795409159329 } from './1795409159329-CreateVehicleStopsAndUseOfForce';
import { CreateThemesReview1795414825678 } from './1795414825678-CreateThemesReview';
import { CreateDisproportionalityRollup1795413726191 } from './1795413726191-CreateDisproportionalityRollup';
import { CreatePanelSessions1795412617284 } from './1795412617284-CreatePanelSessions';
import { CreateDipSamples1795411258898 } from './1795411258898-CreateDipSamples';
import { SpeedUpRecordImports1795410486327 } from './1795410486327-SpeedUpRecordImports';
import { ClaimReportPackRuns1795427791253 } from './1795427791253-ClaimReportPackRuns';
import { IndexCaseOfficers1795430154453 } from './1795430154453-IndexCaseOfficers';
import { ScheduleSamplingPlansExplicitly1795440000000 } from './1795440000000-ScheduleSamplingPlansExplicitly';
import { TrackImportUpdatesAndNotices1795451000000 } from './1795451000000-TrackImportUpdatesAndNotices';
import { CheckStopSearchReferencesBySet1795452000000 } from './1795452000000-CheckStopSearchReferencesBySet';
import { VersionPopulationsByCensus1795460000000 } from './1795460000000-VersionPopulationsByCensus';
import { RollUpEveryCharacteristic1795461000000 } from './1795461000000-RollUpEveryCharacteristic';
import { CreatePublishedUofTactics1795463000000 } from './1795463000000-CreatePublishedUofTactics';
import { ScopeOfficerReferencesToForce1795470000000 } from './1795470000000-ScopeOfficerReferencesToForce';
import { SealAuditEventsBehindHorizon1795473000000 } from './1795473000000-SealAuditEventsBehindHorizon';
import { CountUnknownUsernameFailures1795475000000 } from './1795475000000-CountUnknownUsernameFailures';
import { CheckStopSearchReferencesInOnePass1795480000000 } from './1795480000000-CheckStopSearchReferencesInOnePass';
import { IndexListReads1795481000000 } from './1795481000000-IndexListReads';
import { CreateWebSessions1795482000000 } from './1795482000000-CreateWebSessions';
import { CreateComplaints1795483000000 } from './1795483000000-CreateComplaints';
import { CreateEmailOutbox1795484000000 } from './1795484000000-CreateEmailOutbox';
import { IndexLinkedStopSearches1795486000000 } from './1795486000000-IndexLinkedStopSearches';
import { IndexForceSelfEthnicity1795486000001 } from './1795486000001-IndexForceSelfEthnicity';

/**
 * Every migration, oldest first (by the timestamp in the class name). TypeORM sorts them by that timestamp before
 * running, so this order is for readers; a test keeps it sorted. Add each new file here (the schema-drift check fails
 * until you do).
 */
export const MIGRATIONS = [
  CreateJobTables1795396787978,
  CreateIdentityAndAudit1795398116327,
  CreateAreasAndPopulations1795398527184,
  CreateStopSearchesAndImports1795398864436,
  CreatePanelMembershipAndAgenda1795400176957,
  CreateBwvClips1795400657912,
  CreateVehicleStopsAndUseOfForce1795409159329,
  SpeedUpRecordImports1795410486327,
  CreateDipSamples1795411258898,
  CreatePanelSessions1795412617284,
  CreateDisproportionalityRollup1795413726191,
  CreateThemesReview1795414825678,
  ClaimReportPackRuns1795427791253,
  IndexCaseOfficers1795430154453,
  ScheduleSamplingPlansExplicitly1795440000000,
  TrackImportUpdatesAndNotices1795451000000,
  CheckStopSearchReferencesBySet1795452000000,
  VersionPopulationsByCensus1795460000000,
  RollUpEveryCharacteristic1795461000000,
  CreatePublishedUofTactics1795463000000,
  ScopeOfficerReferencesToForce1795470000000,
  SealAuditEventsBehindHorizon1795473000000,
  CountUnknownUsernameFailures1795475000000,
  CheckStopSearchReferencesInOnePass1795480000000,
  IndexListReads1795481000000,
  CreateWebSessions1795482000000,
  CreateComplaints1795483000000,
  CreateEmailOutbox1795484000000,
  IndexLinkedStopSearches1795486000000,
  IndexForceSelfEthnicity1795486000001,
];
