import { IDS } from '../testing/fake-ledger';
import { C, World, signedRequest } from '../testing/world';

/**
 * Every action an enterprise signs takes a fixed set of fields. One it does not take — `callCounts` for
 * `callCount` — would be signed, then dropped as if left out: refused instead, named, with what the action
 * takes. The check comes before anything is read, so these bodies need no agreement or application behind them.
 */
const SIGNED: [contract: keyof typeof C, fn: string, action: string, takes: string][] = [
  ['application', 'SubmitApplication', 'SubmitApplication', 'id, form, demands and documents'],
  ['application', 'ResubmitApplication', 'ResubmitApplication', 'id, form, demands and documents'],
  ['application', 'DisputeReview', 'DisputeReview', 'applicationId, body and reason'],
  ['agreement', 'SignAgreementAsEnterprise', 'SignAgreement', 'agreementId and termsHash'],
  ['agreement', 'AcceptRenewal', 'AcceptRenewal', 'agreementId and validUntil'],
  ['agreement', 'RequestRenewal', 'RequestRenewal', 'agreementId and validUntil'],
  ['agreement', 'TerminateAgreementAsEnterprise', 'TerminateAgreement', 'agreementId, reason and noticeDate'],
  ['duty', 'ReportUsage', 'ReportUsage', 'agreementId, period, callCount and reportHash'],
  ['duty', 'ReturnData', 'ReturnData', 'agreementId, datasetId, contentHash and rowCount'],
  ['duty', 'PublishProduct', 'PublishProduct', 'agreementId, name, address and publishedOn'],
  ['duty', 'ReportSecurityIssue', 'ReportSecurityIssue', 'agreementId, severity and descriptionHash'],
  [
    'complaint',
    'FileComplaintAsEnterprise',
    'FileComplaint',
    'id, datasetId, grantId, kind, category, facts and receiptHash',
  ],
];

describe('signed enterprise requests take only their own fields', () => {
  for (const [contract, fn, action, takes] of SIGNED)
    it(`${action}: a field it does not take is refused, named, and nothing is written`, async () => {
      const w = await World.create();
      const body = Object.fromEntries(takes.split(/, | and /).map((f) => [f, 'x']));
      await w.refused(
        () => w.invoke(IDS.gateway, C[contract], fn, w.sign(w.aa, action, { ...body, remark: 'typo' })),
        'INVALID_ARGUMENT',
        new RegExp(`request\\.body has an unknown field "remark": it takes ${takes}$`),
      );
    });

  it('the envelope, too: a field beside action, creditCode, nonce, signedAt and body is refused', async () => {
    const w = await World.create();
    const [request, signature] = w.signRaw(w.aa, 'ReportUsage', { agreementId: 'AGR-1' });
    const widened = JSON.stringify({ ...(JSON.parse(request) as object), onBehalfOf: 'someone' });
    await w.refused(
      () => w.invoke(IDS.gateway, C.duty, 'ReportUsage', signedRequest([widened, signature])),
      'INVALID_ARGUMENT',
      /^\[INVALID_ARGUMENT\] request has an unknown field "onBehalfOf": it takes action, creditCode, nonce, signedAt and body$/,
    );
  });
});
