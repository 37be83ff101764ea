/**
 * `rdx verify`: checks a receipt, an evidence package or a trace's evidence package offline. With --online and
 * --as, a receipt's anchor is also compared with the one on the ledger, which ties the proof to what the gateway
 * committed, and a trace's grant key with the commitment the ledger holds for the grant; --file names the
 * suspect file a trace package was made from.
 */
import { arg, defineCommand, optString } from '../../command.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import { readInputFile, readJsonFile } from '../../../sdk/inputs.js';
import {
  assertVerified,
  verifyDocument,
  withCurrentNames,
  type AuditReceipt,
  type Check,
} from '../../../sdk/receipt-verify.js';
import type { CliContext } from '../../context.js';
import { fingerprintCommitment } from '../../../fingerprint/fingerprint.js';
import type { TraceEvidence } from '../../../fingerprint/trace-evidence.js';

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

/** The ledger check of a trace package: the commitment the ledger holds for its grant is SHA-256 of its key. */
async function commitmentOnLedger(ctx: CliContext, evidence: TraceEvidence): Promise<Check> {
  const onLedger = await ctx.ledger().audit.fingerprintCommitment(evidence.grantId);
  const ok = onLedger.commitment === fingerprintCommitment(Buffer.from(evidence.key, 'hex'));
  return {
    name: 'commitment.onLedger',
    ok,
    detail: ok
      ? `grant ${evidence.grantId}'s commitment on the ledger (tx ${onLedger.txId.slice(0, 12)}, ${onLedger.committedAt}) is SHA-256 of this key`
      : `grant ${evidence.grantId}'s commitment on the ledger is ${onLedger.commitment}: not this key's`,
  };
}

/** Lines of a verification report for people. */
export function reportLines(title: string, checks: readonly Check[]): string[] {
  return [title, ...checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`)];
}

export default defineCommand({
  path: ['verify'],
  roles: ['anyone'],
  summary: '核验 verify an audit receipt, an evidence package or a trace evidence package offline',
  args: ['<file>'],
  options: [
    {
      flags: '--online',
      description:
        "also compare a receipt's anchor, or a trace package's key commitment, with the ledger (needs --as)",
    },
    { flags: '--file <file>', description: 'a trace package: the suspect file it was made from' },
    {
      flags: '--ca-file <pem>',
      description: "evidence: require the collector's certificate to be issued by this CA",
    },
    {
      flags: '--crl-file <pem>',
      description:
        "evidence: require the collector's certificate not to be on this revocation list of the CA (--ca-file)",
    },
  ],
  async run(ctx, inv) {
    const file = arg(inv, 0);
    const doc = readJsonFile<unknown>(file, 'document');
    const caFile = optString(inv.opts, 'caFile');
    const crlFile = optString(inv.opts, 'crlFile');
    if (crlFile && !caFile)
      throw new InputError('INVALID_ARGUMENT', '--crl-file needs --ca-file: the CA that signed the list');
    const suspect = optString(inv.opts, 'file');
    const report = verifyDocument(doc, {
      caCertificatePem: caFile ? readInputFile(caFile, 'CA certificate').toString('utf8') : undefined,
      ...(crlFile ? { revocationListPem: readInputFile(crlFile, 'revocation list').toString('utf8') } : {}),
      ...(suspect ? { suspectFile: readInputFile(suspect, 'the suspect file') } : {}),
    });
    // Only an evidence package names a collector: the options must not pass for a check that was not made.
    if ((caFile || crlFile) && report.kind !== 'evidence')
      throw new InputError(
        'INVALID_ARGUMENT',
        `--ca-file and --crl-file check an evidence package's collector; ${file} is a ${report.kind === 'trace' ? 'trace evidence package' : 'receipt'}`,
      );
    if (inv.opts.online === true && report.ok && report.kind !== 'evidence') {
      const c =
        report.kind === 'trace'
          ? await commitmentOnLedger(ctx, doc as TraceEvidence)
          : await anchorOnLedger(ctx, doc as AuditReceipt);
      report.checks.push(c);
      report.ok = report.ok && c.ok;
    }
    const what =
      report.kind === 'evidence'
        ? TERMS.evidence
        : report.kind === 'trace'
          ? TERMS.traceEvidence
          : TERMS.receipt;
    const title = `${what} ${file}: ${report.ok ? '核验通过 verified' : '核验失败 NOT verified'}`;
    if (!report.ok) {
      // The details go out with the failure code; people also see every check.
      if (!ctx.json) ctx.out.note(reportLines(title, report.checks).join('\n'));
      assertVerified(report);
    }
    // What a verified receipt proves is its own record: say whose, so it is not taken for another request's.
    const record = report.kind === 'receipt' ? withCurrentNames(doc as AuditReceipt).record : undefined;
    const proves = record
      ? [
          `  记录 record: request ${String(record.requestId)}, ${TERMS.enterprise} ${String(record.enterprise ?? '—')}, ${String(record.decision)} (${String(record.reason)}) at ${String(record.time)}`,
        ]
      : [];
    return { data: report, lines: [...reportLines(title, report.checks), ...proves] };
  },
});
