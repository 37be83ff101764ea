/**
 * Catalogue governance (Z10, Z12, Z13, Z15): `rdx dataset review` — the bureau lists a registered dataset, or
 * rejects it with a reason; `rdx dataset narrow` — the owner proposes a narrower open attribute with a
 * reason; `rdx dataset decide-attribute` — the bureau approves (a move to prohibited suspends every active grant
 * on the dataset) or rejects with a reason; `rdx catalogue review` — the owner records its yearly review.
 */
import { arg, defineCommand, optString, reqString, type CommandSpec } from '../../command.js';
import type { CliContext } from '../../context.js';
import { committedData, datasetLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireInt, requireOneOf } from '../../../sdk/inputs.js';
import type { Committed } from '../../../sdk/ledger-api.js';
import type { Dataset } from '../../../sdk/types.js';

/** A bureau decision on a dataset: `<id> approve|reject [--reason]` (a rejection needs the reason). */
function bureauDecision(
  path: [string, string],
  summary: string,
  decide: (
    ctx: CliContext,
    args: { id: string; decision: 'approve' | 'reject'; reason?: string },
  ) => Promise<Committed<Dataset>>,
  line: (d: Dataset) => string[],
): CommandSpec {
  return defineCommand({
    path,
    roles: ['bureau'],
    summary,
    args: ['<id>', '<decision>'],
    options: [{ flags: '--reason <text>', description: '理由 why (needed to reject)' }],
    help: 'decision: approve | reject',
    async run(ctx, inv) {
      const decision = requireOneOf(arg(inv, 1), 'decision', ['approve', 'reject'] as const);
      const c = await decide(ctx, { id: arg(inv, 0), decision, reason: optString(inv.opts, 'reason') });
      return { data: committedData('dataset', c), lines: [...line(c.value), txLine(c)] };
    },
  });
}

export const reviewListing = bureauDecision(
  ['dataset', 'review'],
  '目录审查 list a registered dataset in the catalogue, or reject it with a reason (Z13)',
  (ctx, args) => ctx.ledger().catalog.reviewListing(args),
  (d) => [`${TERMS.dataset} ${d.id}: ${d.listing?.state ?? 'LISTED'}`],
);

export const narrowAttribute = defineCommand({
  path: ['dataset', 'narrow'],
  roles: ['body'],
  summary: '变更开放属性 propose a narrower open attribute (restricted or prohibited); the bureau decides',
  args: ['<id>'],
  options: [
    { flags: '--to <attribute>', description: 'restricted | prohibited', required: true },
    { flags: '--reason <text>', description: '理由 why (recorded with the change)', required: true },
  ],
  async run(ctx, inv) {
    const to = requireOneOf(reqString(inv.opts, 'to'), '--to', ['restricted', 'prohibited'] as const);
    const c = await ctx
      .ledger()
      .catalog.proposeAttributeChange({ id: arg(inv, 0), to, reason: reqString(inv.opts, 'reason') });
    return {
      data: committedData('dataset', c),
      lines: [`${TERMS.dataset} ${c.value.id}: → ${to} 待市大数据局审核 waits for the bureau`, txLine(c)],
    };
  },
});

export const decideAttribute = bureauDecision(
  ['dataset', 'decide-attribute'],
  '审核开放属性变更 approve or reject a proposed narrowing (prohibited suspends its grants)',
  (ctx, args) => ctx.ledger().catalog.decideAttributeChange(args),
  (d) => [`${TERMS.dataset} ${d.id}: ${d.openAttribute}`, ...datasetLines(d)],
);

export const reviewCatalogue = defineCommand({
  path: ['catalogue', 'review'],
  roles: ['body'],
  summary: '目录年度审核 record this body’s yearly review of its catalogue (Z10)',
  args: ['<year>'],
  options: [{ flags: '--note <text>', description: '说明 what was reviewed and changed' }],
  async run(ctx, inv) {
    const c = await ctx
      .ledger()
      .catalog.recordCatalogueReview(
        requireInt(arg(inv, 0), 'year', 2000, 2100),
        optString(inv.opts, 'note'),
      );
    return {
      data: committedData('review', c),
      lines: [
        `目录审核 catalogue review ${c.value.body} ${c.value.year}: ${c.value.datasets.length} ${TERMS.dataset}`,
        txLine(c),
      ],
    };
  },
});
