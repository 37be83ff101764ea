/**
 * Who may call what, as ONE table: every chaincode function × every kind of caller → allowed (Y), refused
 * with FORBIDDEN (-), or refused as if the object did not exist (N: NOT_FOUND, where the caller may not even
 * know it exists). Each row prepares a ledger on which the call would succeed for an allowed caller (the
 * objects belong to MarketMSP), then every column runs the same call on a copy of that ledger: an allowed
 * caller must succeed, any other must be refused and write nothing.
 *
 * The table must name every transaction the chaincode declares, so a new function cannot ship without a row.
 */
import { expect } from 'chai';
import 'reflect-metadata';
import { contracts } from '../index';
import { CALENDAR_SEED } from '../data/calendar-seed';
import { errorCodeOf } from '../lib/errors';
import {
  EnterpriseKey,
  IDS,
  certificateOf,
  type FakeLedger,
  type Identity,
  type TxExtras,
  secret,
} from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  World,
  applicationBody,
  complaintInput,
  demand,
  enterpriseInput,
  marketEntitiesInput,
  ratingInput,
  refused,
  sha,
  stateKey,
} from '../testing/world';
import type { Agreement } from '../models/agreement';

/** The callers, in the order of the table's columns. */
const CALLERS = {
  /** bA: bureau staff, role admin. */
  bA: IDS.bureau,
  /** bR: bureau staff, role reviewer. */
  bR: IDS.bureauReviewer,
  /** mA: the owning body (MarketMSP), role admin. */
  mA: IDS.market,
  /** mR: the owning body, role reviewer. */
  mR: { mspId: 'MarketMSP', role: 'reviewer', cn: 'reviewer.market' },
  /** tA: another registered body (TransportMSP), role admin: not the owner of anything a row uses. */
  tA: IDS.transport,
  /** rg: a regulator (BureauMSP, role regulator). */
  rg: IDS.regulator,
  /** gw: the API gateway (BureauMSP, role gateway). */
  gw: IDS.gateway,
  /** un: an org that is not registered as an opening body, with role admin. */
  un: IDS.stranger,
  /** nr: a bureau identity without a role attribute. */
  nr: IDS.bureauNoRole,
  /** bg: a body identity that claims the gateway role (MarketMSP, role gateway). */
  bg: IDS.marketGatewayRole,
  /** pr: a ledger prober (MarketMSP, role probe): probes and nothing else. */
  pr: IDS.marketProber,
  /** ck: the clerk service (BureauMSP, role clerk): marks expiries when they fall due, and reads what is due. */
  ck: IDS.clerk,
} satisfies Record<string, Identity>;
type Caller = keyof typeof CALLERS;
const COLUMNS = Object.keys(CALLERS) as Caller[];

const AGREEMENT = 'app-1.MarketMSP';
const GRANT = `${AGREEMENT}.${MARKET_ENTITIES}`;
const RENEWED_UNTIL = '2027-03-02';

type Setup = (w: World) => Promise<Args> | Args;
type Args = (string | TxExtras)[];

/** A signed enterprise request of the AA enterprise, as the gateway brings it. */
const signed =
  (action: string, body: (w: World) => Record<string, unknown>): Setup =>
  (w) => [w.sign(w.aa, action, body(w))];

/** The AA enterprise asks to renew AGREEMENT to RENEWED_UNTIL, as the gateway brings it. */
async function requestRenewal(w: World): Promise<void> {
  await w.invoke(
    IDS.gateway,
    C.agreement,
    'RequestRenewal',
    w.sign(w.aa, 'RequestRenewal', { agreementId: AGREEMENT, validUntil: RENEWED_UNTIL }),
  );
}

async function approvedApp(w: World, id = 'app-2'): Promise<void> {
  await w.approvedApplication(w.aa, id, [demand(MARKET_ENTITIES)]);
}

async function draftedAgreement(w: World): Promise<Agreement> {
  await approvedApp(w);
  return w.draft(IDS.market, 'app-2', w.termsFor(IDS.market, [demand(MARKET_ENTITIES)]));
}

async function fileComplaint(w: World): Promise<void> {
  await w.invoke(
    IDS.market,
    C.complaint,
    'FileComplaint',
    secret({ complaint: JSON.stringify(complaintInput(GRANT)) }),
  );
}

/** A complaint as an enterprise or a citizen files it through the platform. */
const PLATFORM_COMPLAINT = {
  id: 'c-p',
  datasetId: MARKET_ENTITIES,
  category: 'quality',
  facts: '数据更新不及时,已注销企业仍在列表中。',
  receiptHash: sha('receipt'),
};

const anchor = (sequence: number, previousAnchorHash: string): string =>
  JSON.stringify({
    gatewayId: 'gw-1',
    sequence,
    merkleRoot: sha(`batch ${sequence}`),
    recordCount: 100,
    firstRecord: (sequence - 1) * 100,
    firstRecordAt: '2025-03-01T00:00:00.000Z',
    lastRecordAt: '2025-03-01T23:59:59.000Z',
    previousAnchorHash,
  });

/**
 * THE TABLE. Columns: the callers of CALLERS, in order. Y = allowed, - = refused with FORBIDDEN, N = refused with
 * NOT_FOUND. A body's reviewer (mR) reviews and reads; only its admin (mA) changes catalogue, agreements, grants.
 * Every row's objects belong to MarketMSP (so tA is "another body"); SETUP prepares each row's ledger.
 */
// prettier-ignore
const MATRIX: [fn: string, allowed: string][] = [
  // function                                   bA bR mA mR tA rg gw un nr bg pr ck
  ['system:GetVersion',                        'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['system:RecordProbe',                       '-  -  -  -  -  -  -  -  -  -  Y  -'],
  ['system:ReadProbe',                         'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],

  ['platform:RegisterBody',                    'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['platform:RemoveBody',                      'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['platform:ListBodies',                      'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['platform:SetCalendarYear',                 'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['platform:GetCalendarYear',                 'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['platform:Heartbeat',                       '-  -  -  -  -  -  -  -  -  -  -  Y'],
  ['platform:GetHeartbeat',                    'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['platform:SetReviewBatches',                '-  -  Y  -  Y  -  -  -  -  -  -  -'],
  ['platform:GetReviewBatches',                'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],

  ['enterprise:OnboardEnterprise',             'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['enterprise:RateEnterprise',                'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['enterprise:ExpireRating',                  'Y  Y  -  -  -  -  -  -  -  -  -  Y'],
  ['enterprise:ChangeEnterpriseKey',           'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['enterprise:ListEnterprises',               'Y  Y  -  -  -  Y  Y  -  -  -  -  -'],
  ['enterprise:GetEnterprise',                 'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],

  ['catalog:RegisterDataset',                  '-  -  Y  -  Y  -  -  -  -  -  -  -'],
  ['catalog:UpdateDataset',                    '-  -  Y  -  -  -  -  -  -  -  -  -'],
  ['catalog:ReviewListing',                    'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['catalog:ProposeAttributeChange',           '-  -  Y  -  -  -  -  -  -  -  -  -'],
  ['catalog:DecideAttributeChange',            'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['catalog:RecordCatalogueReview',            '-  -  Y  -  Y  -  -  -  -  -  -  -'],
  ['catalog:RecordDatasetVersion',             '-  -  Y  -  -  -  -  -  -  -  -  -'],
  ['catalog:GetDataset',                       'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['catalog:ListDatasets',                     'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],

  ['application:SubmitApplication',            '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['application:ResubmitApplication',          '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['application:FormalReview',                 'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['application:OwnerReview',                  '-  -  Y  Y  N  -  -  -  -  -  -  -'],
  ['application:DisputeReview',                '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['application:Coordinate',                   'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['application:ReReview',                     'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['application:GetApplication',               'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],

  ['agreement:DraftAgreement',                 '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:SignAgreementAsBody',            '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:SignAgreementAsEnterprise',      '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['agreement:ProposeRenewal',                 '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:AcceptRenewal',                  '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['agreement:RequestRenewal',                 '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['agreement:ApproveRenewalRequest',          '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:DeclineRenewalRequest',          '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:CompleteTermination',            'Y  Y  Y  -  N  -  -  -  -  -  -  Y'],
  ['agreement:TerminateAgreement',             'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['agreement:TerminateAgreementAsEnterprise', '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['agreement:GetAgreement',                   'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],
  ['agreement:ListAgreementIds',               'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['agreement:IndexDueDates',                  'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['agreement:DueIndexReady',                  'Y  Y  -  -  -  Y  Y  -  -  -  -  Y'],

  ['grant:SuspendGrant',                       'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['grant:RequireRectification',               'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['grant:RestoreGrant',                       'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['grant:WithdrawGrant',                      '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['grant:TerminateGrant',                     'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['grant:ExpireGrant',                        'Y  Y  Y  -  N  -  -  -  -  -  -  Y'],
  ['grant:GetGrant',                           'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],
  ['grant:ListGrants',                         'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],

  ['complaint:FileComplaint',                  'Y  Y  Y  -  -  -  -  -  -  -  -  -'],
  ['complaint:FileComplaintAsEnterprise',      '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['complaint:FileComplaintFromPublic',        '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['complaint:SuspendForComplaint',            'Y  Y  Y  -  N  -  -  -  -  -  -  -'],
  ['complaint:ResolveComplaint',               '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['complaint:RecordNotification',             '-  -  Y  -  N  -  -  -  -  -  -  -'],
  ['complaint:GetComplaint',                   'Y  Y  Y  Y  N  Y  -  -  -  -  -  -'],
  ['complaint:ListComplaints',                 'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],
  ['complaint:GetComplaintStatus',             '-  -  -  -  -  -  Y  -  -  -  -  -'],

  ['duty:ReportUsage',                         '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['duty:ReturnData',                          '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['duty:PublishProduct',                      '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['duty:ReportSecurityIssue',                 '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['duty:GetDuty',                             'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],
  ['duty:ListDuties',                          'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],
  ['duty:PublishCreditEvaluation',             'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['duty:ProposeCreditEvaluation',             'Y  Y  -  -  -  Y  -  -  -  -  -  -'],

  ['audit:RegisterGateway',                    'Y  Y  -  -  -  -  -  -  -  -  -  -'],
  ['audit:GetGateway',                         'Y  Y  -  -  -  Y  Y  -  -  -  -  -'],
  ['audit:SubmitAnchor',                       '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['audit:GetAnchor',                          'Y  Y  -  -  -  Y  Y  -  -  -  -  -'],
  ['audit:GetAnchorHead',                      'Y  Y  -  -  -  Y  Y  -  -  -  -  -'],
  ['audit:CommitFingerprint',                  '-  -  -  -  -  -  Y  -  -  -  -  -'],
  ['audit:GetFingerprintCommitment',           'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],

  ['query:GetHistory',                         'Y  Y  Y  Y  N  Y  Y  -  -  -  -  -'],
  ['query:ListGrantsDue',                      'Y  Y  -  -  -  Y  -  -  -  -  -  Y'],
  ['query:ListTerminationsDue',                'Y  Y  -  -  -  Y  -  -  -  -  -  Y'],
  ['query:BodyPerformance',                    'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],
  ['query:ListRatingsDue',                     'Y  Y  -  -  -  Y  -  -  -  -  -  Y'],
  ['query:ListOverdue',                        'Y  Y  -  -  -  Y  Y  -  -  -  -  Y'],
  ['query:ListReviewsDueSoon',                 'Y  Y  -  -  -  Y  Y  -  -  -  -  Y'],
  ['query:ListDutiesDueSoon',                  'Y  Y  -  -  -  Y  Y  -  -  -  -  Y'],
  ['query:ListApplications',                   'Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -'],
  ['query:ListRecipients',                     'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['query:ListRecipientsPage',                 'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
  ['query:ListCreditEvaluations',              'Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y'],
];

/** For each row: a ledger on which the call succeeds for an allowed caller, and the call's arguments. */
const SETUP: Record<string, Setup> = {
  'system:GetVersion': () => [],
  'system:RecordProbe': () => ['probe-1', 'note'],
  'system:ReadProbe': async (w) => {
    await w.invoke(IDS.marketProber, contractOf('system'), 'RecordProbe', 'probe-1', 'note');
    return ['probe-1'];
  },
  'platform:RegisterBody': (w) => {
    w.ledger.defineCollectionFor('HealthMSP');
    return ['HealthMSP', '丽水市卫生健康委员会'];
  },
  'platform:RemoveBody': () => ['TransportMSP'],
  'platform:ListBodies': () => [],
  'platform:SetCalendarYear': () => [JSON.stringify(CALENDAR_SEED[0])],
  'platform:GetCalendarYear': () => ['2025'],
  'platform:Heartbeat': () => [],
  'platform:GetHeartbeat': () => [],
  'platform:SetReviewBatches': () => [
    '2026',
    JSON.stringify(['2026-03-13', '2026-06-12', '2026-09-11', '2026-12-11']),
  ],
  'platform:GetReviewBatches': async (w) => {
    await w.invoke(
      IDS.market,
      C.platform,
      'SetReviewBatches',
      '2026',
      JSON.stringify(['2026-03-13', '2026-06-12', '2026-09-11', '2026-12-11']),
    );
    return ['MarketMSP', '2026'];
  },
  'enterprise:OnboardEnterprise': () => [
    JSON.stringify(enterpriseInput(CODES.spare, '丽水某数据公司', SPARE_KEY.publicKeyPem, ratingInput('AA'))),
  ],
  'enterprise:RateEnterprise': () => [CODES.aa, JSON.stringify(ratingInput('AAA'))],
  'enterprise:ExpireRating': async (w) => {
    const input = enterpriseInput(
      CODES.spare,
      '丽水某数据公司',
      SPARE_KEY.publicKeyPem,
      ratingInput('AA', { validUntil: '2025-03-31' }),
    );
    await w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', JSON.stringify(input));
    w.ledger.now = new Date('2025-04-02T02:00:00Z');
    return [CODES.spare];
  },
  'enterprise:ChangeEnterpriseKey': () => [CODES.aa, SPARE_KEY.publicKeyPem],
  'enterprise:ListEnterprises': () => ['10', ''],
  'enterprise:GetEnterprise': () => [CODES.aa],
  'catalog:RegisterDataset': () => [JSON.stringify({ ...marketEntitiesInput(), id: 'new-dataset' })],
  'catalog:UpdateDataset': () => [JSON.stringify({ ...marketEntitiesInput(), description: 'updated' })],
  'catalog:ProposeAttributeChange': () => [
    MARKET_ENTITIES,
    'prohibited',
    secret({ reason: '涉及个人隐私,经评估禁止开放' }),
  ],
  'catalog:RecordCatalogueReview': () => ['2025'],
  'catalog:ReviewListing': async (w) => {
    await w.invoke(
      IDS.market,
      C.catalog,
      'RegisterDataset',
      JSON.stringify({ ...marketEntitiesInput(), id: 'to-list' }),
    );
    return ['to-list', 'approve'];
  },
  'catalog:DecideAttributeChange': async (w) => {
    await w.invoke(
      IDS.market,
      C.catalog,
      'ProposeAttributeChange',
      MARKET_ENTITIES,
      'prohibited',
      secret({ reason: '涉及个人隐私,经评估禁止开放' }),
    );
    return [MARKET_ENTITIES, 'approve'];
  },
  'catalog:RecordDatasetVersion': () => [MARKET_ENTITIES, 'v1', sha('v1'), '10'],
  'catalog:GetDataset': () => [MARKET_ENTITIES],
  'catalog:ListDatasets': () => [],
  'application:SubmitApplication': signed('SubmitApplication', () => applicationBody('app-2')),
  'application:ResubmitApplication': async (w) => {
    await w.submit(w.aa, 'app-2');
    await w.formalReview('app-2', 'return', '材料不全，请补充');
    return [w.sign(w.aa, 'ResubmitApplication', applicationBody('app-2'))];
  },
  'application:FormalReview': async (w) => {
    await w.submit(w.aa, 'app-2');
    return ['app-2', 'accept', secret({ reason: '' })];
  },
  'application:OwnerReview': async (w) => {
    await w.submit(w.aa, 'app-2');
    await w.formalReview('app-2', 'accept');
    return ['app-2', 'approve', secret({ reason: '' })];
  },
  'application:DisputeReview': async (w) => {
    await w.submit(w.aa, 'app-2');
    await w.formalReview('app-2', 'accept');
    await w.ownerReview(IDS.market, 'app-2', 'reject', '数据涉及商业秘密');
    return [
      w.sign(w.aa, 'DisputeReview', {
        applicationId: 'app-2',
        body: 'MarketMSP',
        reason: '需求合理，请求协调',
      }),
    ];
  },
  'application:Coordinate': async (w) => {
    await w.submit(w.aa, 'app-2');
    await w.formalReview('app-2', 'accept');
    await w.ownerReview(IDS.market, 'app-2', 'escalate', '数据权属存在争议');
    return ['app-2', 'MarketMSP', 'approved', sha('minutes')];
  },
  'application:ReReview': async (w) => {
    await w.submit(w.aa, 'app-2');
    await w.formalReview('app-2', 'accept');
    await w.ownerReview(IDS.market, 'app-2', 'approve');
    return ['app-2', 'approve', secret({ reason: '' })];
  },
  'application:GetApplication': () => ['app-1'],
  'agreement:DraftAgreement': async (w) => {
    await approvedApp(w);
    return ['app-2', secret({ terms: JSON.stringify(w.termsFor(IDS.market, [demand(MARKET_ENTITIES)])) })];
  },
  'agreement:SignAgreementAsBody': async (w) => {
    const a = await draftedAgreement(w);
    return [a.id, a.termsHash];
  },
  'agreement:SignAgreementAsEnterprise': async (w) => {
    const a = await draftedAgreement(w);
    return [w.sign(w.aa, 'SignAgreement', { agreementId: a.id, termsHash: a.termsHash })];
  },
  'agreement:ProposeRenewal': () => [AGREEMENT, RENEWED_UNTIL],
  'agreement:AcceptRenewal': async (w) => {
    await w.invoke(IDS.market, C.agreement, 'ProposeRenewal', AGREEMENT, RENEWED_UNTIL);
    return [w.sign(w.aa, 'AcceptRenewal', { agreementId: AGREEMENT, validUntil: RENEWED_UNTIL })];
  },
  'agreement:RequestRenewal': signed('RequestRenewal', () => ({
    agreementId: AGREEMENT,
    validUntil: RENEWED_UNTIL,
  })),
  'agreement:ApproveRenewalRequest': async (w) => {
    await requestRenewal(w);
    return [AGREEMENT];
  },
  'agreement:DeclineRenewalRequest': async (w) => {
    await requestRenewal(w);
    return [AGREEMENT, secret({ reason: '数据即将停止更新' })];
  },
  'agreement:CompleteTermination': async (w) => {
    // An agreement with a 10-day notice period, notice given, and the period run.
    await w.activeGrants(w.aa, 'app-2', [demand(MARKET_ENTITIES)], { noticeDays: 10 });
    await w.invoke(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      'app-2.MarketMSP',
      w.today(),
      secret({ reason: '业务调整' }),
    );
    w.ledger.now = new Date(w.ledger.now.getTime() + 11 * 86_400_000);
    return ['app-2.MarketMSP'];
  },
  'agreement:TerminateAgreement': (w) => [AGREEMENT, w.today(), secret({ reason: '严重违约' })],
  'agreement:TerminateAgreementAsEnterprise': signed('TerminateAgreement', (w) => ({
    agreementId: AGREEMENT,
    reason: '业务调整',
    noticeDate: w.today(),
  })),
  'agreement:GetAgreement': () => [AGREEMENT],
  'agreement:ListAgreementIds': () => ['10', ''],
  'agreement:IndexDueDates': () => [JSON.stringify({ ids: [AGREEMENT] }), 'false'],
  'agreement:DueIndexReady': () => [],
  'grant:SuspendGrant': () => [GRANT, 'violation', secret({ note: '违规使用' })],
  'grant:RequireRectification': async (w) => {
    await w.invoke(IDS.market, C.grant, 'SuspendGrant', GRANT, 'violation', secret({ note: '违规使用' }));
    return [GRANT, '2025-03-20'];
  },
  'grant:RestoreGrant': async (w) => {
    await w.invoke(IDS.market, C.grant, 'SuspendGrant', GRANT, 'violation', secret({ note: '违规使用' }));
    return [GRANT, secret({ note: '整改完成' })];
  },
  'grant:WithdrawGrant': () => [GRANT, secret({ note: '撤回授权' })],
  'grant:TerminateGrant': () => [GRANT, secret({ note: '终止授权' })],
  'grant:ExpireGrant': (w) => {
    w.ledger.now = new Date('2026-04-01T02:00:00Z');
    return [GRANT];
  },
  'grant:GetGrant': () => [GRANT],
  'grant:ListGrants': () => ['{}', '10', ''],
  'complaint:FileComplaint': () => [secret({ complaint: JSON.stringify(complaintInput()) })],
  'complaint:FileComplaintAsEnterprise': signed('FileComplaint', () => PLATFORM_COMPLAINT),
  'complaint:FileComplaintFromPublic': () => [
    secret({ complaint: JSON.stringify({ ...PLATFORM_COMPLAINT, contactHash: sha('contact') }) }),
  ],
  'complaint:SuspendForComplaint': async (w) => {
    await fileComplaint(w);
    return ['c-1'];
  },
  'complaint:ResolveComplaint': async (w) => {
    await fileComplaint(w);
    return ['c-1', 'dismiss', secret({ note: '经核实投诉不成立' })];
  },
  'complaint:RecordNotification': async (w) => {
    await fileComplaint(w);
    await w.invoke(
      IDS.market,
      C.complaint,
      'ResolveComplaint',
      'c-1',
      'dismiss',
      secret({ note: '经核实投诉不成立' }),
    );
    return ['c-1', 'phone', w.today(), sha('told')];
  },
  'complaint:GetComplaint': async (w) => {
    await fileComplaint(w);
    return ['c-1'];
  },
  'complaint:ListComplaints': async (w) => {
    await fileComplaint(w);
    return ['{}', '10', ''];
  },
  'complaint:GetComplaintStatus': async (w) => {
    await w.invoke(
      IDS.gateway,
      C.complaint,
      'FileComplaintFromPublic',
      secret({ complaint: JSON.stringify({ ...PLATFORM_COMPLAINT, contactHash: sha('contact') }) }),
    );
    return ['c-p', sha('receipt')];
  },
  'duty:ReportUsage': signed('ReportUsage', () => ({
    agreementId: AGREEMENT,
    period: '2025-Q1',
    callCount: 10,
    reportHash: sha('r'),
  })),
  'duty:ReturnData': signed('ReturnData', () => ({
    agreementId: AGREEMENT,
    contentHash: sha('rows'),
    rowCount: 42,
  })),
  'duty:PublishProduct': signed('PublishProduct', (w) => ({
    agreementId: AGREEMENT,
    name: '企业信用画像',
    address: 'https://credit.example.cn/product',
    publishedOn: w.today(),
  })),
  'duty:ReportSecurityIssue': signed('ReportSecurityIssue', () => ({
    agreementId: AGREEMENT,
    severity: 'low',
    descriptionHash: sha('d'),
  })),
  'duty:ProposeCreditEvaluation': () => [CODES.aa, '2025'],
  'duty:PublishCreditEvaluation': () => [
    JSON.stringify({ creditCode: CODES.aa, period: '2025', grade: 'good', summary: '按时履行义务' }),
  ],
  'audit:RegisterGateway': () => ['gw-1', certificateOf(IDS.gateway)],
  'audit:GetGateway': async (w) => {
    await w.registerGateway();
    return ['gw-1'];
  },
  'audit:SubmitAnchor': async (w) => {
    await w.registerGateway();
    return [anchor(1, '0'.repeat(64))];
  },
  'audit:GetAnchor': async (w) => {
    await w.registerGateway();
    await w.invoke(IDS.gateway, C.audit, 'SubmitAnchor', anchor(1, '0'.repeat(64)));
    return ['gw-1', '1'];
  },
  'audit:GetAnchorHead': () => ['gw-1'],
  'audit:CommitFingerprint': () => [GRANT, sha('key of the grant')],
  'audit:GetFingerprintCommitment': async (w) => {
    await w.invoke(IDS.gateway, C.audit, 'CommitFingerprint', GRANT, sha('key of the grant'));
    return [GRANT];
  },
  'duty:GetDuty': async (w) => {
    const duty = await w.asEnterprise<{ id: string }>(w.aa, C.duty, 'ReportUsage', 'ReportUsage', {
      agreementId: AGREEMENT,
      period: '2025-Q1',
      callCount: 1,
      reportHash: sha('report'),
    });
    return [duty.id];
  },
  'duty:ListDuties': () => ['{}', '10', ''],
  'query:GetHistory': () => ['grant', GRANT],
  'query:ListGrantsDue': (w) => {
    w.ledger.now = new Date('2026-04-01T02:00:00Z');
    return ['ACTIVE', '10', ''];
  },
  'query:ListRatingsDue': () => ['10', ''],
  'query:ListTerminationsDue': () => ['10', ''],
  'query:BodyPerformance': () => ['2025Q1'],
  'query:ListOverdue': () => [],
  'query:ListReviewsDueSoon': () => ['3'],
  'query:ListDutiesDueSoon': () => ['7'],
  'query:ListApplications': () => ['{}', '10', ''],
  'query:ListRecipients': () => [],
  'query:ListRecipientsPage': () => ['10', ''],
  'query:ListCreditEvaluations': () => [],
};

const SPARE_KEY = new EnterpriseKey();

const INSTANCES = contracts.map((K) => new K());
function contractOf(name: string): (typeof INSTANCES)[number] {
  const found = INSTANCES.find((c) => c.getName() === name);
  expect(found, `no contract ${name}`).to.be.an('object');
  return found!;
}

/** Every `contract:Function` the chaincode declares as a transaction. */
function declaredFunctions(): string[] {
  const out: string[] = [];
  for (const K of contracts) {
    const name = new K().getName();
    for (const tx of (Reflect.getMetadata('fabric:transactions', K.prototype) ?? []) as { name: string }[])
      out.push(`${name}:${tx.name}`);
  }
  return out.sort();
}

/** A copy of everything a FakeLedger holds, to run every column on the same ledger. */
interface Saved {
  state: Map<string, Buffer>;
  collections: Map<string, Map<string, Buffer>>;
  policies: Map<string, Uint8Array>;
  history: Map<string, { txId: string; time: Date; value?: Buffer }[]>;
  events: FakeLedger['events'];
  now: Date;
}

function save(l: FakeLedger): Saved {
  return {
    state: new Map(l.state),
    // Each body's private data too: a row's setup or call must not leak into the next row's ledger.
    collections: new Map([...l.collections].map(([c, m]) => [c, new Map(m)])),
    policies: new Map(l.policies),
    history: new Map([...l.history].map(([k, v]) => [k, [...v]])),
    events: [...l.events],
    now: new Date(l.now),
  };
}

function restore(l: FakeLedger, s: Saved): void {
  l.state.clear();
  for (const [k, v] of s.state) l.state.set(k, v);
  for (const [c, m] of l.collections) {
    m.clear();
    for (const [k, v] of s.collections.get(c) ?? []) m.set(k, v);
  }
  l.policies.clear();
  for (const [k, v] of s.policies) l.policies.set(k, v);
  l.history.clear();
  for (const [k, v] of s.history) l.history.set(k, [...v]);
  l.events.splice(0, l.events.length, ...s.events);
  l.now = new Date(s.now);
}

type Cell = 'Y' | '-' | 'N';
const REFUSAL = { '-': 'FORBIDDEN', N: 'NOT_FOUND' } as const;

function parseRow(allowed: string): Record<Caller, Cell> {
  const cells = allowed.trim().split(/\s+/);
  expect(cells.length, `row "${allowed}" has ${cells.length} cells`).to.equal(COLUMNS.length);
  return Object.fromEntries(
    COLUMNS.map((c, i) => {
      expect(cells[i], `cell "${cells[i]}"`).to.be.oneOf(['Y', '-', 'N']);
      return [c, cells[i] as Cell];
    }),
  ) as Record<Caller, Cell>;
}

describe('authorization matrix: who may call what', () => {
  it('the table names every transaction of the chaincode exactly once', () => {
    const named = MATRIX.map(([fn]) => fn).sort();
    expect(new Set(named).size, 'no row twice').to.equal(named.length);
    expect(named).to.deep.equal(declaredFunctions());
    expect(Object.keys(SETUP).sort(), 'one set-up per row').to.deep.equal(named);
  });

  describe('every function × every caller: allowed callers succeed, all others are refused and write nothing', () => {
    // One world with the AA enterprise's grant on market-entities (agreement app-1.MarketMSP in force).
    let w: World;
    let base: Saved;
    before(async () => {
      w = await World.create();
      await w.activeGrants(w.aa, 'app-1');
      base = save(w.ledger);
    });

    it('every row starts from a ledger with agreement app-1.MarketMSP in force and its grant ACTIVE', () => {
      restore(w.ledger, base);
      const stored = (type: string, id: string): unknown =>
        JSON.parse(w.ledger.state.get(stateKey(type, id))?.toString('utf8') ?? 'null');
      expect(stored('agreement', AGREEMENT)).to.include({ state: 'IN_FORCE' });
      expect(stored('grant', GRANT)).to.include({ state: 'ACTIVE', creditCode: CODES.aa });
    });

    for (const [fn, allowed] of MATRIX) {
      const setup = SETUP[fn]!;
      it(fn, async () => {
        const [contractName, method] = fn.split(':') as [string, string];
        const contract = contractOf(contractName);
        const expected = parseRow(allowed);
        restore(w.ledger, base);
        const args = await setup(w);
        const prepared = save(w.ledger);
        for (const caller of COLUMNS) {
          restore(w.ledger, prepared);
          const who = CALLERS[caller];
          const call = (): Promise<string> => w.invoke(who, contract, method, ...args);
          const cell = expected[caller];
          if (cell === 'Y') {
            await call().catch((err: Error) =>
              expect.fail(`${fn} as ${caller} should be allowed, but: ${err.message}`),
            );
          } else {
            await refused(w.ledger, call, REFUSAL[cell]).catch((err: Error) =>
              expect.fail(`${fn} as ${caller} should be ${REFUSAL[cell]}: ${err.message}`),
            );
          }
        }
      });
    }
  });

  it('another body asking for a grant learns nothing: not its enterprise, not its owner, not that it exists', async () => {
    const w = await World.create();
    await w.activeGrants(w.aa, 'app-1');
    const err = await w.invoke(IDS.transport, C.grant, 'GetGrant', GRANT).then(
      () => expect.fail('transport read market’s grant'),
      (e: Error) => e,
    );
    const missing = await w.invoke(IDS.transport, C.grant, 'GetGrant', `${GRANT}.nope`).then(
      () => expect.fail('a missing grant was read'),
      (e: Error) => e,
    );
    expect(errorCodeOf(err.message)).to.equal('NOT_FOUND');
    expect(err.message.replace(GRANT, '?'), 'the same answer as for a missing grant').to.equal(
      missing.message.replace(`${GRANT}.nope`, '?'),
    );
    expect(err.message, 'the enterprise is not disclosed to another body').not.to.match(new RegExp(CODES.aa));
    expect(err.message.replace(GRANT, '?'), 'the owner is not named').not.to.include('MarketMSP');
  });
});
