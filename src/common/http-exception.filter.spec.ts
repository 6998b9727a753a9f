import { BadRequestException, ForbiddenException } from '@nestjs/common';
import {
  Conflict,
  DomainError,
  ERROR_CODES,
  NotFound,
  StorageUnavailable,
  Throttled,
  UnsupportedMediaType,
} from './domain-errors';
import { errorBodyOf } from './http-exception.filter';

describe(errorBodyOf.name, () => {
  it('maps each domain error kind to its status with the user message', () => {
    expect(errorBodyOf(new NotFound('No participant X'), 'r1')).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: 'No participant X',
    });
    expect(errorBodyOf(new UnsupportedMediaType(), 'r1')).toMatchObject({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(errorBodyOf(new StorageUnavailable('disk full'), 'r1')).toMatchObject({
      statusCode: 503,
      code: 'STORAGE_UNAVAILABLE',
      message: 'The database could not store the change: disk full',
    });
    expect(errorBodyOf(new Conflict('Locked'), 'r1')).toMatchObject({ statusCode: 409 });
    expect(errorBodyOf(new Throttled('Wait'), 'r1')).toMatchObject({ statusCode: 429 });
  });

  it('merges the extra body of a domain error, such as the failed criteria', () => {
    const error = new DomainError('unprocessable', 'Not eligible: age', {
      code: 'NOT_ELIGIBLE',
      body: { failed: ['age'] },
    });
    expect(errorBodyOf(error, 'r1')).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'NOT_ELIGIBLE',
      message: 'Not eligible: age',
      failed: ['age'],
    });
  });

  it('gives every body a code from the listed codes', () => {
    const bodies = [
      errorBodyOf(new Conflict('x'), 'r'),
      errorBodyOf(new BadRequestException('x'), 'r'),
      errorBodyOf(new Error('x'), 'r'),
    ];
    for (const body of bodies) expect(Object.keys(ERROR_CODES)).toContain(body.code);
  });

  it("keeps Nest's 4xx messages, joining validation messages", () => {
    expect(errorBodyOf(new BadRequestException(['a is wrong', 'b is wrong']), 'r1')).toMatchObject({
      statusCode: 400,
      message: 'a is wrong; b is wrong',
    });
    expect(errorBodyOf(new ForbiddenException('no'), 'r1')).toMatchObject({ statusCode: 403 });
  });

  it('turns anything unexpected into a generic 500 naming the request id, never the cause', () => {
    const body = errorBodyOf(new Error('SQLITE_CORRUPT: secret table layout'), 'req-42');
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred. Quote request id req-42 to the administrator.',
      requestId: 'req-42',
    });
    expect(JSON.stringify(body)).not.toContain('SQLITE');
  });

  it('maps Express body-parser errors to their own 4xx', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(errorBodyOf(tooLarge, 'r1')).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'BODY_TOO_LARGE',
      message: 'The request body is too large',
    });
  });
});
