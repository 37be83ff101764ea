/** What the HTTP layer needs from the ledger; the Fabric implementation and test fakes both provide it. */
export interface LedgerStatus {
  channel: string;
  blockHeight: number;
  chaincode: { name: string; version: string };
}

export interface Ledger {
  /** Reads the channel height and the chaincode version; throws when the ledger is unreachable. */
  status(): Promise<LedgerStatus>;
  close(): void;
}
