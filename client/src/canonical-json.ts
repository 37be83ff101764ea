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
    // Without a prototype, a key named "__proto__" (which JSON.parse makes an own property) stays data; on a
    // plain object the assignment would set the prototype and drop the key from the text.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
