import { DuplicateKeyError, parseStrictJson } from './strict-json';

describe(parseStrictJson.name, () => {
  it('parses what JSON.parse parses when no object repeats a key', () => {
    const text = '{"a":{"a":1,"b":[{"a":2},{"a":3}]},"b":"\\"a\\":1,","c":[]}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['at the top', '{"reason":"x","reason":null}', 'reason'],
    ['in a nested object', '{"details":{"slot":1,"slot":2}}', 'slot'],
    ['in an object inside an array', '[{"a":1},{"b":1,"b":2}]', 'b'],
    ['spelled with an escape', '{"a":1,"\\u0061":2}', 'a'],
  ])('refuses a repeated key %s', (_where, text, key) => {
    expect(() => parseStrictJson(text)).toThrow(new DuplicateKeyError(key));
  });

  it('does not take a string value that looks like a key for one', () => {
    expect(parseStrictJson('{"a":"b","b":"a"}')).toEqual({ a: 'b', b: 'a' });
  });

  it('still refuses text that is not JSON', () => {
    expect(() => parseStrictJson('{"a":')).toThrow(SyntaxError);
  });
});
