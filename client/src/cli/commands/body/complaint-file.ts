/**
 * `rdx complaint file`: the owning body (or the bureau) records a complaint or opinion that reached it, and may
 * suspend the grant — or, naming none, every active grant on the dataset — in the same transaction. A person's
 * name goes on the ledger only as a salted hash.
 */
import crypto from 'node:crypto';
import { defineCommand, optString, reqString } from '../../command.js';
import { committedData, complaintLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { personalDataHash } from '../../../enterprise-signer.js';
import { sha256OfFile } from '../../../sdk/inputs.js';
import type { ComplaintCategory, ComplaintInput } from '../../../sdk/types.js';
import { COMPLAINT_SUBJECT_OPTIONS } from '../shared/complaint-options.js';

export default defineCommand({
  path: ['complaint', 'file'],
  roles: ['body', 'bureau'],
  summary:
    '投诉举报 file a complaint or opinion about a dataset or grant; --suspend-now 中止 the grant (or the whole dataset) at once',
  options: [
    { flags: '--id <id>', description: '编号 complaint id (new)', required: true },
    ...COMPLAINT_SUBJECT_OPTIONS,
    {
      flags: '--complainant-kind <kind>',
      description: '投诉人 complainant',
      choices: ['person', 'organisation'],
      required: true,
    },
    {
      flags: '--complainant-name <name>',
      description: 'name: an organisation is recorded by name, a person only as a salted hash',
      required: true,
    },
    {
      flags: '--salt <salt>',
      description: "salt for a person's name hash (default: random, printed; keep it off-chain)",
    },
    {
      flags: '--facts-file <file>',
      description: '事实材料 the complaint as received (kept off-chain; its SHA-256 is recorded)',
      required: true,
    },
    {
      flags: '--suspend-now',
      description:
        '立即中止 suspend the grant in the same transaction; without --grant, every active grant on the dataset',
    },
  ],
  async run(ctx, { opts }) {
    const grantId = optString(opts, 'grant');
    const suspendNow = opts.suspendNow === true;
    const person = reqString(opts, 'complainantKind') === 'person';
    const salt = person ? (optString(opts, 'salt') ?? crypto.randomBytes(16).toString('hex')) : undefined;
    const name = reqString(opts, 'complainantName');
    const input: ComplaintInput = {
      id: reqString(opts, 'id'),
      kind: reqString(opts, 'kind') as 'complaint' | 'opinion',
      category: reqString(opts, 'category') as ComplaintCategory,
      datasetId: reqString(opts, 'dataset'),
      grantId,
      complainant: person
        ? { kind: 'person', nameHash: personalDataHash(name, salt!) }
        : { kind: 'organisation', name },
      factsHash: sha256OfFile(reqString(opts, 'factsFile'), 'facts'),
      suspendNow,
    };
    const c = await ctx.ledger().complaint.file(input);
    const lines = [`${TERMS.complaint} ${c.value.id} 已登记 filed`, ...complaintLines(c.value)];
    if (suspendNow)
      lines.push(
        `  ${grantId ? `${TERMS.grant} ${grantId}` : `${c.value.suspendedGrants ?? 0} ${TERMS.grant}`} → ${stateLabel('SUSPENDED')}`,
      );
    if (salt && !optString(opts, 'salt')) lines.push(`  盐 salt of the name hash (keep off-chain): ${salt}`);
    lines.push(txLine(c));
    return { data: { ...committedData('complaint', c), ...(salt ? { nameSalt: salt } : {}) }, lines };
  },
});
