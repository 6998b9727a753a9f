import { IsInt, IsObject, Max, Min } from 'class-validator';
import { createValidationPipe, IsOptionalNotNull, KeepEveryKey } from './validation';

class AnswersDto {
  @IsObject()
  @KeepEveryKey()
  answers!: Record<string, unknown>;

  @IsOptionalNotNull()
  @IsObject()
  other?: Record<string, unknown>;
}

/** The names that Nest's pipe or class-transformer used to drop from a free-form record. */
const OBJECT_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

const asBody = (json: string) =>
  createValidationPipe().transform(JSON.parse(json), { type: 'body', metatype: AnswersDto });

describe('the validation pipe with @KeepEveryKey', () => {
  it.each(OBJECT_NAMES)('keeps a key named %s as an own key of the record', async (name) => {
    const dto = (await asBody(`{"answers": {"${name}": true, "inc-a": false}}`)) as AnswersDto;
    expect(Object.keys(dto.answers).sort()).toEqual([name, 'inc-a'].sort());
    expect(Object.getOwnPropertyDescriptor(dto.answers, name)?.value).toBe(true);
  });

  it('hands on a record without prototype, so no key reaches an inherited member', async () => {
    const dto = (await asBody('{"answers": {"__proto__": {"polluted": true}}}')) as AnswersDto;
    expect(Object.getPrototypeOf(dto.answers)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((dto.answers as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('still validates the field, and leaves undecorated records to the usual rules', async () => {
    await expect(asBody('{"answers": [true]}')).rejects.toThrow(/answers must be an object/);
    const dto = (await asBody(
      '{"answers": {}, "other": {"toString": true, "x": 1}}',
    )) as AnswersDto;
    expect(Object.keys(dto.other ?? {})).toEqual(['x']);
  });
});

class RunsDto {
  @IsInt({ message: 'runs must be a whole number from 1 to 100' })
  @Min(1, { message: 'runs must be a whole number from 1 to 100' })
  @Max(100, { message: 'runs must be a whole number from 1 to 100' })
  runs!: number;

  @IsInt()
  other!: number;
}

describe('the validation pipe’s message', () => {
  const refusal = (json: string) =>
    createValidationPipe()
      .transform(JSON.parse(json), { type: 'body', metatype: RunsDto })
      .then(
        () => 'accepted',
        (error: { getResponse(): { message: string } }) => error.getResponse().message,
      );

  it('says each problem once, though several decorators of a property share its message', async () => {
    expect(await refusal('{"runs": "x", "other": 1}')).toBe(
      'runs must be a whole number from 1 to 100',
    );
  });

  it('still names every distinct problem, of every property', async () => {
    expect(await refusal('{"runs": 0.5, "other": "y"}')).toBe(
      'runs must be a whole number from 1 to 100; other must be an integer number',
    );
  });
});
