/**
 * What the gateway needs from the ledger. The Fabric implementation talks to a peer with the gateway's
 * own identity; unit tests use an in-memory fake. Errors from chaincode keep their stable `[CODE]`.
 */
import type { Change } from '@rdx/chaincode';
import { parseLedgerError } from '@rdx/errors';

export interface LedgerStatus {
  channel: string;
  blockHeight: number;
  chaincode: { name: string; version: string };
}

export interface Submitted {
  result: unknown;
  txId: string;
  blockNumber: number;
}

/**
 * One chaincode event: the transaction's changes (see the chaincode's events table). A change's type stays a
 * plain string: the gateway skips types it does not know rather than trusting the list to be closed.
 */
export interface LedgerEvent {
  blockNumber: number;
  txId: string;
  name: string;
  changes: (Omit<Change, 'type'> & { type: string })[];
}

export interface EventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

export interface Ledger {
  /** Reads the channel height and the chaincode version; throws when the ledger is unreachable. */
  status(): Promise<LedgerStatus>;
  /** Reads through one peer: `contract:fn(args)` decoded from JSON. */
  evaluate(contract: string, fn: string, ...args: string[]): Promise<unknown>;
  /** Endorses, orders and waits for commit; throws LedgerError when the transaction is refused. */
  submit(contract: string, fn: string, ...args: string[]): Promise<Submitted>;
  /**
   * Chaincode events from the stored checkpoint (or `startBlock` when there is none); the checkpoint
   * advances as events are consumed, so a restarted gateway resumes where it stopped.
   */
  events(startBlock: number): Promise<EventStream>;
  /** The number of the block holding a transaction (optional: test fakes may not know blocks). */
  blockOf?(txId: string): Promise<number>;
  close(): void;
}

/** A refusal by the ledger, with the chaincode's stable code when it gave one. */
export class LedgerError extends Error {
  override name = 'LedgerError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly transactionId?: string,
  ) {
    super(message);
  }
}

/** `[CODE] detail` of a chaincode error, read by the platform's one parser; the first line otherwise. */
export function chaincodeError(...texts: string[]): { code?: string; detail: string } {
  const failure = parseLedgerError(...texts);
  return failure ?? { detail: texts[0]?.split('\n')[0] ?? '' };
}
