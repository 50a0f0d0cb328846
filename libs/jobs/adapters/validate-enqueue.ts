import { randomUUID } from 'node:crypto';
import { DomainError, parseFields } from '@scrutiny/core';
import { JOB_ID_PATTERN, type EnqueueOptions, type JobDefinition, type JobEnvelope } from '../job-definition';

/** Checks a payload against its contract before it is queued, so a bad job fails at the caller, not later. */
export function prepareEnqueue<P>(
  def: JobDefinition<P>,
  payload: P,
  options: EnqueueOptions,
): { id: string; envelope: JobEnvelope } {
  if (options.jobId !== undefined && !JOB_ID_PATTERN.test(options.jobId)) {
    throw DomainError.validation([{ field: 'jobId', message: 'letters, digits, ".", "_" and "-" only (1–200)' }]);
  }
  const parsed = parseFields(def.schema, payload, 'payload');
  if (!parsed.success) throw DomainError.validation(parsed.errors);
  return { id: options.jobId ?? randomUUID(), envelope: { v: def.version, data: parsed.data } };
}

/** Exponential backoff: base, 2·base, 4·base … (the same curve BullMQ's "exponential" uses). */
export function backoffDelay(baseMs: number, attemptThatFailed: number): number {
  return baseMs * 2 ** (attemptThatFailed - 1);
}
