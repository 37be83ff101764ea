/**
 * The audit trail as enterprises and regulators see it: an enterprise's own access log, a receipt for any
 * of its requests (the record, its Merkle inclusion proof, and the ledger anchor that covers it), and
 * consistency proofs between anchors, which show the log only ever grew.
 */
import type { RequestHandler, Response, Router } from 'express';
import { apiRouter, intParam } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { consenterConfigIndex } from '@rdx/client';
import { decimalWholeNumber } from '@rdx/chaincode';
import { treeOf } from '../audit/audit-tree.js';
import { authenticateWithinRate } from '../http/authenticate.js';
import { Problem, ledgerProblem } from '../problem.js';
import type { AuditRecord, Services } from '../services.js';

export function auditRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();

  r.get('/v1/access-log', async (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    const limit = intParam(req.query.limit, 'limit', 100, 1, 500);
    const before = req.query.before === undefined ? undefined : decimalWholeNumber(req.query.before);
    if (req.query.before !== undefined && before === undefined)
      throw new Problem(
        'QUERY_INVALID',
        'before must be a record position (an integer ≥ 0, in decimal digits without a leading zero)',
      );
    const records = await s.audit.recordsOf(creditCode, limit, before);
    res.json({
      data: records,
      nextBefore: records.length === limit ? records[records.length - 1]!.seq : null,
    });
  });

  r.get('/v1/audit/receipts/:requestId', async (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    const record = await s.audit.get(String(req.params.requestId));
    if (!record || record.enterprise !== creditCode)
      throw new Problem(
        'NOT_FOUND',
        `No request ${String(req.params.requestId)} of yours is in this gateway's log.`,
      );
    await sendReceipt(s, record, res);
  });

  /**
   * The block of the ledger that holds the anchor covering one of the caller's requests, raw, so the caller
   * can check with the SDK (verifyAnchorBlock) and the ordering service's root, and no Fabric identity, that the
   * anchor of its receipt is on the ledger. The block also carries what else was ordered with it: the public
   * part of those transactions only (private data sits in collections, with hashes on the channel).
   */
  r.get('/v1/audit/receipts/:requestId/block', async (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    const record = await s.audit.get(String(req.params.requestId));
    if (!record || record.enterprise !== creditCode)
      throw new Problem(
        'NOT_FOUND',
        `No request ${String(req.params.requestId).slice(0, 64)} of yours is in this gateway's log.`,
      );
    const anchor = await s.audit.anchorCovering(record.seq);
    if (!anchor)
      throw new Problem('RECEIPT_PENDING', 'No anchor covers this request yet: ask again shortly.');
    if (!s.ledger.blockBytes)
      throw new Problem('LEDGER_UNAVAILABLE', 'This gateway cannot read blocks of the ledger.');
    let block: Uint8Array;
    let configBlock: Uint8Array | undefined;
    try {
      block = await s.ledger.blockBytes(anchor.txId);
      // Under BFT ordering the signatures name consenter ids: the config block maps them to certificates.
      const lastConfig = consenterConfigIndex(block);
      if (lastConfig !== undefined && s.ledger.blockByNumber)
        configBlock = await s.ledger.blockByNumber(lastConfig);
    } catch (err) {
      throw ledgerProblem(err);
    }
    res.json({
      block: Buffer.from(block).toString('base64'),
      blockNumber: anchor.blockNumber,
      txId: anchor.txId,
      ...(configBlock ? { configBlock: Buffer.from(configBlock).toString('base64') } : {}),
    });
  });

  /** Public: proves the log at `to` records extends the log at `from` records (both anchored sizes). */
  r.get('/v1/audit/consistency', anonymous, async (req, res) => {
    onlyDocumentedParams(req);
    const from = decimalWholeNumber(req.query.from);
    const to = decimalWholeNumber(req.query.to);
    const anchored = s.audit.anchoredSize();
    if (from === undefined || to === undefined || from < 1 || to < from || to > anchored) {
      throw new Problem(
        'QUERY_INVALID',
        `from and to must be anchored tree sizes with 1 ≤ from ≤ to ≤ ${anchored}, in decimal digits without a leading zero`,
      );
    }
    res.json({ from, to, hashes: await (await treeOf(s.audit)).consistencyProof(from, to) });
  });
  return r;
}

/**
 * Answers with the receipt of a logged record, as enterprises (for their own requests) and regulators (for any)
 * get it: the record, its inclusion proof and the anchor that covers it; 202 with the record while no anchor
 * covers it yet.
 */
export async function sendReceipt(s: Services, record: AuditRecord, res: Response): Promise<void> {
  const anchor = await s.audit.anchorCovering(record.seq);
  if (!anchor) {
    res.status(202).json({
      status: 'pending',
      record,
      detail: 'The record is logged but not anchored yet; ask again in a few seconds.',
    });
    return;
  }
  const proof = await (await treeOf(s.audit)).inclusionProof(record.seq, anchor.treeSize);
  res.json({
    status: 'anchored',
    gatewayId: s.config.gatewayId,
    record,
    proof: { leafIndex: record.seq, treeSize: anchor.treeSize, hashes: proof },
    anchor,
  });
}
