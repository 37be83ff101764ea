/**
 * Confidential objects on a shared channel. Every channel member receives every block, so what only the parties
 * may see is kept out of the world state and out of transaction arguments:
 *
 * - Each opening body has a private data collection, `rdx-<its MSP id>`, held by its peers and the bureau's
 *   (the rules: agreements are between the body and the enterprise and filed with the bureau; applications
 *   concern the bureau and the bodies they name). Writing to it needs both orgs' peers (the collection's
 *   endorsement policy), so creating an object there needs the same endorsers as changing it later.
 * - An object's confidential part (its "secret") lives in the collection(s) of its holders; its "shell" — the
 *   workflow state every endorser must agree on, and what the rules make public — stays on the channel with
 *   `sealedHash`, the SHA-256 of the secret's bytes, so a regulator can prove which secret a version had.
 * - Confidential inputs arrive as transient data (never written to a block); each secret carries a salt the
 *   client sent (transient `salt`), so neither `sealedHash` nor Fabric's own hashes of private writes can be
 *   reversed by guessing a short value.
 *
 * A transaction reads secrets only from a collection every endorser holds (one body's, with the bureau's);
 * work that spans bodies — a rating that suspends grants of several bodies — changes shells only.
 */
import { createHash } from 'crypto';
import type { RdxContext } from './context';
import { RdxError, ErrorCode } from './errors';
import type { ObjectType } from './events';
import { objectKey } from './keys';
import { canonicalJson } from './state';

/** The private data collection of an opening body (members: the body and the bureau). */
export function collectionOf(bodyMsp: string): string {
  return `rdx-${bodyMsp}`;
}

/** What a collection holds: objects' secrets, and notes (the reasons given at an application's steps). */
export type SecretType = ObjectType | 'application-note';

/** Salts shorter than this are refused: guessing must stay out of reach. */
const MIN_SALT_BYTES = 16;
/** Salts longer than this are refused: the salt is copied into every secret the transaction writes. */
const MAX_SALT_BYTES = 1024;

/**
 * The transaction's salt (transient `salt`), base64, once checked: what every secret it writes, and the hash of
 * terms it seals, are salted with. @throws RdxError INVALID_ARGUMENT when it is missing, too short or too long.
 */
export function transactionSalt(ctx: RdxContext): string {
  // The bytes as sent: read as text, random bytes would mostly decode to one replacement character, and a salt
  // that looked long enough would hold little to guess.
  const salt = ctx.stub.getTransient().get('salt');
  if (!salt || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `this transaction writes confidential data: send a salt of ${MIN_SALT_BYTES} to ${MAX_SALT_BYTES} random bytes as transient data "salt" (the SDK does)`,
    );
  return Buffer.from(salt).toString('base64');
}

/**
 * Writes `secret` (with the transaction's salt) under `type`/`id` in each holder's collection; returns the
 * SHA-256 of the bytes written, which is what Fabric records on the channel for them too.
 */
export async function putSecret(
  ctx: RdxContext,
  holders: readonly string[],
  type: SecretType,
  id: string,
  secret: object,
): Promise<string> {
  const bytes = Buffer.from(canonicalJson({ ...secret, salt: transactionSalt(ctx) }));
  const key = secretKey(ctx, type, id);
  for (const holder of new Set(holders)) await ctx.stub.putPrivateData(collectionOf(holder), key, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** The secret of `type`/`id` in `holder`'s collection (without its salt), or undefined when there is none. */
export async function getSecret<T extends object>(
  ctx: RdxContext,
  holder: string,
  type: SecretType,
  id: string,
): Promise<T | undefined> {
  const bytes = await ctx.stub.getPrivateData(collectionOf(holder), secretKey(ctx, type, id));
  if (!bytes || bytes.length === 0) return undefined;
  return parseSecret<T>(bytes);
}

/** A stored secret without its salt. */
function parseSecret<T extends object>(bytes: Uint8Array): T {
  const { salt: _salt, ...secret } = JSON.parse(Buffer.from(bytes).toString('utf8')) as T & { salt?: string };
  return secret as T;
}

/** The refusal when an object's secret is not on the peer asked (it is held by `holder` and the bureau). */
export function secretNotHere(holder: string, type: SecretType, id: string): RdxError {
  return new RdxError(
    ErrorCode.NOT_FOUND,
    `the confidential part of ${type} ${id} is not on this peer (it is held by ${holder} and the bureau)`,
  );
}

type RangeIterator = Awaited<ReturnType<RdxContext['stub']['getPrivateDataByRange']>>;

/**
 * The secrets of `type` in `holder`'s collection whose ids lie from `firstId` to `lastId` in key order, by id
 * (without their salts): one range read where a point read per id would take a round trip each.
 */
export async function secretsBetween<T extends object>(
  ctx: RdxContext,
  holder: string,
  type: SecretType,
  firstId: string,
  lastId: string,
): Promise<Map<string, T>> {
  // Composite keys end in U+0000, so the key of `lastId` followed by one more U+0000 bounds it from above.
  const answer = (await ctx.stub.getPrivateDataByRange(
    collectionOf(holder),
    secretKey(ctx, type, firstId),
    `${secretKey(ctx, type, lastId)}\u0000`,
  )) as RangeIterator | { iterator: RangeIterator };
  // fabric-shim 2.5 resolves this one to { iterator } where its typings (and getStateByRange) give the iterator.
  const iterator = 'iterator' in answer ? answer.iterator : answer;
  const out = new Map<string, T>();
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      out.set(ctx.stub.splitCompositeKey(r.value.key).attributes[0]!, parseSecret<T>(r.value.value));
    }
  } finally {
    await iterator.close();
  }
  return out;
}

export async function deleteSecret(
  ctx: RdxContext,
  holder: string,
  type: SecretType,
  id: string,
): Promise<void> {
  await ctx.stub.deletePrivateData(collectionOf(holder), secretKey(ctx, type, id));
}

/** The secret, which must exist: a shell without it means this peer does not hold the collection. */
export async function requireSecret<T extends object>(
  ctx: RdxContext,
  holder: string,
  type: SecretType,
  id: string,
): Promise<T> {
  const secret = await getSecret<T>(ctx, holder, type, id);
  if (!secret) throw secretNotHere(holder, type, id);
  return secret;
}

function secretKey(ctx: RdxContext, type: SecretType, id: string): string {
  return objectKey(ctx, type as ObjectType, id);
}
