/** Listing objects of one type, whole or a page at a time (read-only transactions only). */
import { requireRole, type Actor } from './access';
import type { RdxContext } from './context';
import { intArg, jsonArg, onlyFields } from './validate';
import type { ObjectType } from './events';
import { lastAttributes, pageByPartialKey } from './keys';

/**
 * Every object of `type`, read with its value from one range query — not a point read per id, which costs a
 * round trip to the peer each: a list over 10⁵ objects takes seconds, not the peer's whole execute timeout.
 */
export async function* eachOfType<T>(
  ctx: RdxContext,
  type: ObjectType,
  parse: (raw: unknown) => T,
): AsyncGenerator<T> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(type, []);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next())
      yield parse(JSON.parse(Buffer.from(r.value.value).toString('utf8')));
  } finally {
    await iterator.close();
  }
}

/** {@link eachOfType}, collected. */
export async function allOfType<T>(
  ctx: RdxContext,
  type: ObjectType,
  parse: (raw: unknown) => T,
): Promise<T[]> {
  const out: T[] = [];
  for await (const object of eachOfType(ctx, type, parse)) out.push(object);
  return out;
}

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
  const { iterator, metadata } = await pageByPartialKey(ctx, index, prefix, pageSize, bookmark);
  const ids = await lastAttributes(ctx, iterator);
  return { items: ids, bookmark: ids.length < pageSize ? '' : metadata.bookmark };
}

/**
 * The common start of a filtered listing: its caller (the bureau, regulators, the gateway, or a body's staff,
 * whom the listing then keeps to its own), the filter (`{}` when empty; keys among `fields`, as a misspelt one
 * would list everything) and the page size (default 50, at most 200).
 */
export async function listingRequest(
  ctx: RdxContext,
  filterJson: string,
  pageSize: string,
  what: string,
  fields: readonly string[],
): Promise<{ actor: Actor; filter: Record<string, unknown>; size: number }> {
  const actor = await requireRole(ctx, ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'], what);
  const filter = jsonArg(filterJson || '{}', 'filter', 1024);
  onlyFields(filter, 'filter', fields);
  return { actor, filter, size: intArg(pageSize, 'pageSize', 1, 200, 50) };
}
