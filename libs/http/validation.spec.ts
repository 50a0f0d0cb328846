import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DomainError, type FieldError } from '@scrutiny/core';
import { createValidationPipe } from './validation';

class Tactic {
  @IsIn(['baton', 'taser']) tactic: string;
  @IsBoolean() effective: boolean;
}

class Probe {
  @IsString() @MaxLength(40) force: string;
  @IsOptional() @IsString() @MaxLength(3) code?: string;
  @IsOptional() @IsString() @MinLength(12) password?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}$/, { message: 'period must be a month, YYYY-MM' }) period?: string;
  @IsOptional() @Matches(/^[a-z]+$/) slug?: string;
  @IsOptional() @IsIn(['a', 'b', 'c']) kind?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(2) @IsIn(['x', 'y'], { each: true }) roles?: string[];
  @IsOptional() @IsUUID() planId?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10) limit?: number;
  @IsOptional() @IsDateString() from?: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Tactic) tactics?: Tactic[];
}

async function errorsFor(body: unknown): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: Probe });
  } catch (error) {
    if (error instanceof DomainError) return error.errors;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('fieldErrors: validation messages in plain words', () => {
  it('says a missing required field is required, once, not that it is too long', async () => {
    expect(await errorsFor({})).toEqual([{ field: 'force', message: 'force is required' }]);
    expect(await errorsFor({ force: null })).toEqual([{ field: 'force', message: 'force is required' }]);
  });

  it('translates each constraint from its own parameters', async () => {
    const errors = await errorsFor({
      force: 'x'.repeat(41),
      code: 'abcd',
      password: 'short',
      slug: 'Not A Slug',
      kind: 'd',
      roles: ['x', 'z'],
      planId: 'nope',
      limit: '0',
      from: '31/03/2024',
    });
    expect(errors).toEqual([
      { field: 'force', message: 'force must be at most 40 characters' },
      { field: 'code', message: 'code must be at most 3 characters' },
      { field: 'password', message: 'password must be at least 12 characters' },
      { field: 'slug', message: 'slug is not in the expected format' },
      { field: 'kind', message: 'kind must be one of: a, b, c' },
      { field: 'roles', message: 'every item in roles must be one of: x, y' },
      { field: 'planId', message: 'planId must be an id (a UUID)' },
      { field: 'limit', message: 'limit must be at least 1' },
      {
        field: 'from',
        message: 'from must be a date like 2024-03-31 (or a date and time like 2024-03-31T09:30:00Z)',
      },
    ]);
  });

  it("keeps a decorator's own message", async () => {
    expect(await errorsFor({ force: 'f', period: '2024-5' })).toEqual([
      { field: 'period', message: 'period must be a month, YYYY-MM' },
    ]);
  });

  it('reports a wrong kind of value once, without the length or range checks that follow from it', async () => {
    expect(await errorsFor({ force: 42, limit: 'many', roles: 'x' })).toEqual([
      { field: 'force', message: 'force must be text' },
      { field: 'roles', message: 'roles must be a list' },
      { field: 'limit', message: 'limit must be a whole number' },
    ]);
  });

  it('names nested fields by their dotted path, in the message too', async () => {
    expect(await errorsFor({ force: 'f', tactics: [{ tactic: 'baton', effective: true }, { tactic: 'gun' }] })).toEqual(
      [
        { field: 'tactics.1.tactic', message: 'tactics.1.tactic must be one of: baton, taser' },
        { field: 'tactics.1.effective', message: 'tactics.1.effective is required' },
      ],
    );
  });

  it('names an unknown field as one the request does not take', async () => {
    expect(await errorsFor({ force: 'f', extra: 1 })).toEqual([
      { field: 'extra', message: 'extra is not a field this request takes' },
    ]);
  });
});
