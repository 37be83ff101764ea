/**
 * A workflow cut short is taken up where it stopped, on the real network: what `npm start` does with a demo
 * seed interrupted (Ctrl-C, a crash) between an application's steps. It used to see the application and call
 * the demo done: the enterprise was left with an application under review for good, no agreement, no grant.
 */
import { expect } from 'chai';
import { RdxLedger } from '@rdx/client';
import { applicationRequest, chinaToday, waitForBlock } from '@rdx/network';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  registerDataset,
  runId,
} from '../workflow.js';

const DATASET = `resume-${runId}`;

describe('a workflow cut short is taken up where it stopped', () => {
  let p: Parties;
  before(async () => {
    p = new Parties();
    await registerDataset(p, p.market, DATASET, `续办测试 ${runId}`);
  });
  after(() => p.close());

  it('an application only submitted, and one whose agreement the body signed but the enterprise not yet: each ends in force, with one agreement', async () => {
    const submittedOnly = await onboard(p, 'AA');
    const bodySigned = await onboard(p, 'AA');
    const gateway = new RdxLedger(p.gateway);
    const bureau = new RdxLedger(p.bureau);
    const market = new RdxLedger(p.body('MarketMSP'));
    const items = demand(DATASET, 'MarketMSP').items;
    // Each step waits for its block on every peer, as the workflow driver does: the next is endorsed elsewhere.
    const committed = async <T extends { blockNumber: bigint | number | string }>(
      step: Promise<T>,
    ): Promise<T> => {
      const done = await step;
      await waitForBlock(BigInt(done.blockNumber));
      return done;
    };
    const submitFor = (e: typeof submittedOnly, id: string) =>
      committed(
        gateway.application.submitSigned(
          e.signer.sign('SubmitApplication', applicationRequest(id, [{ datasetId: DATASET, items }])),
        ),
      );

    await submitFor(submittedOnly, `resume-a-${runId}`);

    const second = `resume-b-${runId}`;
    await submitFor(bodySigned, second);
    await committed(bureau.application.formalReview({ id: second, decision: 'accept' }));
    await committed(market.application.ownerReview({ id: second, decision: 'approve' }));
    await committed(bureau.application.reReview({ id: second, decision: 'approve' }));
    const draft = await committed(
      market.agreement.draft({
        applicationId: second,
        terms: {
          datasets: [{ datasetId: DATASET, items }],
          purpose: '贷前核验',
          serviceName: '企业信用画像服务',
          platform: '信用画像平台',
          validFrom: chinaToday(),
          validUntil: '2027-06-30',
          dailyQuota: 1000,
        },
      }),
    );
    await committed(market.agreement.signAsBody({ id: draft.value.id, termsHash: draft.value.termsHash }));

    for (const [e, id] of [
      [submittedOnly, `resume-a-${runId}`],
      [bodySigned, second],
    ] as const) {
      const { grants } = await applyAndGetGrants(p, e.signer, id, [demand(DATASET, 'MarketMSP')]);
      expect(grants, id).to.deep.equal([`${id}.MarketMSP.${DATASET}`]);
      const app = (await evaluate(p.bureau, 'application', 'GetApplication', id)) as { state: string };
      expect(app.state, id).to.equal('APPROVED');
      const agreement = (await evaluate(
        p.body('MarketMSP'),
        'agreement',
        'GetAgreement',
        `${id}.MarketMSP`,
      )) as {
        state: string;
        termsHash: string;
      };
      expect(agreement.state, id).to.equal('IN_FORCE');
      if (id === second)
        expect(agreement.termsHash, 'the draft the body signed, not another').to.equal(draft.value.termsHash);
      // Taken up again, it finds everything done and writes nothing.
      const again = await applyAndGetGrants(p, e.signer, id, [demand(DATASET, 'MarketMSP')]);
      expect(again).to.deep.equal({ grants, agreementTxIds: [] });
    }
  });
});
