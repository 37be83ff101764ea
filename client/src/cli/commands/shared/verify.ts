/**
 * `rdx verify`: checks a receipt or an evidence package offline. With --online and --as, a receipt's anchor
 * is also compared with the one on the ledger, which ties the proof to what the gateway committed.
 */
import { arg, defineCommand, optString } from '../../command.js';
import { TERMS } from '../../terms.js';
import { readInputFile, readJsonFile } from '../../../sdk/inputs.js';
import {
  assertVerified,
  verifyDocument,
  withCurrentNames,
  type AuditReceipt,
  type Check,
} from '../../../sdk/receipt-verify.js';
import type { CliContext } from '../../context.js';

/** The ledger check of a receipt's anchor. */
export async function anchorOnLedger(ctx: CliContext, saved: AuditReceipt): Promise<Check> {
  const receipt = withCurrentNames(saved);
  const onLedger = await ctx.ledger().audit.getAnchor(receipt.gatewayId, receipt.anchor.sequence);
  const ok =
    onLedger.merkleRoot === receipt.anchor.merkleRoot &&
    onLedger.txId === receipt.anchor.txId &&
    onLedger.firstRecord + onLedger.recordCount === receipt.anchor.treeSize;
  return {
    name: 'anchor.onLedger',
    ok,
    detail: ok
      ? `anchor ${onLedger.sequence} of ${onLedger.gatewayId} on the ledger has this root (tx ${onLedger.txId.slice(0, 12)}, ${onLedger.anchoredAt})`
      : `anchor ${receipt.anchor.sequence} of ${receipt.gatewayId} on the ledger has root ${onLedger.merkleRoot}, not ${receipt.anchor.merkleRoot}`,
  };
}

/** Lines of a verification report for people. */
export function reportLines(title: string, checks: readonly Check[]): string[] {
  return [title, ...checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`)];
}

export default defineCommand({
  path: ['verify'],
  roles: ['anyone'],
  summary: '核验 verify an audit receipt or an evidence package offline',
  args: ['<file>'],
  options: [
    { flags: '--online', description: "also compare a receipt's anchor with the ledger (needs --as)" },
    {
      flags: '--ca-file <pem>',
      description: "evidence: require the collector's certificate to be issued by this CA",
    },
  ],
  async run(ctx, inv) {
    const file = arg(inv, 0);
    const doc = readJsonFile<unknown>(file, 'document');
    const caFile = optString(inv.opts, 'caFile');
    const report = verifyDocument(doc, {
      caCertificatePem: caFile ? readInputFile(caFile, 'CA certificate').toString('utf8') : undefined,
    });
    if (inv.opts.online === true && report.kind === 'receipt' && report.ok) {
      const c = await anchorOnLedger(ctx, doc as AuditReceipt);
      report.checks.push(c);
      report.ok = report.ok && c.ok;
    }
    const title = `${report.kind === 'evidence' ? TERMS.evidence : TERMS.receipt} ${file}: ${report.ok ? '核验通过 verified' : '核验失败 NOT verified'}`;
    if (!report.ok) {
      // The details go out with the failure code; people also see every check.
      if (!ctx.json) ctx.out.note(reportLines(title, report.checks).join('\n'));
      assertVerified(report);
    }
    return { data: report, lines: reportLines(title, report.checks) };
  },
});
