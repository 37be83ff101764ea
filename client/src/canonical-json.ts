/**
 * Canonical JSON: object keys sorted at every level, no whitespace. What an enterprise signs, and what the
 * chaincode verifies, must be the same bytes whatever order the fields were written in.
 */
// Not shared with chaincode/src/lib/state.ts: the chaincode is deployed alone, with no other package of ours.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
