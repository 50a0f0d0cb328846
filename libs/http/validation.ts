import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, registerDecorator, type ValidationOptions, type ValidatorOptions } from 'class-validator';
import { DomainError, PLAIN_WORDS as W, type FieldError } from '@scrutiny/core';
import { unacceptableJson } from './body-parsing';

const list = (values: unknown) => (Array.isArray(values) ? values.map(String).join(', ') : String(values));
const DATE_OR_DATE_TIME = `${W.date} (or a date and time like 2024-03-31T09:30:00Z)`;

/**
 * What each class-validator constraint means, in plain words, from its parameters. A constraint missing here keeps
 * class-validator's own message; a decorator's own `message` always wins.
 */
const PLAIN: Record<string, (constraints: unknown[]) => string> = {
  isString: () => W.text,
  isInt: () => W.wholeNumber,
  isNumber: () => W.number,
  isBoolean: () => W.trueOrFalse,
  isArray: () => W.list,
  isObject: () => W.object,
  nestedValidation: () => W.object,
  isNotEmpty: () => W.notEmpty,
  arrayNotEmpty: () => W.notEmpty,
  maxLength: ([n]) => W.atMostCharacters(n as number),
  minLength: ([n]) => W.atLeastCharacters(n as number),
  arrayMaxSize: ([n]) => W.atMostItems(n as number),
  arrayMinSize: ([n]) => W.atLeastItems(n as number),
  isIn: ([values]) => W.oneOf(list(values)),
  isEnum: ([, values]) => W.oneOf(list(values)),
  isUuid: () => W.uuid,
  min: ([n]) => W.atLeast(n as number),
  max: ([n]) => W.atMost(n as number),
  isPositive: () => 'must be a number above 0',
  isDateString: () => DATE_OR_DATE_TIME,
  isIso8601: () => DATE_OR_DATE_TIME,
  isDate: () => W.date,
  isLatitude: () => 'must be a latitude, a number from -90 to 90',
  isLongitude: () => 'must be a longitude, a number from -180 to 180',
  matches: () => W.otherFormat,
  int4: () => `must be a whole number from -${INT4_MAX} to ${INT4_MAX}`,
  isCalendarDate: () => 'must be a date that exists, YYYY-MM-DD',
  whitelistValidation: () => 'is not a field this request takes',
};

/** Constraints on the kind of value: when one fails, the others (its length, its range) would only add noise. */
const KIND = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'nestedValidation']);

/** The decorator behind a failed constraint: its parameters, its own message, whether it checks each item. */
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

function metadataOf(error: ValidationError, constraint: string): ValidationMetadata | undefined {
  const target = error.target?.constructor;
  if (typeof target !== 'function') return undefined;
  return getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .find((m) => m.propertyName === error.property && (m.name ?? m.type) === constraint);
}

/** The property may be left out (@IsOptional, or @ValidateIf checking only a present value). */
function isOptional(error: ValidationError): boolean {
  const target = error.target?.constructor;
  if (typeof target !== 'function') return false;
  return getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .some((m) => m.propertyName === error.property && m.type === 'conditionalValidation');
}

function messagesOf(error: ValidationError, field: string): string[] {
  const failed = Object.entries(error.constraints ?? {});
  if (!failed.length) return [];
  // An optional property skips every check when absent, so any failure on an absent value means it is required.
  const absent = error.value === undefined || error.value === null;
  if (absent && !failed.some(([name]) => name === 'whitelistValidation'))
    return [
      error.value === null && isOptional(error) ? `${field} must not be null: leave it out` : `${field} is required`,
    ];
  const kind = failed.filter(([name]) => KIND.has(name));
  return (kind.length ? kind.slice(0, 1) : failed).map(([name, fallback]) => {
    const meta = metadataOf(error, name);
    if (meta?.message) return fallback;
    const plain = PLAIN[name];
    if (!plain) return fallback;
    const subject = meta?.each ? `every item in ${field}` : field;
    return `${subject} ${plain(meta?.constraints ?? [])}`;
  });
}

/**
 * Flattens class-validator's tree into plain messages, one per failing field and problem, each naming the field by
 * its dotted path: "force is required", not class-validator's "force must be shorter than or equal to 40 characters".
 */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out = errors.flatMap((error): FieldError[] => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = messagesOf(error, field).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
  const seen = new Set<string>();
  return out.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

/** PostgreSQL's integer: every whole-number field of a request is held in one (or compared with one). */
export const INT4_MAX = 2_147_483_647;

const outsideInt4 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) > INT4_MAX;

/**
 * Whole numbers past int4 in `object` (a DTO instance) and the DTOs nested in it, as class-validator errors: a
 * field with its own @Max already refuses them, every other @IsInt field is bounded here, once for all.
 */
export function int4Errors(object: object, seen = new Set<object>()): ValidationError[] {
  if (seen.has(object)) return [];
  seen.add(object);
  const target = object.constructor;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const intProperties = new Set(metadata.filter((m) => (m.name ?? m.type) === 'isInt').map((m) => m.propertyName));
  const errors: ValidationError[] = [];
  for (const [property, value] of Object.entries(object)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (intProperties.has(property) && values.some(outsideInt4)) {
      errors.push({
        target: object,
        property,
        value,
        constraints: { int4: 'out of range' },
        children: [],
      });
      continue;
    }
    const children = values.flatMap((v, i) => {
      if (v === null || typeof v !== 'object' || v.constructor === Object || v.constructor === Array) return [];
      const inner = int4Errors(v, seen);
      if (!inner.length) return [];
      if (!Array.isArray(value)) return inner;
      return [{ target: object, property: String(i), value: v, children: inner } satisfies ValidationError];
    });
    if (children.length) errors.push({ target: object, property, value, children });
  }
  return errors;
}

/** A real calendar date written YYYY-MM-DD (2017-02-31 is refused: PostgreSQL would throw on it). */
export function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The field is a calendar date, YYYY-MM-DD, that exists. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName: String(propertyName),
      options,
      validator: { validate: isCalendarDate },
    });
}

/**
 * Class-validator's pipe, plus what no decorator states: the body checked again for what the body parser refuses
 * (multipart fields reach here without passing it) and whole numbers bounded to int4.
 */
class ScrutinyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const bad = metadata.type === 'body' || metadata.type === 'query' ? unacceptableJson(value) : null;
    if (bad) throw DomainError.validation([bad]);
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    const failed = new Set(errors.map((e) => e.property));
    return [...errors, ...int4Errors(object).filter((e) => !failed.has(e.property))];
  }
}

/** Request DTOs: unknown fields refused, types converted, every failure named by field in plain words. */
export function createValidationPipe(): ValidationPipe {
  return new ScrutinyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    // The target (the DTO instance) leads fieldErrors to each decorator's parameters; it is never sent.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => DomainError.validation(fieldErrors(errors)),
  });
}
