import {
  mailAddressProblem,
  mailSenderProblem,
  MAX_RECIPIENTS_PER_LIST,
  parseMailAddressList,
} from './mail-address';

describe(mailAddressProblem.name, () => {
  it.each([
    'a@b',
    'pv.officer+ela@sponsor.example',
    'x_y-z@mail.hospital-murcia.es',
    "o'neil@x.org",
  ])('accepts %s', (address) => expect(mailAddressProblem(address)).toBeUndefined());

  it.each([
    ['', /name@host/],
    ['no-at-sign', /name@host/],
    ['@host.example', /name@host/],
    ['name@', /name@host/],
    ['two words@x.org', /name part/],
    ['a..b@x.org', /name part/],
    ['.a@x.org', /name part/],
    ['"quoted"@x.org', /name part/],
    ['a@x..org', /host part/],
    ['a@-x.org', /host part/],
    ['a@[127.0.0.1]', /host part/],
    ['a@x.org\r\nBcc: everyone@x.org', /name part/],
    ['a@x.org>', /host part/],
    [`${'a'.repeat(65)}@x.org`, /name part/],
    [`a@${'b'.repeat(250)}.org`, /longer than 254/],
  ])('refuses %j', (address, problem) => {
    expect(mailAddressProblem(address)).toMatch(problem);
  });
});

describe(mailSenderProblem.name, () => {
  it.each(['trial@unit.example', 'NCT02286011 randomization <trial@unit.example>'])(
    'accepts %s',
    (sender) => expect(mailSenderProblem(sender)).toBeUndefined(),
  );

  it.each([
    'Trial <not an address>',
    'Trial\r\nBcc: x@y.org <trial@unit.example>',
    'Trial <trial@unit.example> <other@unit.example>',
    '"Trial" <trial@unit.example>',
  ])('refuses %j', (sender) => expect(mailSenderProblem(sender)).toBeDefined());
});

describe(parseMailAddressList.name, () => {
  it('splits on commas, trims, drops repeats and keeps the order', () => {
    expect(parseMailAddressList(' b@x.org, a@x.org ,b@x.org')).toEqual({
      addresses: ['b@x.org', 'a@x.org'],
    });
  });

  it('refuses an empty entry, naming the separator', () => {
    expect(parseMailAddressList('a@x.org,,b@x.org')).toEqual({
      problem: expect.stringMatching(/empty entry/) as unknown,
    });
  });

  it('names the first bad address', () => {
    expect(parseMailAddressList('a@x.org, b at x.org')).toEqual({
      problem: expect.stringContaining('"b at x.org"') as unknown,
    });
  });

  it(`refuses more than ${MAX_RECIPIENTS_PER_LIST} addresses`, () => {
    const many = Array.from({ length: MAX_RECIPIENTS_PER_LIST + 1 }, (_, i) => `p${i}@x.org`);
    expect(parseMailAddressList(many.join(','))).toEqual({
      problem: expect.stringMatching(/at most 50/) as unknown,
    });
    expect(parseMailAddressList(many.slice(1).join(','))).toEqual({ addresses: many.slice(1) });
  });
});
