import { z } from 'zod';
import type { CaseKind } from '@scrutiny/auth';

/** What the targeted rules look at, computed for each eligible record when the population is read. */
export interface RecordFeatures {
  /** Under 18 by the recorded age range. */
  under18: boolean;
  /** Removal of more than outer clothing. */
  clothingRemoved: boolean;
  /** Use-of-force tactics used. */
  tactics: string[];
  /** Any injury to the subject or officer recorded. */
  injury: boolean;
  /** An item found (outcome linked to the object) but no further action. */
  findNoFurtherAction: boolean;
  /** No BWV clip, or the camera was not running before the encounter. */
  bwvMissingOrLate: boolean;
  /** Encounters with the same (pseudonymous) subject in the look-back window, this one included; 0 if unknown. */
  subjectEncounters: number;
  /** The officer was flagged (and not cleared) when the sample was drawn. */
  officerFlagged: boolean;
  /** Self-defined and officer-defined ethnicity fall in different groups (both known). */
  ethnicityMismatch: boolean;
}

/** A record eligible for the month's sample, with what stratification and the rules need. */
export interface EligibleRecord {
  kind: CaseKind;
  id: string;
  team: string | null;
  /** The inspector area: the district if known, else the local authority. */
  area: string | null;
  power: string | null;
  features: RecordFeatures;
}

/** A targeted-inclusion rule: a name, a description, its parameters, and whether (and how urgently) a record matches. */
export interface TargetedRule<P = Record<string, unknown>> {
  name: string;
  description: string;
  params: z.ZodType<P>;
  /** The priority tier a matching record falls in (0 first), or null when it does not match. */
  match(record: EligibleRecord, params: P): number | null;
}

const TASER = [
  'taser_drawn',
  'taser_aimed',
  'taser_arced',
  'taser_red_dot',
  'taser_drive_stun',
  'taser_angled_drive_stun',
  'taser_fired',
];

function rule<const N extends string, P>(r: TargetedRule<P> & { name: N }): TargetedRule<P> & { name: N } {
  return r;
}

const none = z.strictObject({});
const yes = (b: boolean) => (b ? 0 : null);

/** The targeted inclusions of domain §3, each a named rule a plan switches on or off and parameterises. */
export const TARGETED_RULES = [
  rule({
    name: 'under_18',
    description: 'Children and young people (recorded age under 18)',
    params: none,
    match: (r) => yes(r.features.under18),
  }),
  rule({
    name: 'more_than_outer_clothing',
    description: 'Searches with removal of more than outer clothing',
    params: none,
    match: (r) => yes(r.features.clothingRemoved),
  }),
  rule({
    name: 'suspicionless_powers',
    description: 'Searches under powers that need no reasonable suspicion (s60 CJPOA, s47A Terrorism Act)',
    params: z.strictObject({ powers: z.array(z.string().min(1)).min(1).default(['cjpoa_s60', 'terrorism_act_s47a']) }),
    match: (r, p) => yes(r.power !== null && p.powers.includes(r.power)),
  }),
  rule({
    name: 'taser',
    description: 'Taser used; fired and drive-stun first',
    params: z.strictObject({
      tactics: z.array(z.string().min(1)).min(1).default(TASER),
      priority: z.array(z.string().min(1)).default(['taser_fired', 'taser_drive_stun', 'taser_angled_drive_stun']),
    }),
    match: (r, p) =>
      r.features.tactics.some((t) => p.priority.includes(t))
        ? 0
        : r.features.tactics.some((t) => p.tactics.includes(t))
          ? 1
          : null,
  }),
  rule({
    name: 'restraint_and_weapons',
    description: 'Spit guard, baton or dog bite',
    params: z.strictObject({
      tactics: z.array(z.string().min(1)).min(1).default(['spit_guard', 'baton_used', 'dog_bite']),
    }),
    match: (r, p) => yes(r.features.tactics.some((t) => p.tactics.includes(t))),
  }),
  rule({
    name: 'injury',
    description: 'Any injury to the subject or an officer',
    params: none,
    match: (r) => yes(r.features.injury),
  }),
  rule({
    name: 'find_no_further_action',
    description: 'Item found but no further action',
    params: none,
    match: (r) => yes(r.features.findNoFurtherAction),
  }),
  rule({
    name: 'bwv_missing_or_late',
    description: 'No body-worn video, or not activated before the encounter',
    params: none,
    match: (r) => yes(r.features.bwvMissingOrLate),
  }),
  rule({
    name: 'repeat_subject',
    description: 'The same person encountered repeatedly (by pseudonymous subject reference)',
    params: z.strictObject({
      minEncounters: z.number().int().min(2).max(100).default(3),
      lookbackDays: z.number().int().min(1).max(366).default(90),
    }),
    match: (r, p) => yes(r.features.subjectEncounters >= p.minEncounters),
  }),
  rule({
    name: 'flagged_officer',
    description: 'Officers flagged by professional standards',
    params: none,
    match: (r) => yes(r.features.officerFlagged),
  }),
  rule({
    name: 'ethnicity_mismatch',
    description: 'Self-defined and officer-defined ethnicity in different groups',
    params: none,
    match: (r) => yes(r.features.ethnicityMismatch),
  }),
];

export type RuleName = (typeof TARGETED_RULES)[number]['name'];
export const RULE_NAMES = TARGETED_RULES.map((r) => r.name) as RuleName[];

export function findRule(name: string): TargetedRule<Record<string, unknown>> | undefined {
  return TARGETED_RULES.find((r) => r.name === name) as TargetedRule<Record<string, unknown>> | undefined;
}

/** Record kinds each rule can ever match (for documentation; a rule simply never matches other kinds). */
export const RULE_KINDS: Record<RuleName, CaseKind[]> = {
  under_18: ['stop_search', 'vehicle_stop', 'use_of_force'],
  more_than_outer_clothing: ['stop_search'],
  suspicionless_powers: ['stop_search'],
  taser: ['use_of_force'],
  restraint_and_weapons: ['use_of_force'],
  injury: ['use_of_force'],
  find_no_further_action: ['stop_search'],
  bwv_missing_or_late: ['stop_search', 'vehicle_stop', 'use_of_force'],
  repeat_subject: ['stop_search', 'vehicle_stop', 'use_of_force'],
  flagged_officer: ['stop_search', 'vehicle_stop', 'use_of_force'],
  ethnicity_mismatch: ['stop_search', 'vehicle_stop'],
};
