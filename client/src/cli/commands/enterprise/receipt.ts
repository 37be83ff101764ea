/**
 * `rdx receipt`: the audit receipt of one of the enterprise's requests — the record the gateway logged, its
 * inclusion proof and the anchor on the ledger — optionally verified offline and saved for a regulator.
 */
import { arg, defineCommand, optString } from '../../command.js';
import { fields } from '../../output.js';
import { TERMS } from '../../terms.js';
import { requireInt, writeOutputFile } from '../../../sdk/inputs.js';
import { assertVerified, verifyReceipt, type AuditReceipt } from '../../../sdk/receipt-verify.js';
import { anchorOnLedger, reportLines } from '../shared/verify.js';

export default defineCommand({
  path: ['receipt'],
  roles: ['enterprise'],
  summary: '审计回执 the receipt of a request: record, Merkle inclusion proof, ledger anchor',
  args: ['<requestId>'],
  options: [
    {
      flags: '--verify',
      description: 'verify it offline (record hash, inclusion proof against the anchor root)',
    },
    {
      flags: '--online',
      description: 'also compare the anchor with the ledger (needs --as, e.g. a regulator identity)',
    },
    { flags: '--wait <seconds>', description: 'wait this long for the request to be anchored (default 0)' },
    {
      flags: '--out <file>',
      description: 'save the receipt as JSON (for rdx verify, or a regulator’s rdx evidence --receipt)',
    },
  ],
  async run(ctx, inv) {
    const requestId = arg(inv, 0);
    const wait = requireInt(optString(inv.opts, 'wait') ?? '0', '--wait', 0, 3600);
    const session = ctx.enterprise();
    const receipt: AuditReceipt = await session.anchoredReceipt(requestId, wait * 1000);
    const out = optString(inv.opts, 'out');
    if (out) writeOutputFile(out, `${JSON.stringify(receipt, null, 2)}\n`, 'the receipt');
    const lines = [
      `${TERMS.receipt} ${requestId}`,
      ...fields([
        ['决定 decision', `${receipt.record.decision} (${receipt.record.reason})`],
        [TERMS.grant, receipt.record.grantId],
        ['记录 record', `#${receipt.record.seq} of ${receipt.gatewayId}, hash ${receipt.record.hash}`],
        [
          TERMS.anchor,
          `#${receipt.anchor.sequence}, root ${receipt.anchor.merkleRoot}, tree ${receipt.anchor.treeSize}, tx ${receipt.anchor.txId}`,
        ],
        ['文件 saved to', out],
      ]).map((l) => `  ${l}`),
    ];
    if (inv.opts.verify !== true && inv.opts.online !== true) return { data: receipt, lines };
    const report = verifyReceipt(receipt, { requestId, enterprise: session.creditCode });
    if (inv.opts.online === true && report.ok) {
      const c = await anchorOnLedger(ctx, receipt);
      report.checks.push(c);
      report.ok = c.ok;
    }
    const verdict = reportLines(
      `  ${report.ok ? '核验通过 verified' : '核验失败 NOT verified'}`,
      report.checks,
    );
    if (!report.ok && !ctx.json) ctx.out.note([...lines, ...verdict].join('\n'));
    assertVerified(report);
    return { data: { receipt, verification: report }, lines: [...lines, ...verdict] };
  },
});
