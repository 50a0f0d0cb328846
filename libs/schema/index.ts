import type { SchemaDefinition } from '@scrutiny/database';
import { AuditEvent } from '@scrutiny/audit';
import { RefreshToken, UnknownUsernameFailure, User } from '@scrutiny/auth';
import { JobFailure, MaintenanceHeartbeat } from '@scrutiny/jobs';
import {
  Area,
  BwvClip,
  BwvClipLink,
  CensusAuthority,
  CensusPopulation,
  Import,
  ImportFileChunk,
  ImportNotice,
  ImportRejection,
  Officer,
  PublishedUofTactic,
  seedBuiltInReferenceData,
  seedHomeOfficeUofTactics,
  StopSearch,
  UseOfForceReport,
  VehicleStop,
} from '@scrutiny/records';
import {
  ConflictDeclaration,
  FindingAction,
  Panel,
  PanelFinding,
  PanelMember,
  PanelRating,
  PanelSession,
  SessionAgendaItem,
  SessionAttendance,
} from '@scrutiny/panels';
import {
  BwvHoldRequest,
  DipSample,
  DipSampleItem,
  Notification,
  SampleReview,
  SamplingPlan,
  SamplingPlanVersion,
} from '@scrutiny/sampling';
import { DisproportionalityFinding, DisproportionalityRollup } from '@scrutiny/statistics';
import { QuarterlyMeeting, ReportPack, Theme } from '@scrutiny/themes';
import { Complaint, ComplaintAllegation, ComplaintAllegationOfficer } from '@scrutiny/complaints';
import { EmailOutboxEntry } from '@scrutiny/notifications';
import { MIGRATIONS } from '../../migrations';

/**
 * The whole database schema: every entity of every feature, and the migrations that build it. Apps, the CLI
 * and tests open the database with this; feature libs never need to know each other's tables.
 */
export const SCHEMA: SchemaDefinition = {
  entities: [
    JobFailure,
    MaintenanceHeartbeat,
    User,
    RefreshToken,
    UnknownUsernameFailure,
    AuditEvent,
    Area,
    CensusAuthority,
    CensusPopulation,
    Officer,
    StopSearch,
    Import,
    ImportFileChunk,
    ImportRejection,
    ImportNotice,
    Panel,
    PanelMember,
    PanelSession,
    SessionAgendaItem,
    BwvClip,
    BwvClipLink,
    VehicleStop,
    UseOfForceReport,
    SamplingPlan,
    SamplingPlanVersion,
    DipSample,
    DipSampleItem,
    SampleReview,
    BwvHoldRequest,
    Notification,
    EmailOutboxEntry,
    SessionAttendance,
    ConflictDeclaration,
    PanelRating,
    PanelFinding,
    FindingAction,
    DisproportionalityRollup,
    DisproportionalityFinding,
    Theme,
    QuarterlyMeeting,
    ReportPack,
    PublishedUofTactic,
    Complaint,
    ComplaintAllegation,
    ComplaintAllegationOfficer,
  ],
  migrations: MIGRATIONS,
  // The published figures name forces, so they follow the areas the census seed creates.
  seeds: [seedBuiltInReferenceData, seedHomeOfficeUofTactics],
};
