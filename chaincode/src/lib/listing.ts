/** Listing objects of one type, whole or a page at a time (read-only transactions only). */
import type { RdxContext } from './context';
import type { ObjectType } from './events';
import { checkAttrs, lastAttributes } from './keys';

export async function idsOfType(ctx: RdxContext, type: ObjectType): Promise<string[]> {
  const ids: string[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(type, []);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      ids.push(ctx.stub.splitCompositeKey(r.value.key).attributes[0]!);
    }
  } finally {
    await iterator.close();
  }
  return ids;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; empty when there is none. */
  bookmark: string;
}

/** One page of ids from a composite-key index; the id is the index entry's last attribute. */
export async function pageOfIds(
  ctx: RdxContext,
  index: string,
  prefix: string[],
  pageSize: number,
  bookmark: string,
): Promise<Page<string>> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    index,
    checkAttrs(prefix),
    pageSize,
    bookmark,
  );
  const ids = await lastAttributes(ctx, iterator);
  return { items: ids, bookmark: ids.length < pageSize ? '' : metadata.bookmark };
}
