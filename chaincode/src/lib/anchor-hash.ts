/**
 * The hash that chains a gateway's audit anchors. Kept apart from the audit contract so that it is pure and can
 * be compared with the SDK's own implementation (which must not load the chaincode) by a property test.
 */
import crypto from 'node:crypto';
import { canonicalJson } from './state';

interface AnchorFields {
  gatewayId: string;
  sequence: number;
  merkleRoot: string;
  recordCount: number;
  firstRecord: number;
  firstRecordAt: string;
  lastRecordAt: string;
  previousAnchorHash: string;
}

/**
 * The hash that the next anchor must name: over every field the gateway submitted. The SDK's offline verifier
 * (client/src/sdk/receipt-verify.ts) computes it again on its own, as it must not load the chaincode: change both.
 */
export function anchorHashOf(
  a: Pick<
    AnchorFields,
    | 'gatewayId'
    | 'sequence'
    | 'merkleRoot'
    | 'recordCount'
    | 'firstRecord'
    | 'firstRecordAt'
    | 'lastRecordAt'
    | 'previousAnchorHash'
  >,
): string {
  // Exactly these fields, whatever else `a` holds.
  const submitted = {
    gatewayId: a.gatewayId,
    sequence: a.sequence,
    merkleRoot: a.merkleRoot,
    recordCount: a.recordCount,
    firstRecord: a.firstRecord,
    firstRecordAt: a.firstRecordAt,
    lastRecordAt: a.lastRecordAt,
    previousAnchorHash: a.previousAnchorHash,
  };
  return crypto.createHash('sha256').update(canonicalJson(submitted)).digest('hex');
}
