/**
 * Chaincode event names, in one table. Fabric keeps one event per transaction, so each payload lists every
 * change the transaction made.
 */
export const EVENTS = {
  PROBE_RECORDED: 'ProbeRecorded',
} as const;
export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
