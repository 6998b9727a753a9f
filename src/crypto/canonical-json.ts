/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order (JavaScript's default sort, the
 * same as Python's sorted() on str keys for the ASCII keys used here), no white space, strings
 * and numbers as JSON.stringify writes them, undefined object members left out.
 * docs/audit-format.md gives the equivalent in Python's standard library.
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      // A Date or Buffer would otherwise come out as its own enumerable keys ({} for a Date),
      // silently losing the value: refuse it, as NaN is refused, so the caller converts it.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        throw new TypeError('canonical JSON cannot encode an object with toJSON (a Date?)');
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
  }
}
