/**
 * The ledger's heartbeat: one key the clerk rewrites in its rounds (hourly, at most every 10 minutes, and soon
 * again after a failed one). Every transaction reads it before its function runs (RdxContract.beforeTransaction).
 *
 * Why: a transaction's time is the one its submitter put in the proposal, and the peers check it against their
 * clock only when they endorse. Endorsed and held back, a transaction used to commit whenever it was sent —
 * weeks later, still dated the day it was endorsed: a body could keep a notice of termination endorsed today and
 * spring it once the enterprise's notice period had passed unseen. A transaction reading the heartbeat is
 * invalid (MVCC_READ_CONFLICT) once a newer heartbeat commits, so its time lags its commit by one clerk round
 * at most (while the clerk runs). Its cost: a transaction in flight while a heartbeat commits fails the same
 * way, once an hour, and is sent again.
 */
import type { Context } from 'fabric-contract-api';
import type { RdxContext } from './context';

/** A plain key (composite keys begin with NUL, so none of them can be it). */
export const HEARTBEAT_KEY = 'heartbeat';

export interface Heartbeat {
  /** How many heartbeats there were: each one moves it on. */
  count: number;
  /** The transaction time of the newest. */
  at: string;
}

/** Reads the heartbeat into the transaction's read set: what makes a held transaction fail after the next. */
export async function readHeartbeat(ctx: Context): Promise<Heartbeat | undefined> {
  const raw = await ctx.stub.getState(HEARTBEAT_KEY);
  if (raw.length === 0) return undefined;
  return JSON.parse(Buffer.from(raw).toString('utf8')) as Heartbeat;
}

/** Moves the heartbeat on: every transaction that read the one before and is not committed yet is invalid. */
export async function beat(ctx: RdxContext): Promise<Heartbeat> {
  const before = await readHeartbeat(ctx);
  const next: Heartbeat = { count: (before?.count ?? 0) + 1, at: ctx.now() };
  await ctx.stub.putState(HEARTBEAT_KEY, Buffer.from(JSON.stringify(next)));
  return next;
}
