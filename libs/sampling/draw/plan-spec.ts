import { z } from 'zod';
import { CASE_KINDS } from '@scrutiny/auth';
import type { FieldError } from '@scrutiny/core';
import { findRule, RULE_NAMES, TARGETED_RULES } from './rules';

export const STRATA_DIMENSIONS = ['area', 'power', 'kind'] as const;

const RuleSetting = z
  .strictObject({
    rule: z.enum(RULE_NAMES as [string, ...string[]]),
    enabled: z.boolean().default(true),
    /** At most this many records from the rule (higher-priority ones first); null = all that match. */
    max: z.number().int().min(1).max(10_000).nullable().default(null),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((setting, ctx) => {
    const parsed = findRule(setting.rule)?.params.safeParse(setting.params);
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', path: ['params', ...issue.path.map(String)], message: issue.message });
    }
  });

/**
 * A sampling plan's rules (one version). Kept as data (jsonb) so a sample can be recomputed with exactly the rules
 * that drew it, whatever the plan says today.
 */
export const PlanSpecSchema = z
  .strictObject({
    /** Only records of these teams (empty: every team; a supervisor drawing such a plan samples their own teams). */
    teams: z.array(z.string().min(1).max(32)).max(200).default([]),
    /** Which record kinds the month's population holds. */
    kinds: z
      .array(z.enum(CASE_KINDS as [string, ...string[]]))
      .min(1)
      .default(['stop_search']),
    /** The random part's size (the targeted part comes on top). */
    sampleSize: z.number().int().min(0).max(10_000).default(20),
    /** Stratify the random part by these (proportional allocation). */
    strata: z.array(z.enum(STRATA_DIMENSIONS)).max(STRATA_DIMENSIONS.length).default(['area', 'power']),
    rules: z.array(RuleSetting).default([]),
    exclusions: z
      .strictObject({
        /** Records already reviewed in an earlier sample. */
        alreadyReviewed: z.boolean().default(true),
        /**
         * Records already in an issued sample (of any plan): a manual sample of the month and the scheduled one never
         * select the same record twice. Plan versions older than this option have it off (a migration says so).
         */
        alreadySampled: z.boolean().default(true),
        /** Records with no BWV clip at all. */
        noBwv: z.boolean().default(false),
      })
      .default({ alreadyReviewed: true, alreadySampled: true, noBwv: false }),
    /** At most this many items per team (targeted items count but are never dropped); null = no quota. */
    teamQuota: z.number().int().min(1).max(10_000).nullable().default(null),
    /** At least this many random items per inspector area that has records (Wiltshire uses 3). */
    areaFloor: z.number().int().min(0).max(100).default(0),
    /** Days a supervisor has to complete a review once the sample is issued. */
    reviewDueDays: z.number().int().min(1).max(90).default(14),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.rules.forEach((setting, i) => {
      if (seen.has(setting.rule))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'rule'], message: `"${setting.rule}" is listed twice` });
      seen.add(setting.rule);
    });
    if (new Set(spec.strata).size !== spec.strata.length)
      ctx.addIssue({ code: 'custom', path: ['strata'], message: 'lists a dimension twice' });
  });

export type PlanSpec = z.infer<typeof PlanSpecSchema>;

/** A plan spec checked in full, with every rule's parameters filled with their defaults. */
export function parsePlanSpec(input: unknown, prefix = 'spec'): { spec: PlanSpec } | { errors: FieldError[] } {
  const result = PlanSpecSchema.safeParse(input ?? {});
  if (!result.success) {
    return {
      errors: result.error.issues.map((i) => ({
        field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
        message: i.message,
      })),
    };
  }
  const spec = result.data;
  spec.rules = spec.rules.map((s) => ({
    ...s,
    params: findRule(s.rule)!.params.parse(s.params) as Record<string, unknown>,
  }));
  return { spec };
}

/** The built-in default: every record kind, 20 random items stratified by area and power, every targeted rule on. */
export function defaultPlanSpec(): PlanSpec {
  const parsed = parsePlanSpec({
    kinds: ['stop_search', 'vehicle_stop', 'use_of_force'],
    sampleSize: 20,
    strata: ['area', 'power'],
    rules: TARGETED_RULES.map((r) => ({ rule: r.name, enabled: true, max: 5 })),
    areaFloor: 3,
  });
  if ('errors' in parsed) throw new Error(`the default plan is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.spec;
}
