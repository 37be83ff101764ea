/**
 * A complaint's id and its receipt, made by whoever files it: the enterprise's client for its own (signed
 * `FileComplaint`), the gateway for the public's. The ledger keeps the receipt's hash alone, so the receipt is
 * the complainant's only way to see where the complaint stands, and its one copy is theirs.
 */
import crypto from 'node:crypto';

export interface ComplaintReceipt {
  id: string;
  receipt: string;
  /** What the ledger keeps, and what a status request's receipt is checked against: {@link receiptHashOf}. */
  receiptHash: string;
}

/** The hash of a complaint's receipt, as the ledger keeps it. */
export function receiptHashOf(receipt: string): string {
  return crypto.createHash('sha256').update(receipt).digest('hex');
}

/** A new complaint id and receipt (192 random bits: not to be guessed). */
export function newComplaintReceipt(): ComplaintReceipt {
  const receipt = crypto.randomBytes(24).toString('base64url');
  return { id: `c-${crypto.randomBytes(8).toString('hex')}`, receipt, receiptHash: receiptHashOf(receipt) };
}
