import { expect } from 'chai';
import { EnterpriseKey, IDS, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  World,
  applicationBody,
  demand,
  sha,
  validForm,
  refusalFor,
  signedRequest,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Application } from '../models/application';

const BOTH = [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)];

/** An application of the AA enterprise accepted in formal review, awaiting the bodies of `demands`. */
async function inOwnerReview(
  w: World,
  id: string,
  demands = [demand(MARKET_ENTITIES)],
): Promise<Application> {
  await w.submit(w.aa, id, demands);
  return w.formalReview(id, 'accept');
}

describe('ApplicationContract', () => {
  it('an AA enterprise files an application through the gateway: FORMAL_REVIEW, revision 1, bodies from the catalog', async () => {
    const w = await World.create();
    // The catalog says which body owns a dataset: a demand naming one is refused, not silently corrected.
    const naming = applicationBody('app-1', [
      { ...demand(MARKET_ENTITIES, ['uscc', 'name']), body: 'TransportMSP' } as ReturnType<typeof demand>,
    ]);
    await w.refused(
      () =>
        w.invoke(IDS.gateway, C.application, 'SubmitApplication', w.sign(w.aa, 'SubmitApplication', naming)),
      'INVALID_ARGUMENT',
      /demands\[0\] has an unknown field "body": it takes scenario, datasetId and items/,
    );
    const body = applicationBody('app-1', [demand(MARKET_ENTITIES, ['uscc', 'name'])]);
    const shell = await w.call<Application>(
      IDS.gateway,
      C.application,
      'SubmitApplication',
      w.sign(w.aa, 'SubmitApplication', body),
    );
    // The result (written into the block) is the shell: no form, demands or documents.
    expect(shell).not.to.have.any.keys('form', 'demands', 'documents');
    expect(shell.bodies).to.deep.equal(['MarketMSP']);
    const app = await w.getApplication('app-1');
    expect(app.state).to.equal('FORMAL_REVIEW');
    expect(app.revision).to.equal(1);
    expect(app.creditCode).to.equal(CODES.aa);
    expect(app.demands).to.deep.equal([
      {
        scenario: demand(MARKET_ENTITIES).scenario,
        datasetId: MARKET_ENTITIES,
        items: ['uscc', 'name'],
        body: 'MarketMSP',
      },
    ]);
    expect(app.ownerReviews).to.deep.equal({});
    expect(app.submittedAt).to.equal(w.ledger.now.toISOString());
    expect(app.deadline?.step).to.equal('formal-review');
    expect(app.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'gateway' });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.APPLICATION_SUBMITTED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'application', id: 'app-1', state: 'FORMAL_REVIEW', enterprise: CODES.aa },
    ]);
    expect(app).to.deep.include(shell);
    // AAA may apply as well.
    expect((await w.submit(w.aaa, 'app-2')).state).to.equal('FORMAL_REVIEW');
  });

  it('an A-rated enterprise is refused RATING_INSUFFICIENT', async () => {
    const w = await World.create();
    await w.refused(() => w.submit(w.a, 'app-a'), 'RATING_INSUFFICIENT');
  });

  it('unsigned, forged and tampered requests are refused BAD_SIGNATURE', async () => {
    const w = await World.create();
    const [json, signature] = w.signRaw(w.aa, 'SubmitApplication', applicationBody('app-1'));
    const submit = (j: string, s: string) => () =>
      w.invoke(IDS.gateway, C.application, 'SubmitApplication', signedRequest([j, s]));
    await w.refused(submit(json, ''), 'BAD_SIGNATURE');
    await w.refused(submit(json, 'x'.repeat(86)), 'BAD_SIGNATURE');
    // Signed by someone else's key in the name of the AA enterprise.
    const forged = w.aaa.key.sign(CODES.aa, 'SubmitApplication', applicationBody('app-1'), w.ledger.now);
    await w.refused(submit(...forged), 'BAD_SIGNATURE');
    const stranger = new EnterpriseKey().sign(
      CODES.aa,
      'SubmitApplication',
      applicationBody('app-1'),
      w.ledger.now,
    );
    await w.refused(submit(...stranger), 'BAD_SIGNATURE');
    // A genuine signature over another body.
    const tampered = JSON.parse(json) as { body: { id: string } };
    tampered.body.id = 'app-9';
    await w.refused(submit(JSON.stringify(tampered), signature), 'BAD_SIGNATURE');
    // A relaying gateway slips in keys that a naive canonical form would drop: "__proto__" is data, and a field
    // the request does not take (refused before its signature is checked).
    for (const [slipped, where] of [
      [json.replace(/^\{/, '{"__proto__":{"admin":true},'), 'request'],
      [json.replace(/"body":\{/, '"body":{"__proto__":{"id":"app-9"},'), 'request.body'],
    ] as const) {
      expect(slipped, 'the key was slipped in').to.include('"__proto__"');
      await w.refused(
        submit(slipped, signature),
        'INVALID_ARGUMENT',
        new RegExp(`^\\[INVALID_ARGUMENT\\] ${where.replace('.', '\\.')} has an unknown field "__proto__"`),
      );
    }
    // The genuine request still goes through.
    await w.invoke(IDS.gateway, C.application, 'SubmitApplication', signedRequest([json, signature]));
  });

  it('the same signed request brought twice is REPLAYED', async () => {
    const w = await World.create();
    const signed = w.sign(w.aa, 'SubmitApplication', applicationBody('app-1'));
    await w.invoke(IDS.gateway, C.application, 'SubmitApplication', signed);
    await w.refused(() => w.invoke(IDS.gateway, C.application, 'SubmitApplication', signed), 'REPLAYED');
  });

  it('a request signed for another action, too far from the transaction time, or for an unknown enterprise is refused', async () => {
    const w = await World.create();
    const submit = (signed: [string, string]) => () =>
      w.invoke(IDS.gateway, C.application, 'SubmitApplication', signedRequest(signed));
    await w.refused(
      submit(w.signRaw(w.aa, 'ResubmitApplication', applicationBody('app-1'))),
      'INVALID_ARGUMENT',
    );
    const early = w.aa.key.sign(
      CODES.aa,
      'SubmitApplication',
      applicationBody('app-1'),
      new Date(w.ledger.now.getTime() - 16 * 60_000),
    );
    await w.refused(submit(early), 'INVALID_ARGUMENT');
    const key = new EnterpriseKey();
    await w.refused(
      submit(key.sign(CODES.spare, 'SubmitApplication', applicationBody('app-1'), w.ledger.now)),
      'NOT_FOUND',
    );
    await w.refused(
      () =>
        w.invoke(
          IDS.gateway,
          C.application,
          'SubmitApplication',
          signedRequest(['{"action":"SubmitApplication"}', 'sig']),
        ),
      'INVALID_ARGUMENT',
    );
    // Within 15 minutes is fine.
    const recent = w.aa.key.sign(
      CODES.aa,
      'SubmitApplication',
      applicationBody('app-1'),
      new Date(w.ledger.now.getTime() - 14 * 60_000),
    );
    await w.invoke(IDS.gateway, C.application, 'SubmitApplication', signedRequest(recent));
  });

  it('only the gateway brings enterprise requests: anyone else is FORBIDDEN, even a MarketMSP "gateway"', async () => {
    const w = await World.create();
    for (const who of [
      IDS.market,
      IDS.marketGatewayRole,
      IDS.bureau,
      IDS.regulator,
      IDS.bureauNoRole,
      IDS.stranger,
    ]) {
      const signed = w.sign(w.aa, 'SubmitApplication', applicationBody('app-1'));
      await w.refused(() => w.invoke(who, C.application, 'SubmitApplication', signed), 'FORBIDDEN');
    }
  });

  it('free text with an 18-digit ID number or an 11-digit mobile number is refused INVALID_ARGUMENT', async () => {
    const w = await World.create();
    const withForm = (overrides: Record<string, unknown>) => () =>
      w.submit(w.aa, 'app-1', undefined, { ...validForm(), ...overrides });
    await w.refused(withForm({ scenarios: '联系人身份证 33010219900101123X 负责对接' }), 'INVALID_ARGUMENT');
    await w.refused(withForm({ serviceUsers: '客户 330102199001011234' }), 'INVALID_ARGUMENT');
    await w.refused(withForm({ serviceScope: '咨询电话13812345678' }), 'INVALID_ARGUMENT');
    await w.refused(withForm({ machineRoom: 'room 1 contact 19912345678.' }), 'INVALID_ARGUMENT');
    // A contact in clear where a hash belongs.
    await w.refused(withForm({ contactPhoneHash: '13812345678' }), 'INVALID_ARGUMENT');
    await w.refused(
      () => w.submit(w.aa, 'app-1', [{ ...demand(MARKET_ENTITIES), scenario: '核验 13912345678 的企业' }]),
      'INVALID_ARGUMENT',
    );
    // Numbers that are neither are fine: a landline, a year, a count, a 12-digit order number.
    const ok = await w.submit(w.aa, 'app-1', undefined, {
      ...validForm(),
      serviceScope: '丽水市 2025 年起服务 10000 家企业',
      serviceUsers: '热线 0578-2123456',
      expectedBenefit: '订单号 123456789012 的审批提速',
    });
    expect(ok.form.serviceUsers).to.equal('热线 0578-2123456');
  });

  it('malformed forms are refused INVALID_ARGUMENT', async () => {
    const w = await World.create();
    for (const overrides of [
      { serviceName: '' },
      { concurrency: 0 },
      { concurrency: '50' },
      { mlpsLevel: 6 },
      { contactNameHash: sha('x').toUpperCase() },
      { contactIdHash: undefined },
    ]) {
      await w.refused(
        () => w.submit(w.aa, 'app-1', undefined, { ...validForm(), ...overrides }),
        'INVALID_ARGUMENT',
      );
    }
    const noDocuments = { ...applicationBody('app-1'), documents: { mlpsCertificate: sha('x') } };
    await w.refused(
      () => w.asEnterprise(w.aa, C.application, 'SubmitApplication', 'SubmitApplication', noDocuments),
      'INVALID_ARGUMENT',
    );
    // A misspelt field inside the form or the documents would be signed and then dropped: refused, named.
    await w.refused(
      () => w.submit(w.aa, 'app-1', undefined, { ...validForm(), machineRom: '丽水机房' }),
      'INVALID_ARGUMENT',
      /form has an unknown field "machineRom": it takes serviceName, field, .* and contactPhoneHash$/,
    );
    const extraDocument = applicationBody('app-1');
    extraDocument.documents = { ...(extraDocument.documents as object), businessLicence: sha('licence') };
    await w.refused(
      () => w.asEnterprise(w.aa, C.application, 'SubmitApplication', 'SubmitApplication', extraDocument),
      'INVALID_ARGUMENT',
      /documents has an unknown field "businessLicence": it takes mlpsCertificate, creditReport and securityCommitment$/,
    );
  });

  it('demands: an unconditional, unknown or repeated dataset, unknown or no items are refused', async () => {
    const w = await World.create();
    await w.refused(
      () =>
        w.submit(w.aa, 'app-1', [
          { ...demand(MARKET_ENTITIES), datasetId: MARKET_NOTICES, items: ['title'] },
        ]),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.submit(w.aa, 'app-1', [{ ...demand(MARKET_ENTITIES), datasetId: 'no-such' }]),
      'NOT_FOUND',
    );
    await w.refused(
      () => w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES, ['uscc', 'salary'])]),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES, [])]), 'INVALID_ARGUMENT');
    await w.refused(
      () => w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES, ['uscc', 'uscc'])]),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES, ['uscc']), demand(MARKET_ENTITIES, ['name'])]),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.submit(w.aa, 'app-1', []), 'INVALID_ARGUMENT');
  });

  it('a prohibited dataset cannot be demanded either', async () => {
    const w = await World.create();
    await w.invoke(
      IDS.market,
      C.catalog,
      'RegisterDataset',
      JSON.stringify({
        id: 'market-secret',
        name: '禁止开放',
        openAttribute: 'prohibited',
        format: 'csv',
        items: [{ name: 'x', label: 'x', type: 'string' }],
        updateFrequency: 'yearly',
      }),
    );
    await w.refused(() => w.submit(w.aa, 'app-1', [demand('market-secret', ['x'])]), 'INVALID_ARGUMENT');
  });

  it('an application id is used once', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.refused(() => w.submit(w.aaa, 'app-1'), 'ALREADY_EXISTS');
  });

  it('formal review: the bureau accepts into OWNER_REVIEW with the quarterly batch and a new deadline', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    const accepted = await w.call<Application>(
      IDS.bureauReviewer,
      C.application,
      'FormalReview',
      'app-1',
      'accept',
      secret({ reason: '' }),
    );
    expect(accepted.state).to.equal('OWNER_REVIEW');
    expect(accepted.formalReview?.decision).to.equal('accepted');
    // Submitted Mon 2025-03-03: the batch due Mar 30; 15 working days (no holiday in March) end Mon Mar 24.
    expect(accepted.ownerReviewBatch).to.equal('2025-03-30');
    expect(accepted.deadline).to.deep.equal({
      step: 'owner-review',
      due: '2025-03-24',
      rule: "L11(3): 15 working days, and each body's quarterly review batch",
    });
    expect(accepted.ownerReviewDue).to.deep.equal({ MarketMSP: '2025-03-24' });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.FORMAL_REVIEWED);
    await w.refused(() => w.formalReview('app-1', 'accept'), 'INVALID_STATE');
  });

  it('formal review: only the bureau; a valid decision; an existing application', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    for (const who of [IDS.market, IDS.regulator, IDS.gateway, IDS.bureauNoRole, IDS.stranger]) {
      await w.refused(
        () => w.invoke(who, C.application, 'FormalReview', 'app-1', 'accept', secret({ reason: '' })),
        'FORBIDDEN',
      );
    }
    await w.refused(
      () => w.invoke(IDS.bureau, C.application, 'FormalReview', 'app-1', 'approve', secret({ reason: '' })),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.formalReview('app-9', 'accept'), 'NOT_FOUND');
  });

  it('a return needs a reason; returned → resubmitted → FORMAL_REVIEW with revision 2', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.refused(() => w.formalReview('app-1', 'return', ''), 'INVALID_ARGUMENT');
    await w.refused(() => w.formalReview('app-1', 'return', 'no'), 'INVALID_ARGUMENT');
    await w.refused(() => w.formalReview('app-1', 'return', 'call 13812345678'), 'INVALID_ARGUMENT');
    const returned = await w.formalReview('app-1', 'return', 'the MLPS certificate has expired');
    expect(returned.state).to.equal('RETURNED');
    expect(returned.formalReview?.reason).to.deep.equal('the MLPS certificate has expired');
    expect(returned.deadline).to.equal(undefined);
    await w.refused(() => w.formalReview('app-1', 'accept'), 'INVALID_STATE');

    w.ledger.now = new Date('2025-03-05T02:00:00Z');
    const form = { ...validForm(), mlpsFiling: '33110043001-25099' };
    const resubmitted = await w.resubmit(w.aa, 'app-1', [demand(MARKET_ENTITIES, ['uscc'])], form);
    expect(resubmitted.state).to.equal('FORMAL_REVIEW');
    expect(resubmitted.revision).to.equal(2);
    expect(resubmitted.form.mlpsFiling).to.equal('33110043001-25099');
    expect(resubmitted.demands[0]?.items).to.deep.equal(['uscc']);
    expect(resubmitted.formalReview).to.equal(undefined);
    expect(resubmitted.submittedAt).to.equal('2025-03-05T02:00:00.000Z');
    // Wed Mar 5 + 15 working days = Wed Mar 26.
    expect(resubmitted.deadline?.due).to.equal('2025-03-26');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.APPLICATION_RESUBMITTED);
  });

  it('resubmission: only of a RETURNED application, only by its enterprise, through the gateway', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    const resubmit =
      (e = w.aa) =>
      () =>
        w.asEnterprise(
          e,
          C.application,
          'ResubmitApplication',
          'ResubmitApplication',
          applicationBody('app-1'),
        );
    await w.refused(resubmit(), 'INVALID_STATE');
    await w.formalReview('app-1', 'return', 'documents are missing');
    await w.refused(resubmit(w.aaa), 'FORBIDDEN');
    const signed = w.sign(w.aa, 'ResubmitApplication', applicationBody('app-1'));
    await w.refused(() => w.invoke(IDS.market, C.application, 'ResubmitApplication', signed), 'FORBIDDEN');
    await w.refused(
      () =>
        w.asEnterprise(
          w.aa,
          C.application,
          'ResubmitApplication',
          'ResubmitApplication',
          applicationBody('app-9'),
        ),
      'NOT_FOUND',
    );
    // Downgraded meanwhile: no resubmission.
    await w.rate(w.aa, 'A');
    await w.refused(resubmit(), 'RATING_INSUFFICIENT');
  });

  it('a body added by a resubmission may read and review the application', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.refused(() => w.invoke(IDS.transport, C.application, 'GetApplication', 'app-1'), 'NOT_FOUND');
    await w.formalReview('app-1', 'return', 'add the vehicle data you need');
    await w.resubmit(w.aa, 'app-1', BOTH);
    await w.formalReview('app-1', 'accept');
    const read = await w.call<Application>(IDS.transport, C.application, 'GetApplication', 'app-1');
    expect(read.demands.map((d) => d.body)).to.deep.equal(['MarketMSP', 'TransportMSP']);
    await w.ownerReview(IDS.transport, 'app-1', 'approve');
  });

  it('owner review: only the bodies named in the demand list, in OWNER_REVIEW', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'approve'), 'INVALID_STATE');
    await w.formalReview('app-1', 'accept');
    await w.refused(() => w.ownerReview(IDS.transport, 'app-1', 'approve'), 'NOT_FOUND');
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(() => w.ownerReview(who, 'app-1', 'approve'), 'FORBIDDEN');
    }
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'accept' as 'approve'), 'INVALID_ARGUMENT');
    await w.refused(() => w.ownerReview(IDS.market, 'app-9', 'approve'), 'NOT_FOUND');
  });

  it('owner review: a rejection or an escalation needs a reason', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1');
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'reject'), 'INVALID_ARGUMENT');
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'reject', '   '), 'INVALID_ARGUMENT');
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'escalate'), 'INVALID_ARGUMENT');
    const rejected = await w.ownerReview(
      IDS.market,
      'app-1',
      'reject',
      'the purpose does not need ID numbers',
    );
    expect(rejected.ownerReviews.MarketMSP?.decision).to.equal('rejected');
    expect(rejected.ownerReviews.MarketMSP?.reason).to.equal('the purpose does not need ID numbers');
    expect(rejected.ownerReviews.MarketMSP?.by).to.equal('MarketMSP');
    expect(rejected.state).to.equal('RE_REVIEW');
  });

  it('two bodies: RE_REVIEW only after both decided, each once', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1', BOTH);
    const first = await w.ownerReview(IDS.market, 'app-1', 'approve');
    expect(first.state).to.equal('OWNER_REVIEW');
    expect(Object.keys(first.ownerReviews)).to.deep.equal(['MarketMSP']);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.OWNER_REVIEWED);
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'reject', 'changed my mind'), 'INVALID_STATE');

    w.ledger.now = new Date('2025-03-10T02:00:00Z');
    const second = await w.ownerReview(IDS.transport, 'app-1', 'approve');
    expect(second.state).to.equal('RE_REVIEW');
    // Mon Mar 10 + 15 working days = Mon Mar 31.
    expect(second.deadline).to.deep.equal({
      step: 're-review',
      due: '2025-03-31',
      rule: 'L11: 15 working days',
    });
    await w.refused(() => w.ownerReview(IDS.transport, 'app-1', 'approve'), 'INVALID_STATE');
  });

  it('escalate → COORDINATION → the bureau coordinates → RE_REVIEW, and the coordinated demand counts', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1', BOTH);
    await w.ownerReview(IDS.market, 'app-1', 'escalate', 'unsure whether ID numbers may be opened');
    const bothDecided = await w.ownerReview(IDS.transport, 'app-1', 'reject', 'no vehicles for this purpose');
    expect(bothDecided.state).to.equal('COORDINATION');
    expect(bothDecided.deadline?.step).to.equal('coordination');
    // L11 sets no time for coordination: the deadline says it is the platform's.
    expect(bothDecided.deadline?.rule).to.equal(
      'platform: 15 working days (L11(3) sets none for coordination)',
    );

    const coordinate =
      (who = IDS.bureau, body = 'MarketMSP', outcome = 'approved', minutes = sha('minutes')) =>
      () =>
        w.invoke(who, C.application, 'Coordinate', 'app-1', body, outcome, minutes);
    await w.refused(coordinate(IDS.market), 'FORBIDDEN');
    await w.refused(coordinate(IDS.regulator), 'FORBIDDEN');
    await w.refused(coordinate(IDS.bureau, 'TransportMSP'), 'INVALID_STATE');
    await w.refused(coordinate(IDS.bureau, 'OtherMSP'), 'INVALID_STATE');
    await w.refused(coordinate(IDS.bureau, 'MarketMSP', 'maybe'), 'INVALID_ARGUMENT');
    await w.refused(coordinate(IDS.bureau, 'MarketMSP', 'approved', 'minutes.pdf'), 'INVALID_ARGUMENT');

    const settled = JSON.parse(await coordinate()()) as Application;
    expect(settled.state).to.equal('RE_REVIEW');
    expect(settled.ownerReviews.MarketMSP?.coordination).to.deep.equal({
      outcome: 'approved',
      minutesHash: sha('minutes'),
      at: w.ledger.now.toISOString(),
    });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.COORDINATED);
    await w.refused(coordinate(), 'INVALID_STATE');
    const approved = await w.reReview('app-1', 'approve');
    expect(approved.state).to.equal('APPROVED');
  });

  it('an escalation waits for the other bodies before coordination', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1', BOTH);
    const escalated = await w.ownerReview(IDS.market, 'app-1', 'escalate', 'needs the bureau to decide');
    expect(escalated.state).to.equal('OWNER_REVIEW');
    await w.refused(
      () => w.invoke(IDS.bureau, C.application, 'Coordinate', 'app-1', 'MarketMSP', 'approved', sha('m')),
      'INVALID_STATE',
    );
  });

  it('the enterprise disputes a rejection in RE_REVIEW → COORDINATION → coordinated rejection → RE_REVIEW', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1');
    await w.ownerReview(IDS.market, 'app-1', 'reject', 'the purpose does not need ID numbers');
    const dispute =
      (e = w.aa, body: Record<string, unknown> = {}) =>
      () =>
        w.asEnterprise<Application>(e, C.application, 'DisputeReview', 'DisputeReview', {
          applicationId: 'app-1',
          body: 'MarketMSP',
          reason: 'the bank must verify the legal representative',
          ...body,
        });
    await w.refused(dispute(w.aaa), 'FORBIDDEN');
    await w.refused(dispute(w.aa, { reason: '' }), 'INVALID_ARGUMENT');
    await w.refused(dispute(w.aa, { body: 'TransportMSP' }), 'INVALID_STATE');
    const signed = w.sign(w.aa, 'DisputeReview', {
      applicationId: 'app-1',
      body: 'MarketMSP',
      reason: 'please look again',
    });
    await w.refused(() => w.invoke(IDS.market, C.application, 'DisputeReview', signed), 'FORBIDDEN');

    await dispute()();
    const disputed = await w.getApplication('app-1');
    expect(disputed.state).to.equal('COORDINATION');
    expect(disputed.ownerReviews.MarketMSP?.dispute?.reason).to.equal(
      'the bank must verify the legal representative',
    );
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.REVIEW_DISPUTED);
    await w.refused(dispute(), 'INVALID_STATE');

    await w.invoke(IDS.bureau, C.application, 'Coordinate', 'app-1', 'MarketMSP', 'rejected', sha('minutes'));
    expect((await w.getApplication('app-1')).state).to.equal('RE_REVIEW');
    await w.refused(() => w.reReview('app-1', 'approve'), 'INVALID_STATE');
    await w.refused(dispute(), 'INVALID_STATE');
    const rejected = await w.reReview('app-1', 'reject', 'no demand was approved');
    expect(rejected.state).to.equal('REJECTED');
  });

  it('a dispute comes only in RE_REVIEW or COORDINATION, and only of a rejection', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1', BOTH);
    const dispute = (body: string) => () =>
      w.asEnterprise(w.aa, C.application, 'DisputeReview', 'DisputeReview', {
        applicationId: 'app-1',
        body,
        reason: 'we disagree with this',
      });
    await w.ownerReview(IDS.transport, 'app-1', 'reject', 'no vehicles for this purpose');
    await w.refused(dispute('TransportMSP'), 'INVALID_STATE');
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    await w.refused(dispute('MarketMSP'), 'INVALID_STATE');
    const disputed = (await dispute('TransportMSP')()) as Application;
    expect(disputed.state).to.equal('COORDINATION');
  });

  it('re-review: approval needs an approved demand; rejection needs a reason; only the bureau, in RE_REVIEW', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1', BOTH);
    await w.refused(() => w.reReview('app-1', 'approve'), 'INVALID_STATE');
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    await w.ownerReview(IDS.transport, 'app-1', 'reject', 'no vehicles for this purpose');
    for (const who of [IDS.market, IDS.regulator, IDS.gateway, IDS.stranger]) {
      await w.refused(
        () => w.invoke(who, C.application, 'ReReview', 'app-1', 'approve', secret({ reason: '' })),
        'FORBIDDEN',
      );
    }
    await w.refused(() => w.reReview('app-1', 'reject'), 'INVALID_ARGUMENT');
    await w.refused(() => w.reReview('app-1', 'return' as 'reject', 'why not'), 'INVALID_ARGUMENT');
    const approved = await w.reReview('app-1', 'approve', 'market data suffices');
    expect(approved.state).to.equal('APPROVED');
    expect(approved.reReview?.decision).to.deep.equal('approved');
    expect(approved.deadline).to.equal(undefined);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.RE_REVIEWED);
    await w.refused(() => w.reReview('app-1', 'approve'), 'INVALID_STATE');
  });

  it('re-review approval is refused when the only body rejected', async () => {
    const w = await World.create();
    await inOwnerReview(w, 'app-1');
    await w.ownerReview(IDS.market, 'app-1', 'reject', 'the purpose does not need ID numbers');
    await w.refused(() => w.reReview('app-1', 'approve'), 'INVALID_STATE');
  });

  it('the formal-review deadline is 15 working days in China time: from 2025-01-20 it skips the Spring Festival', async () => {
    const w = await World.create();
    // 00:30 on Mon 2025-01-20 in China is still Sunday the 19th in UTC.
    w.ledger.now = new Date('2025-01-19T16:30:00Z');
    const app = await w.submit(w.aa, 'app-1');
    // Counting from Mon Jan 20 (not counted): Tue 21 … Fri 24 (4), Sun 26 worked (5), Mon 27 (6),
    // Jan 28 – Feb 4 off, Wed 5 – Fri 7 (9), Sat 8 worked (10), Mon 10 – Fri 14 (15).
    expect(app.deadline).to.deep.equal({
      step: 'formal-review',
      due: '2025-02-14',
      rule: 'L11: 15 working days',
    });
  });

  it('a deadline the calendar does not reach is refused CALENDAR_MISSING', async () => {
    const w = await World.create();
    // The seed ends with 2027: 15 working days from 2027-12-20 reach 2028.
    w.ledger.now = new Date('2027-12-20T02:00:00Z');
    await w.rate(w.aa, 'AA', { validUntil: '2028-12-31' });
    await w.refused(() => w.submit(w.aa, 'app-1'), 'CALENDAR_MISSING');
  });

  it('applications are read by the bureau, regulators, the gateway and the bodies named, nobody else', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market]) {
      expect((await w.call<Application>(who, C.application, 'GetApplication', 'app-1')).id).to.equal('app-1');
    }
    for (const who of [IDS.transport, IDS.stranger, IDS.marketGatewayRole]) {
      await w.refused(() => w.invoke(who, C.application, 'GetApplication', 'app-1'), refusalFor(who));
    }
  });

  it('optional reasons of approvals are checked for personal data like every other reason', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    const phone = 'agreed with the contact on 13812345678';
    await w.refused(() => w.formalReview('app-1', 'accept', phone), 'INVALID_ARGUMENT');
    await w.formalReview('app-1', 'accept');
    await w.refused(() => w.ownerReview(IDS.market, 'app-1', 'approve', phone), 'INVALID_ARGUMENT');
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    await w.refused(() => w.reReview('app-1', 'approve', phone), 'INVALID_ARGUMENT');
  });

  it('the optional reason of a re-review approval is bounded like other reasons (2000 characters)', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.formalReview('app-1', 'accept');
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    await w.refused(() => w.reReview('app-1', 'approve', 'x'.repeat(50_000)), 'INVALID_ARGUMENT');
  });
});

describe('quarterly review batches (L11(3))', () => {
  const publish = (w: World, year: string, days: string[], who = IDS.market) =>
    w.call<{ id: string; days: string[] }>(who, C.platform, 'SetReviewBatches', year, JSON.stringify(days));

  it("a body's owner review is due at its next batch day when that comes before 15 working days; each body by its own", async () => {
    const w = await World.create();
    // Market reviews its first-quarter batch by Mar 14; Transport keeps the rule's days.
    await publish(w, '2025', ['2025-03-14', '2025-06-13', '2025-09-12', '2025-12-12']);
    expect(await w.call(IDS.stranger, C.platform, 'GetReviewBatches', 'MarketMSP', '2025')).to.deep.include({
      days: ['2025-03-14', '2025-06-13', '2025-09-12', '2025-12-12'],
    });
    await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    const accepted = await w.formalReview('app-1', 'accept');
    // Accepted Mon 2025-03-03: Market's batch (Mar 14) comes first; Transport's 15 working days end Mar 24.
    expect(accepted.ownerReviewDue).to.deep.equal({ MarketMSP: '2025-03-14', TransportMSP: '2025-03-24' });
    expect(accepted.deadline?.due).to.equal('2025-03-14');
    w.setChinaTime('2025-03-17');
    const overdue = await w.call<{ party: string; due: string }[]>(IDS.bureau, C.query, 'ListOverdue');
    expect(overdue.map((i) => [i.party, i.due])).to.deep.equal([['MarketMSP', '2025-03-14']]);
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    const reviewed = await w.getApplication('app-1');
    expect(reviewed.ownerReviews.MarketMSP?.due, 'the review keeps the day it was due').to.equal(
      '2025-03-14',
    );
    expect(await w.call(IDS.bureau, C.query, 'ListOverdue')).to.deep.equal([]);
  });

  it('batch days fall in their quarters, no later than the rule’s; a year is fixed once it has begun; only a body publishes', async () => {
    const w = await World.create();
    for (const bad of [
      ['2025-03-31', '2025-06-13', '2025-09-12', '2025-12-12'],
      ['2025-04-01', '2025-06-13', '2025-09-12', '2025-12-12'],
      ['2025-03-14', '2025-06-13', '2025-09-12'],
      ['2025-03-14', '2025-06-13', '2025-09-12', 'Christmas'],
    ])
      await w.refused(() => publish(w, '2025', bad), 'INVALID_ARGUMENT');
    await publish(w, '2026', ['2026-03-13', '2026-06-12', '2026-09-11', '2026-12-11']);
    await publish(w, '2026', ['2026-03-20', '2026-06-12', '2026-09-11', '2026-12-11']);
    await publish(w, '2025', ['2025-03-14', '2025-06-13', '2025-09-12', '2025-12-12']);
    await w.refused(
      () => publish(w, '2025', ['2025-03-28', '2025-06-13', '2025-09-12', '2025-12-12']),
      'INVALID_STATE',
      /has begun/,
    );
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketReviewer])
      await w.refused(
        () => publish(w, '2027', ['2027-03-12', '2027-06-11', '2027-09-10', '2027-12-10'], who),
        'FORBIDDEN',
      );
    await w.refused(
      () => w.invoke(IDS.market, C.platform, 'GetReviewBatches', 'TransportMSP', '2025'),
      'NOT_FOUND',
    );
  });
});
