/**
 * What the gateway needs from the ledger: the SDK's transport (so routes, the view follower and the anchorer
 * use the SDK's typed contract API, `RdxLedger`), plus the channel's status, chaincode events and block lookups.
 * The Fabric implementation talks to a peer with the gateway's own identity; unit tests use an in-memory fake.
 * Failures are the SDK's errors: `LedgerRefusedError` with the chaincode's stable code, and so on.
 */
import type { Change } from '@rdx/chaincode';
import type { LedgerTransport } from '@rdx/client';
import type { BlockOfEvents } from './block-events.js';

export interface LedgerStatus {
  channel: string;
  blockHeight: number;
  chaincode: { name: string; version: string };
}

/**
 * One chaincode event: the transaction's changes (see the chaincode's events table). A change's type stays a
 * plain string: the gateway skips types it does not know rather than trusting the list to be closed.
 */
export interface LedgerEvent {
  blockNumber: number;
  txId: string;
  name: string;
  /** The transaction's time, as the chaincode stamped its event. */
  time?: string;
  changes: (Omit<Change, 'type'> & { type: string })[];
}

export interface EventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

/** Every block in order, each with our chaincode's events (none for most). */
export interface BlockStream extends AsyncIterable<BlockOfEvents> {
  close(): void;
}

export interface Ledger extends LedgerTransport {
  /** Reads the channel height and the chaincode version; throws when the ledger is unreachable. */
  status(): Promise<LedgerStatus>;
  /**
   * Chaincode events from the stored checkpoint (or `startBlock` when there is none); the checkpoint
   * advances as events are consumed, so a restarted gateway resumes where it stopped.
   */
  events(startBlock: number): Promise<EventStream>;
  /** Chaincode events from `startBlock` on, ignoring the checkpoint (a reader that keeps its own place). */
  eventsFrom?(startBlock: number): Promise<EventStream>;
  /**
   * Every block from `startBlock` on, events or not: a reader catching up knows when it has reached a height
   * (optional, as blockOf).
   */
  blocksFrom?(startBlock: number): Promise<BlockStream>;
  /** The identity of the block of that number (`blockIdOf`): tells this ledger from another of the same height. */
  blockId?(blockNumber: number): Promise<string>;
  /** The number of the block holding a transaction (optional: test fakes may not know blocks). */
  blockOf?(txId: string): Promise<number>;
  /** The raw block holding a transaction, as the peer stores it (optional, as blockOf). */
  blockBytes?(txId: string): Promise<Uint8Array>;
  /** The block of that number, raw (a config block, for the consenters that signed a BFT block). */
  blockByNumber?(blockNumber: number): Promise<Uint8Array>;
  /** The channel's configuration now (`common.Config`, raw), as the peer holds it (optional, as blockOf). */
  channelConfig?(): Promise<Uint8Array>;
  close(): void;
}
