/**
 * Ledger keys. Objects live under `<type>/<id>` composite keys; secondary indexes (`<index>/<attr…>/<id>`,
 * empty value) make the queries by enterprise, dataset and state cheap range scans.
 */
import type { Context } from 'fabric-contract-api';
import type { ObjectType } from './events';

export function objectKey(ctx: Context, type: ObjectType, id: string): string {
  return ctx.stub.createCompositeKey(type, [id]);
}

export function indexKey(ctx: Context, index: string, attrs: string[]): string {
  return ctx.stub.createCompositeKey(index, attrs);
}

const INDEX_VALUE = Buffer.from([0]);

export async function putIndex(ctx: Context, index: string, attrs: string[]): Promise<void> {
  await ctx.stub.putState(indexKey(ctx, index, attrs), INDEX_VALUE);
}

export async function deleteIndex(ctx: Context, index: string, attrs: string[]): Promise<void> {
  await ctx.stub.deleteState(indexKey(ctx, index, attrs));
}

/** The last attribute of every index entry under `index/prefix…`: the ids of the matching objects. */
export async function idsByIndex(ctx: Context, index: string, prefix: string[]): Promise<string[]> {
  const ids: string[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(index, prefix);
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
