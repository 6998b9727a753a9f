import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ValidateIf } from 'class-validator';

/**
 * An optional field that may be left out but is never null. class-validator's @IsOptional() also
 * skips null, which then reached services that only treat undefined as absent (`{"active": null}`
 * answered 500); with this, null is validated, and refused, like any other wrong value.
 */
export const IsOptionalNotNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/** No request DTO nests deeper than a few levels; anything far deeper is refused outright. */
export const MAX_INPUT_DEPTH = 32;

/** Whether objects or arrays nest deeper than `limit`, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { item: unknown; depth: number }[] = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.item !== 'object' || next.item === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.item))
      pending.push({ item: child, depth: next.depth + 1 });
  }
  return false;
}

const KEPT_RECORDS = Symbol('keptRecords');

type WithKeptRecords = { [KEPT_RECORDS]?: string[] };

/**
 * A free-form record whose keys are data (criterion id -> answer), to be judged by the service.
 * Nest's pipe deletes `__proto__`, `constructor` and `prototype` keys from the body in place, and
 * class-transformer leaves out of an untyped object every key that names a function of
 * Object.prototype (`toString`, `valueOf`, `hasOwnProperty`...): such answers vanished silently
 * instead of being refused like any other unknown id. The pipe hands the record on as it was
 * sent, each key an own property of an object without prototype, so no key can reach one.
 */
export const KeepEveryKey = (): PropertyDecorator => (target, property) => {
  if (typeof property !== 'string') return;
  const owner = target as WithKeptRecords;
  owner[KEPT_RECORDS] = [...(owner[KEPT_RECORDS] ?? []), property];
};

/** The own entries of every @KeepEveryKey record in `value`, read before anything strips them. */
function keptRecordsOf(
  value: unknown,
  metatype: ArgumentMetadata['metatype'],
): [string, [string, unknown][]][] {
  const properties = (metatype?.prototype as WithKeptRecords | undefined)?.[KEPT_RECORDS] ?? [];
  if (typeof value !== 'object' || value === null) return [];
  return properties.flatMap((property): [string, [string, unknown][]][] => {
    const record: unknown = Object.getOwnPropertyDescriptor(value, property)?.value;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return [];
    return [[property, Object.entries(record)]];
  });
}

function withoutPrototype(entries: [string, unknown][]): Record<string, unknown> {
  const record = Object.create(null) as Record<string, unknown>;
  // With no prototype there is no __proto__ setter: every key becomes an own property.
  for (const [key, item] of entries) record[key] = item;
  return record;
}

/**
 * Nest's ValidationPipe and class-transformer walk the input recursively: a JSON body nested a
 * few thousand levels deep (well within the body limit) overflowed the stack and answered 500.
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw new BadRequestException(
        `The ${metadata.type} nests objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`,
      );
    }
    const kept = keptRecordsOf(value, metadata.metatype);
    const result: unknown = await super.transform(value, metadata);
    if (typeof result === 'object' && result !== null) {
      for (const [property, entries] of kept) {
        (result as Record<string, unknown>)[property] = withoutPrototype(entries);
      }
    }
    return result;
  }
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator's messages start with the property name; show the full path instead.
      text.startsWith(error.property)
        ? `${path}${text.slice(error.property.length)}`
        : `${path}: ${text}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/** The one validation pipe: whitelist, refuse unknown properties, transform, no implicit casts. */
export function createValidationPipe(): ValidationPipe {
  return new DepthLimitedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    // Each problem once: a property whose decorators share one message (IsInt, Min and Max of
    // "a whole number from 1 to 10000") would otherwise say it once per decorator.
    exceptionFactory: (errors) =>
      new BadRequestException([...new Set(describe(errors))].join('; ')),
  });
}
