import { snakeCase } from './snake-naming.strategy';

describe('snakeCase', () => {
  it.each([
    ['failedAt', 'failed_at'],
    ['JobFailure', 'job_failure'],
    ['bwvClipURL', 'bwv_clip_url'],
    ['already_snake', 'already_snake'],
    ['officerDefinedEthnicity', 'officer_defined_ethnicity'],
  ])('%s → %s', (input, expected) => expect(snakeCase(input)).toBe(expected));
});
