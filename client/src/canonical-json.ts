/**
 * Canonical JSON: object keys sorted at every level, no whitespace. What an enterprise signs, and what the
 * chaincode verifies, must be the same bytes whatever order the fields were written in.
 */
// Not shared with chaincode/src/lib/state.ts: the SDK's offline verifier must not load the chaincode. The two are
// pinned equal by a property test (protocol-parity.test.ts).
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // A plain object, filled in the same order for every value of a shape, stays in V8's fast mode (one made
    // without a prototype is a dictionary: ~1 µs more for an audit record, hashed on every data call). A key
    // named "__proto__" (which JSON.parse makes an own property) is defined, not assigned: the assignment
    // would set the prototype and drop the key from the text.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const sorted = sortKeys((value as Record<string, unknown>)[key]);
      if (key === '__proto__')
        Object.defineProperty(out, key, {
          value: sorted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = sorted;
    }
    return out;
  }
  return value;
}
