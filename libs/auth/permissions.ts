/** The roles of domain §7. A user may hold several. */
export const ROLES = [
  'admin',
  'supervisor',
  'internal_panel',
  'external_panel',
  'professional_standards',
  'analyst',
  /** The evidence system's integration account: the BWV hold feed and its confirmations, nothing else. */
  'evidence_system',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route can require. Record-level scoping (which records, which sessions) is decided separately, by
 * the access service; a permission says only what kind of thing a role may do at all.
 */
export enum Permission {
  /** Any signed-in user: their own profile, their own sessions. */
  SELF = 'self',
  USERS_MANAGE = 'users:manage',
  AUDIT_READ = 'audit:read',
  JOBS_MANAGE = 'jobs:manage',
  RECORDS_READ = 'records:read',
  RECORDS_WRITE = 'records:write',
  RECORDS_IMPORT = 'records:import',
  RECORDS_EXPORT = 'records:export',
  /** The pseudonymous officer register (teams, supervisors). */
  OFFICERS_READ = 'officers:read',
  OFFICERS_MANAGE = 'officers:manage',
  /** Draw, issue and verify dip samples, and assign their reviews. */
  SAMPLES_DRAW = 'samples:draw',
  /** Write the supervisor review of an item assigned to you. */
  SAMPLES_REVIEW = 'samples:review',
  /** Create and version sampling plans. */
  SAMPLING_PLANS_MANAGE = 'sampling-plans:manage',
  /** The BWV retention-hold feed and its confirmations. */
  BWV_HOLDS_MANAGE = 'bwv-holds:manage',
  PANELS_MANAGE = 'panels:manage',
  PANELS_PARTICIPATE = 'panels:participate',
  STATS_AGGREGATE = 'stats:aggregate',
  STATS_OFFICER_LEVEL = 'stats:officer-level',
  /** Figures with small counts shown (not withheld), and team funnels: those inside the force (domain §6, §7). */
  STATS_UNSUPPRESSED = 'stats:unsuppressed',
  /** Review recorded disproportionality findings and record the force's responses to panel findings. */
  FINDINGS_WRITE = 'findings:write',
  /**
   * Record a disproportionality finding from the figures on screen and read recorded ones (their figures as the
   * reader may see them): analysts and professional standards. Not the review of findings (FINDINGS_WRITE).
   */
  FINDINGS_RECORD = 'findings:record',
  /** The quarterly themes review in aggregate (no officer-level concerns, no referral or action detail). */
  THEMES_READ = 'themes:read',
  /** The full quarterly review: officer-level repeat concerns, referrals, the meeting record and report packs. */
  THEMES_REVIEW = 'themes:review',
  THEMES_MANAGE = 'themes:manage',
  /** Complaints in full (professional standards); supervisors, those about their officers' encounters, without complainant details. */
  COMPLAINTS_READ = 'complaints:read',
  /** Record, correct, import and export complaints, and raise actions from their outcomes. */
  COMPLAINTS_WRITE = 'complaints:write',
  /** Complaint counts and rates: supervisors for their teams, analysts under the disclosure rule. */
  COMPLAINTS_AGGREGATE = 'complaints:aggregate',
}

/** The one table mapping roles to permissions (domain §7). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    Permission.SELF,
    Permission.USERS_MANAGE,
    Permission.AUDIT_READ,
    Permission.JOBS_MANAGE,
    Permission.RECORDS_READ,
    Permission.RECORDS_WRITE,
    Permission.RECORDS_IMPORT,
    Permission.RECORDS_EXPORT,
    Permission.OFFICERS_READ,
    Permission.OFFICERS_MANAGE,
    Permission.SAMPLES_DRAW,
    Permission.SAMPLING_PLANS_MANAGE,
    Permission.BWV_HOLDS_MANAGE,
    Permission.PANELS_MANAGE,
    Permission.STATS_AGGREGATE,
    Permission.STATS_UNSUPPRESSED,
    Permission.THEMES_MANAGE,
  ],
  supervisor: [
    Permission.SELF,
    Permission.RECORDS_READ,
    Permission.RECORDS_WRITE,
    Permission.RECORDS_EXPORT,
    Permission.OFFICERS_READ,
    Permission.SAMPLES_DRAW,
    Permission.SAMPLES_REVIEW,
    Permission.BWV_HOLDS_MANAGE,
    Permission.STATS_AGGREGATE,
    Permission.STATS_UNSUPPRESSED,
    Permission.THEMES_READ,
    Permission.COMPLAINTS_READ,
    Permission.COMPLAINTS_AGGREGATE,
  ],
  internal_panel: [
    Permission.SELF,
    Permission.RECORDS_READ,
    Permission.PANELS_PARTICIPATE,
    Permission.STATS_AGGREGATE,
    Permission.STATS_UNSUPPRESSED,
  ],
  external_panel: [Permission.SELF, Permission.RECORDS_READ, Permission.PANELS_PARTICIPATE, Permission.STATS_AGGREGATE],
  professional_standards: [
    Permission.SELF,
    Permission.AUDIT_READ,
    Permission.RECORDS_READ,
    Permission.RECORDS_WRITE,
    Permission.RECORDS_EXPORT,
    Permission.OFFICERS_READ,
    Permission.OFFICERS_MANAGE,
    Permission.SAMPLES_DRAW,
    Permission.SAMPLING_PLANS_MANAGE,
    Permission.BWV_HOLDS_MANAGE,
    Permission.PANELS_MANAGE,
    Permission.PANELS_PARTICIPATE,
    Permission.STATS_AGGREGATE,
    Permission.STATS_UNSUPPRESSED,
    Permission.STATS_OFFICER_LEVEL,
    Permission.FINDINGS_WRITE,
    Permission.FINDINGS_RECORD,
    Permission.THEMES_READ,
    Permission.THEMES_REVIEW,
    Permission.COMPLAINTS_READ,
    Permission.COMPLAINTS_WRITE,
    Permission.COMPLAINTS_AGGREGATE,
  ],
  analyst: [Permission.SELF, Permission.STATS_AGGREGATE, Permission.COMPLAINTS_AGGREGATE, Permission.FINDINGS_RECORD],
  evidence_system: [Permission.SELF, Permission.BWV_HOLDS_MANAGE],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role] ?? []));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
