import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { Conflict, DomainError, NotFound, Throttled } from './domain-errors';
import { errorBodyOf } from './http-exception.filter';

describe(errorBodyOf.name, () => {
  it('maps each domain error kind to its status with the user message', () => {
    expect(errorBodyOf(new NotFound('No participant X'), 'r1')).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No participant X',
    });
    expect(errorBodyOf(new Conflict('Locked'), 'r1')).toMatchObject({ statusCode: 409 });
    expect(errorBodyOf(new Throttled('Wait'), 'r1')).toMatchObject({ statusCode: 429 });
  });

  it('merges the extra body of a domain error, such as the failed criteria', () => {
    const error = new DomainError('unprocessable', 'Not eligible: age', { failed: ['age'] });
    expect(errorBodyOf(error, 'r1')).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'Not eligible: age',
      failed: ['age'],
    });
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
      message: 'The request body is too large',
    });
  });
});
