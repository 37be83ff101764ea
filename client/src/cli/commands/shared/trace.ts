/**
 * `rdx trace <file>` (数据水印溯源, docs/TRACE.md): which grant received the restricted records in a suspect CSV or
 * JSON file — for a regulator with its client credentials (every dataset), or an opening body signing with its
 * `--as` identity (its own datasets); with `--evidence` the package is written, which `rdx verify` checks.
 */
import { arg, defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { readInputFile, requireOneOf, writeOutputFile } from '../../../sdk/inputs.js';
import { SUSPECT_FORMATS } from '../../../fingerprint/suspect-file.js';

export default defineCommand({
  path: ['trace'],
  roles: ['regulator', 'body'],
  summary:
    '溯源 which grant received the records in a leaked CSV, JSON or XLSX file, with the chance of a wrong answer',
  args: ['<file>'],
  options: [
    { flags: '--dataset <id>', description: 'only the grants on this dataset' },
    { flags: '--format <format>', description: 'csv | json | xlsx (default: from the content)' },
    { flags: '--evidence <file>', description: 'write the evidence package here when a grant is named' },
  ],
  help:
    'A regulator gives its gateway client (--client-id, --client-secret); an opening body its --as identity,\n' +
    'and traces among the grants on its own datasets.',
  async run(ctx, inv) {
    const file = readInputFile(arg(inv, 0), 'the suspect file');
    const formatOpt = optString(inv.opts, 'format');
    const opts = {
      dataset: optString(inv.opts, 'dataset'),
      format: formatOpt === undefined ? undefined : requireOneOf(formatOpt, '--format', SUSPECT_FORMATS),
    };
    const result = ctx.identityName
      ? await ctx.publicGateway().traceAsBody(ctx.ledger().connection.identity, file, opts)
      : await ctx.regulatorGateway().trace(file, opts);
    const out = optString(inv.opts, 'evidence');
    if (out && result.evidence)
      writeOutputFile(out, `${JSON.stringify(result.evidence, null, 2)}\n`, 'the evidence package');
    return {
      data: result,
      lines: [
        result.attributed ? `溯源 traced to grant ${result.attributed}` : '溯源 no grant named',
        result.note,
        '',
        ...table(
          ['grant', 'enterprise', 'dataset', 'marks agreeing', 'chance of a wrong attribution'],
          result.candidates.map((c) => [
            c.grantId,
            c.enterprise ?? c.creditCode,
            c.datasetId,
            `${c.matches}/${c.trials}`,
            c.falseAttribution.toExponential(2),
          ]),
        ),
        ...(result.requests
          ? [
              '',
              `served by ${result.requests.requests.length} request(s) of the grant, ${result.requests.explained} of ${result.readings} marks (${result.requests.replayed} of its logged requests replayed, ${result.requests.notReproduced} from earlier versions):`,
              ...result.requests.requests.map((r) => `  ${r.requestId}  ${r.time}  ${r.covered} marks`),
            ]
          : []),
        ...(out && result.evidence
          ? ['', `evidence package: ${out} (rdx verify ${out} --file <the suspect file> --online --as …)`]
          : []),
      ],
    };
  },
});
