/**
 * Collecting an evidence package about one grant for a regulator (L16, Z34): the grant's whole history on
 * the ledger, the transaction behind each version with who endorsed it, the anchor chains of the gateways,
 * and any audit receipts the enterprise handed over; sealed with the collector's own Fabric key so the file
 * can travel and be checked offline with {@link verifyEvidence}.
 */
import { loadWalletIdentity } from '../ledger/fabric-connection.js';
import { RdxSdkError } from './errors.js';
import type { RdxLedger } from './ledger-api.js';
import {
  sealEvidence,
  type AuditReceipt,
  type EvidencePackage,
  type UnsignedEvidence,
} from './receipt-verify.js';
import type { Agreement, Enterprise, Grant, HistoryEntry } from './types.js';

/** What to collect besides the grant's own history. */
export interface EvidenceOptions {
  /** Gateways whose anchor chains to include (default `gw1`, the platform's gateway). */
  gatewayIds?: string[];
  /**
   * Receipts of requests under the grant: handed over by the enterprise, or fetched through the gateway's
   * regulator API. They must be about this grant to verify; one per request id is kept.
   */
  receipts?: AuditReceipt[];
  /** What the package does not contain, and why (default {@link RECEIPTS_LIMIT}). */
  limits?: string[];
  /** Called as each part is read, for progress output. */
  onProgress?: (step: string) => void;
}

/**
 * The gateway has no regulator endpoint for receipts yet: a regulator gets receipts only from the
 * enterprise. Said in every package so no reader mistakes their absence for an absence of requests.
 */
export const RECEIPTS_LIMIT =
  'The gateway lists no requests per grant for regulators: the package holds the ledger part (grant history, ' +
  'transactions, endorsers), the gateways’ anchor chains, and receipts only for the requests named — fetched by ' +
  'request id through the regulator API (rdx evidence --request) or handed over by the enterprise (--receipt).';

/**
 * Reads everything about a grant from the ledger as the connection's identity (a regulator or the bureau)
 * and seals it with that identity's key, which is read from the wallet the identity came from.
 * @param walletDir the wallet holding the connection's identity (for its private key).
 * @throws RdxSdkError NOT_FOUND for an unknown grant; FORBIDDEN for an identity that may not read history.
 */
export async function collectEvidence(
  ledger: RdxLedger,
  walletDir: string,
  grantId: string,
  options: EvidenceOptions = {},
): Promise<EvidencePackage> {
  const progress = options.onProgress ?? ((): void => undefined);
  const identity = ledger.connection.identity;
  progress(`grant ${grantId}`);
  const grant: Grant = await ledger.grant.get(grantId);
  progress('history');
  // The chaincode answers newest first; the package reads as the story happened.
  const history: HistoryEntry[] = (await ledger.query.history('grant', grantId)).reverse();
  const transactions = [];
  for (const [i, entry] of history.entries()) {
    progress(`transaction ${i + 1}/${history.length}`);
    transactions.push(await ledger.transactions.get(entry.txId));
  }
  const context: { agreement?: Agreement; enterprise?: Enterprise } = {};
  progress('agreement and enterprise');
  context.agreement = await optional(ledger.agreement.get(grant.agreementId));
  context.enterprise = await optional(ledger.enterprise.get(grant.creditCode));
  const anchors: EvidencePackage['anchors'] = {};
  for (const gatewayId of options.gatewayIds ?? ['gw1']) {
    progress(`anchors of ${gatewayId}`);
    anchors[gatewayId] = await ledger.audit.anchors(gatewayId);
  }
  const unsigned: UnsignedEvidence = {
    kind: 'rdx-evidence',
    version: 1,
    subject: { type: 'grant', id: grantId },
    collectedAt: new Date().toISOString(),
    collectedBy: { identity: identity.name, mspId: identity.mspId, certificatePem: identity.certificatePem },
    ledger: { channel: identity.channel, chaincode: identity.chaincode },
    grant,
    history,
    transactions,
    context,
    anchors,
    receipts: [...new Map((options.receipts ?? []).map((r) => [r.record.requestId, r])).values()],
    limits: options.limits ?? [RECEIPTS_LIMIT],
  };
  // The key is taken from the wallet rather than the connection, which keeps only a signer.
  const { privateKeyPem } = loadWalletIdentity(walletDir, identity.name);
  return sealEvidence(unsigned, privateKeyPem);
}

async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    // Context is a courtesy to the reader; only a missing object is tolerated, not a failing ledger.
    if (err instanceof RdxSdkError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN'))
      return undefined;
    throw err;
  }
}
