/**
 * JSON.parse keeps the last of two equal keys without a word, so `{"reason":"x","reason":"y"}`
 * reads as "y" while another reader may show "x". A verifier must refuse such text: this parses
 * with JSON.parse and then makes one linear pass over the (now known valid) text, tracking only
 * strings and the keys of each open object, with an explicit stack (no recursion).
 */
export class DuplicateKeyError extends SyntaxError {
  constructor(readonly key: string) {
    super(`duplicate key ${JSON.stringify(key)} in a JSON object`);
    this.name = 'DuplicateKeyError';
  }
}

/** JSON.parse that also throws DuplicateKeyError for an object with the same key twice. */
export function parseStrictJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  assertNoDuplicateKeys(text);
  return value;
}

/** Throws DuplicateKeyError at the first repeated key; `text` must be valid JSON. */
export function assertNoDuplicateKeys(text: string): void {
  // One frame per open container: a Set of keys for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      let hasEscape = false;
      for (i += 1; i < text.length; i += 1) {
        const d = text.charCodeAt(i);
        if (escaped) escaped = false;
        else if (d === 0x5c /* \ */) escaped = hasEscape = true;
        else if (d === 0x22) break;
      }
      const keys = stack.at(-1);
      if (expectKey && keys) {
        // Decoded, so that "a" and "\u0061" count as the same key.
        const key = hasEscape
          ? (JSON.parse(text.slice(start, i + 1)) as string)
          : text.slice(start + 1, i);
        if (keys.has(key)) throw new DuplicateKeyError(key);
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack.at(-1) instanceof Set;
    }
  }
}
