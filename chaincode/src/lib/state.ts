/**
 * Reading and writing ledger state. Writes go through `putJson`, which sorts keys so every endorsing peer
 * produces byte-identical values (endorsements must match).
 */
import type { Context } from 'fabric-contract-api';

// Not shared with client/src/canonical-json.ts: the SDK must not load the chaincode to verify offline. The two
// are pinned equal by a property test (client/src/protocol-parity.test.ts).
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

export async function putJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, Buffer.from(canonicalJson(value)));
}

/** The raw state at `key`, or undefined when absent (Fabric returns an empty buffer for a missing key). */
export async function getJson(ctx: Context, key: string): Promise<unknown> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}
