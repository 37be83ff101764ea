/**
 * `rdx evidence`: a sealed evidence package about a grant — its ledger history, the transactions that changed
 * it and their endorsers, the gateways' anchor chains, and receipts the enterprise handed over — for
 * `rdx verify` anywhere, offline.
 */
import { arg, commaList, defineCommand, optList, optString, reqString } from '../../command.js';
import { TERMS } from '../../terms.js';
import { collectEvidence } from '../../../sdk/evidence.js';
import { readJsonFile, writeOutputFile } from '../../../sdk/inputs.js';
import { verifyEvidence, type AuditReceipt } from '../../../sdk/receipt-verify.js';

export default defineCommand({
  path: ['evidence'],
  roles: ['regulator', 'bureau'],
  summary: '证据包 collect and seal an evidence package about a grant',
  args: ['<grantId>'],
  options: [
    { flags: '--out <file>', description: 'where to write the package (JSON)', required: true },
    { flags: '--gateways <ids>', description: 'gateway ids whose anchor chains to include (default gw1)' },
    {
      flags: '--request <requestId>',
      description:
        "fetch this request's receipt through the gateway's regulator API (with the regulator client's --client-id and --client-secret); repeatable",
      repeatable: true,
    },
    {
      flags: '--receipt <file>',
      description: 'a receipt the enterprise handed over (rdx receipt --out); repeatable',
      repeatable: true,
    },
  ],
  help:
    'The gateway does not list a grant’s requests for regulators, so receipts are included for the requests named:\n' +
    '--request <id> fetches one through the regulator API, --receipt <file> adds one the enterprise handed over.\n' +
    'The package is signed with the --as identity’s key; rdx verify checks it anywhere, offline.',
  async run(ctx, inv) {
    const grantId = arg(inv, 0);
    const receipts = optList(inv.opts, 'receipt').map((f) => readJsonFile<AuditReceipt>(f, 'receipt'));
    const requests = optList(inv.opts, 'request');
    if (requests.length) {
      const regulator = ctx.regulatorGateway();
      for (const id of requests) receipts.push(await regulator.anchoredReceipt(id, 30_000));
    }
    const pkg = await collectEvidence(ctx.ledger(), ctx.walletDir, grantId, {
      gatewayIds: commaList(optString(inv.opts, 'gateways')) ?? ['gw1'],
      receipts,
      onProgress: ctx.json ? undefined : (step) => ctx.out.note(`… ${step}`),
    });
    const out = reqString(inv.opts, 'out');
    writeOutputFile(out, `${JSON.stringify(pkg, null, 2)}\n`, 'the evidence package');
    // What it just sealed with the --as identity: no CA needs vouching for its own collector.
    const check = verifyEvidence(pkg, { sealedHere: true });
    const summary = {
      file: out,
      grantId,
      state: pkg.grant.state,
      versions: pkg.history.length,
      transactions: pkg.transactions.length,
      anchors: Object.fromEntries(Object.entries(pkg.anchors).map(([g, a]) => [g, a.length])),
      receipts: pkg.receipts.length,
      digest: pkg.digest,
      verified: check.ok,
      limits: pkg.limits,
    };
    return {
      data: summary,
      lines: [
        `${TERMS.evidence} ${out}: ${TERMS.grant} ${grantId}`,
        `  ${pkg.history.length} versions, ${pkg.transactions.length} transactions with ${TERMS.endorsers}, ${Object.entries(
          summary.anchors,
        )
          .map(([g, n]) => `${n} anchors of ${g}`)
          .join(', ')}, ${pkg.receipts.length} receipts`,
        `  sha256 ${pkg.digest}, signed by ${pkg.collectedBy.identity} (${pkg.collectedBy.mspId})`,
        `  ${
          check.ok
            ? '自检通过 self-check verified'
            : '自检失败 self-check FAILED: ' +
              check.checks
                .filter((c) => !c.ok)
                .map((c) => c.name)
                .join(', ')
        }`,
        ...pkg.limits.map((l) => `  注意 note: ${l}`),
      ],
    };
  },
});
