/**
 * Typed reads and writes of ledger objects: each model supplies a parser that checks what was read, so
 * nothing from state is trusted by cast.
 */
import type { RdxContext } from './context';
import { RdxError, ErrorCode } from './errors';
import type { ObjectType } from './events';
import { objectKey } from './keys';
import { getJson, putJson } from './state';

export async function load<T>(
  ctx: RdxContext,
  type: ObjectType,
  id: string,
  parse: (raw: unknown) => T,
): Promise<T> {
  const found = await tryLoad(ctx, type, id, parse);
  if (found === undefined) throw new RdxError(ErrorCode.NOT_FOUND, `${type} ${id} does not exist`);
  return found;
}

export async function tryLoad<T>(
  ctx: RdxContext,
  type: ObjectType,
  id: string,
  parse: (raw: unknown) => T,
): Promise<T | undefined> {
  const raw = await getJson(ctx, objectKey(ctx, type, id));
  return raw === undefined ? undefined : parse(raw);
}

export async function save(ctx: RdxContext, type: ObjectType, id: string, value: unknown): Promise<string> {
  const key = objectKey(ctx, type, id);
  await putJson(ctx, key, value);
  return key;
}

export async function assertAbsent(ctx: RdxContext, type: ObjectType, id: string): Promise<void> {
  const bytes = await ctx.stub.getState(objectKey(ctx, type, id));
  if (bytes && bytes.length > 0) throw new RdxError(ErrorCode.ALREADY_EXISTS, `${type} ${id} already exists`);
}

/** For a parser: checks the shape of a stored object enough to catch corruption or a foreign write. */
export function stored<T>(raw: unknown, type: ObjectType, required: string[]): T {
  if (typeof raw !== 'object' || raw === null) throw new Error(`corrupt ${type} state`);
  for (const field of required) {
    if (!(field in raw)) throw new Error(`corrupt ${type} state: no ${field}`);
  }
  return raw as T;
}
