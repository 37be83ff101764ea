/**
 * `rdx agreement show` prints the hash a party then signs (`agreement accept --expect-hash`): it shows an
 * agreement only once its terms are found to hash to it, and shows every term, the duties too.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import type { CliContext } from '../../context.js';
import { Output, type Io } from '../../output.js';
import { termsHashOf } from '../../../sdk/agreement-terms.js';
import type { Agreement } from '../../../sdk/types.js';
import show from './agreement-show.js';

const TERMS: Agreement['terms'] = {
  agreementId: 'app-1.MarketMSP',
  applicationId: 'app-1',
  creditCode: '91331100MA2A0000XX',
  body: 'MarketMSP',
  datasets: [{ datasetId: 'market-entities', items: ['uscc', 'entity_name'] }],
  purpose: '贷前核验',
  serviceName: '丽信贷',
  platform: '丽水农商行 App',
  validFrom: '2026-12-01',
  validUntil: '2026-12-31',
  dailyQuota: 10,
  mlpsLevel: 3,
  productDeadlineMonths: 0,
  usageReportIntervalDays: 1,
  dataReturn: true,
  returnIntervalDays: 7,
  noRedistribution: true,
  citationRequired: true,
};
const SALT = crypto.randomBytes(32).toString('base64');

/** Runs `rdx agreement show` as the enterprise, the gateway answering `agreement`; what it printed, or its refusal. */
async function shown(agreement: Agreement): Promise<string> {
  let stdout = '';
  const ctx = {
    out: new Output(
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } } as unknown as Io,
      false,
    ),
    enterprise: () => ({ agreement: () => Promise.resolve(agreement) }),
  } as unknown as CliContext;
  const result = (await show.run(ctx, { args: [agreement.id], opts: {} }))!;
  ctx.out.result(result.data, result.lines);
  return stdout;
}

const agreement = (terms: Agreement['terms'], termsHash: string): Agreement =>
  ({
    id: 'app-1.MarketMSP',
    state: 'DRAFT',
    terms,
    termsHash,
    termsSalt: SALT,
    grants: [],
  }) as unknown as Agreement;

describe('rdx agreement show', () => {
  it('shows every term, the duties too, beside the hash they make', async () => {
    const hash = termsHashOf(TERMS, SALT);
    const text = await shown(agreement(TERMS, hash));
    for (const line of [
      /日配额 daily quota +10/,
      /等保级别 MLPS level +3/,
      /产品期限 product within +0 个月 months/,
      /使用报告 usage report +every 1 天 days/,
      /数据回流 data return +yes, every 7 天 days/,
      /约束 obligations +不得转让 no redistribution · 注明来源 cite the source/,
      new RegExp(`条款哈希 termsHash +${hash}`),
    ])
      expect(text).to.match(line);
  });

  it('refuses terms that do not make the hash it would show: the hash signed would be of others', async () => {
    const hash = termsHashOf(TERMS, SALT);
    const error = await shown(
      agreement({ ...TERMS, dailyQuota: 100_000, validUntil: '2028-12-31' }, hash),
    ).catch((err: unknown) => err);
    expect(error).to.have.property('code', 'TERMS_CHANGED');
    expect((error as Error).message).to.include('not shown');
  });
});
