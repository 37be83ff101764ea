/**
 * `rdx anchors`: a gateway's chain of audit anchors on the ledger, verified link by link as the chaincode
 * computes it (each previousAnchorHash is the prior anchorHash; each anchorHash recomputes from its fields).
 */
import { arg, defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';
import { requireInt } from '../../../sdk/inputs.js';
import { assertVerified, verifyAnchorChain } from '../../../sdk/receipt-verify.js';
import type { LedgerAnchor } from '../../../sdk/types.js';
import { reportLines } from '../shared/verify.js';

export default defineCommand({
  path: ['anchors'],
  roles: ['regulator', 'bureau'],
  summary: '上链锚定 list a gateway’s audit anchors and verify the chain',
  args: ['<gatewayId>'],
  options: [
    {
      flags: '--from <sequence>',
      description: 'start here (the anchor before it is read to check the link)',
    },
  ],
  async run(ctx, inv) {
    const gatewayId = arg(inv, 0);
    const audit = ctx.ledger().audit;
    const head = await audit.getAnchorHead(gatewayId);
    const fromOpt = optString(inv.opts, 'from');
    const from = fromOpt === undefined ? 1 : requireInt(fromOpt, '--from', 1, Number.MAX_SAFE_INTEGER);
    const progress =
      head.sequence > 50
        ? ctx.out.progress(`${TERMS.anchor} ${gatewayId}`, head.sequence - from + 1)
        : undefined;
    const previous: LedgerAnchor | undefined =
      from > 1 ? await audit.getAnchor(gatewayId, from - 1) : undefined;
    const anchors = await audit.anchors(gatewayId, { from, to: head.sequence });
    progress?.tick(anchors.length);
    progress?.finish();
    const report = verifyAnchorChain(anchors, previous);
    const title = `${TERMS.anchor} ${gatewayId}: ${anchors.length} anchors, head ${head.sequence}, ${report.ok ? '链完整 chain verified' : '链断裂 chain BROKEN'}`;
    const lines = [
      title,
      ...table(
        ['seq', 'records', 'merkle root', 'anchor hash', 'anchored at', 'tx'],
        anchors.map((a) => [
          String(a.sequence),
          `${a.firstRecord}–${a.firstRecord + a.recordCount - 1}`,
          `${a.merkleRoot.slice(0, 16)}…`,
          `${a.anchorHash.slice(0, 16)}…`,
          a.anchoredAt,
          `${a.txId.slice(0, 16)}…`,
        ]),
      ),
      ...reportLines('', report.checks).slice(1),
    ];
    if (!report.ok && !ctx.json) ctx.out.note(lines.join('\n'));
    assertVerified(report);
    return { data: { gatewayId, head, anchors, verification: report }, lines };
  },
});
