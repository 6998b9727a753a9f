import { canonicalJson } from './canonical-json';

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
  });

  it('sorts keys inside objects nested in arrays', () => {
    expect(canonicalJson([{ z: 1, y: [{ b: true, a: false }] }])).toBe(
      '[{"y":[{"a":false,"b":true}],"z":1}]',
    );
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    const a = { slot: 1, limb: 'LEFT', stratum: 'all', meta: { y: 2, x: 1 } };
    const b = { meta: { x: 1, y: 2 }, stratum: 'all', limb: 'LEFT', slot: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('sorts keys by UTF-16 code unit: upper case before lower case, digits before letters', () => {
    expect(canonicalJson({ b: 0, a: 0, B: 0, '1': 0, _: 0, é: 0 })).toBe(
      '{"1":0,"B":0,"_":0,"a":0,"b":0,"é":0}',
    );
  });

  it('keeps the order of array items', () => {
    expect(canonicalJson([3, 1, 2, 'b', 'a'])).toBe('[3,1,2,"b","a"]');
  });

  it('drops object members whose value is undefined', () => {
    expect(canonicalJson({ a: undefined, b: 1, c: { d: undefined } })).toBe('{"b":1,"c":{}}');
  });

  it('keeps members whose value is null', () => {
    expect(canonicalJson({ a: null })).toBe('{"a":null}');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses %d, which JSON cannot represent',
    (value) => {
      expect(() => canonicalJson({ a: [value] })).toThrow(TypeError);
    },
  );

  it.each([
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', BigInt(1)],
    ['undefined at the top', undefined],
    ['a Date, which would otherwise come out as {}', new Date(0)],
    ['a Buffer', Buffer.from('ab')],
    ['a Date nested in a member', { at: { when: new Date(0) } }],
  ])('refuses %s', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it.each([
    ['accents', 'Arrixaca, Murcia, España'],
    ['emoji outside the BMP', '🧬 cells'],
    ['CJK', '筋萎縮性側索硬化症'],
    ['combining marks, not normalised', 'e\u0301'],
  ])('writes unicode strings unchanged (%s)', (_what, text) => {
    const json = canonicalJson({ text });
    expect(json).toBe(`{"text":"${text}"}`);
    expect((JSON.parse(json) as { text: string }).text).toBe(text);
  });

  it('escapes quotes, backslashes and control characters as JSON.stringify does', () => {
    const text = 'a "quoted" \\ line\nbreak\ttab\u0001';
    expect(canonicalJson(text)).toBe(JSON.stringify(text));
    expect(canonicalJson({ [text]: 1 })).toBe(`{${JSON.stringify(text)}:1}`);
  });

  it.each([0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 2 ** 53, -1.5e-10, 5e-324])(
    'writes the number %d as JSON.stringify does',
    (value) => {
      expect(canonicalJson(value)).toBe(JSON.stringify(value));
    },
  );

  it('writes booleans and null as JSON does', () => {
    expect(canonicalJson([true, false, null])).toBe('[true,false,null]');
  });

  it('writes empty objects and arrays', () => {
    expect(canonicalJson({ a: {}, b: [] })).toBe('{"a":{},"b":[]}');
  });
});
