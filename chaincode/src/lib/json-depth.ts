/**
 * How deep a JSON argument may nest, and how its levels are counted: by the chaincode for every JSON argument, and
 * by the CLI for a file it will send, so the CLI refuses what the ledger would before anything is signed.
 */

/** Deep nesting would overflow the stack of every recursive walk (canonical JSON, signatures): bound it. */
export const MAX_JSON_DEPTH = 32;

/**
 * How many levels `value` nests: a value is one level, and each value inside an object or list one more than it
 * (`[]` is 1, `[1]` and `{"a":{}}` are 2). Counted without recursion, so a value of some hundred thousand levels
 * cannot overflow the stack, and only up to one level past {@link MAX_JSON_DEPTH}: deeper is refused alike.
 */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
