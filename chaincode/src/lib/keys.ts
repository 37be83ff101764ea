/**
 * Ledger keys. Objects live under `<type>/<id>` composite keys; secondary indexes (`<index>/<attr…>/<id>`,
 * empty value) make the queries by enterprise, dataset and state cheap range scans.
 */
import type { Context } from 'fabric-contract-api';
import { RdxError, ErrorCode } from './errors';
import type { ObjectType } from './events';

/** Key parts come from callers: an empty one, a NUL or an oversized one is refused with a code, not by the shim. */
function checkAttrs(attrs: string[]): string[] {
  for (const a of attrs) {
    if (typeof a !== 'string' || a.length === 0 || a.length > 256 || a.includes('\u0000')) {
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'an id must be 1–256 characters without NUL');
    }
  }
  return attrs;
}

export function objectKey(ctx: Context, type: ObjectType, id: string): string {
  return ctx.stub.createCompositeKey(type, checkAttrs([id]));
}

export function indexKey(ctx: Context, index: string, attrs: string[]): string {
  return ctx.stub.createCompositeKey(index, checkAttrs(attrs));
}

const INDEX_VALUE = Buffer.from([0]);

export async function putIndex(ctx: Context, index: string, attrs: string[]): Promise<void> {
  await ctx.stub.putState(indexKey(ctx, index, attrs), INDEX_VALUE);
}

export async function deleteIndex(ctx: Context, index: string, attrs: string[]): Promise<void> {
  await ctx.stub.deleteState(indexKey(ctx, index, attrs));
}

/** The last attribute of every index entry under `index/prefix…`: the ids of the matching objects. */
export { checkAttrs };

export async function idsByIndex(ctx: Context, index: string, prefix: string[]): Promise<string[]> {
  return lastAttributes(ctx, await ctx.stub.getStateByPartialCompositeKey(index, checkAttrs(prefix)));
}

type KeyPage = Awaited<ReturnType<Context['stub']['getStateByPartialCompositeKeyWithPagination']>>;

/**
 * One page of the entries under `type`/`attrs…` from `bookmark` ('' to start): every paginated partial-key
 * query goes through here. Fabric starts the range at a non-empty bookmark without checking it and bounds only
 * its end by the prefix, so a made-up bookmark would read entries outside the prefix the chaincode chose —
 * another body's. Fabric's own bookmark is the key of the next entry, which lies under the prefix.
 * @throws RdxError INVALID_ARGUMENT when the bookmark does not lie under the prefix.
 */
export async function pageByPartialKey(
  ctx: Context,
  type: string,
  attrs: string[],
  pageSize: number,
  bookmark: string,
): Promise<KeyPage> {
  const prefix = ctx.stub.createCompositeKey(type, checkAttrs(attrs));
  if (bookmark && !bookmark.startsWith(prefix))
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      "the bookmark is not one this listing returned; pass back the bookmark of the previous page, or '' to start",
    );
  return ctx.stub.getStateByPartialCompositeKeyWithPagination(type, attrs, pageSize, bookmark);
}

/** The last attribute (the id) of every composite key `iterator` yields; the iterator is closed after. */
export async function lastAttributes(
  ctx: Context,
  iterator: Awaited<ReturnType<Context['stub']['getStateByPartialCompositeKey']>>,
): Promise<string[]> {
  const ids: string[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const { attributes } = ctx.stub.splitCompositeKey(r.value.key);
      ids.push(attributes[attributes.length - 1]!);
    }
  } finally {
    await iterator.close();
  }
  return ids;
}
