/**
 * The public complaint route as a citizen uses it with a plain HTTP client: what reaches the ledger (never the
 * contact in clear), the receipt that alone shows the complaint's state, shapes refused before the ledger, and
 * the per-address limit that keeps an anonymous flood off the ledger.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { personalDataHash } from '@rdx/client';
import { DS, GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';

const COMPLAINT = {
  datasetId: DS.PEOPLE,
  category: 'rights',
  facts: '公开数据中出现了我的家庭住址,请中止开放。',
  contact: 'zhang.san@example.org',
};
const sha256 = (t: string): string => crypto.createHash('sha256').update(t).digest('hex');

interface Filed {
  data: { id: string; due: string; receipt: string };
  txId: string;
}

describe('complaints from anyone through the public route', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('files through the gateway’s identity with the contact only hashed with the receipt, and answers id, due date and receipt', async () => {
    const filed = assertOk<Filed>(await h.post('/v1/public/complaints', { json: COMPLAINT }), 201).data;
    expect(filed.id).to.match(/^c-[0-9a-f]{16}$/);
    expect(filed.receipt.length).to.be.at.least(32);
    const call = h.ledger.callsOf('complaint:FileComplaintFromPublic').at(-1)!;
    expect(call.kind).to.equal('submit');
    expect(call.args).to.deep.equal([]);
    const sent = JSON.parse(call.transient.complaint!) as Record<string, unknown>;
    expect(sent).to.deep.equal({
      datasetId: DS.PEOPLE,
      category: 'rights',
      facts: COMPLAINT.facts,
      id: filed.id,
      contactHash: personalDataHash(COMPLAINT.contact, filed.receipt),
      receiptHash: sha256(filed.receipt),
    });
    expect(JSON.stringify(call), 'the contact in clear goes nowhere').not.to.include(COMPLAINT.contact);
    expect(JSON.stringify(call), 'nor the receipt').not.to.include(filed.receipt);
  });

  it('shows where it stands only with the receipt, in its header', async () => {
    const filed = assertOk<Filed>(await h.post('/v1/public/complaints', { json: COMPLAINT }), 201).data;
    const status = assertOk<{ data: { id: string; state: string } }>(
      await h.get(`/v1/public/complaints/${filed.id}`, { headers: { 'complaint-receipt': filed.receipt } }),
    ).data;
    expect(status).to.include({ id: filed.id, state: 'OPEN' });
    assertProblem(
      await h.get(`/v1/public/complaints/${filed.id}`, { headers: { 'complaint-receipt': 'a guess' } }),
      404,
      'NOT_FOUND',
    );
    assertProblem(await h.get(`/v1/public/complaints/${filed.id}`), 400, 'BAD_REQUEST');
  });

  it('refuses a malformed complaint before the ledger, and passes on the ledger’s own refusal', async () => {
    const before = h.ledger.callsOf('complaint:FileComplaintFromPublic').length;
    for (const bad of [
      { ...COMPLAINT, contact: undefined },
      { ...COMPLAINT, category: undefined },
      { ...COMPLAINT, facts: 12 },
      { ...COMPLAINT, contact: '1' },
      { ...COMPLAINT, creditCode: '91330000000000000X' },
      [COMPLAINT],
    ])
      assertProblem(await h.post('/v1/public/complaints', { json: bad }), 400, 'BAD_REQUEST');
    const extra = await h.post('/v1/public/complaints', { json: { ...COMPLAINT, creditCode: 'x' } });
    expect((extra.body as { detail: string }).detail).to.equal(
      'unknown field "creditCode": a complaint takes datasetId, grantId, kind, category, facts and contact',
    );
    assertProblem(
      await h.post('/v1/public/complaints', {
        body: 'datasetId=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(h.ledger.callsOf('complaint:FileComplaintFromPublic').length).to.equal(before);
    const original = h.ledger.handlers.get('complaint:FileComplaintFromPublic')!;
    h.ledger.refuseWith('complaint:FileComplaintFromPublic', 'INVALID_ARGUMENT');
    try {
      assertProblem(await h.post('/v1/public/complaints', { json: COMPLAINT }), 400, 'INVALID_ARGUMENT');
    } finally {
      h.ledger.on('complaint:FileComplaintFromPublic', original);
    }
  });
});

/** Complaints the ledger would refuse: each must be refused without a ledger call and without spending budget. */
const REFUSED_BEFORE_THE_LEDGER: [Record<string, unknown>, number, string, string][] = [
  [{}, 400, 'BAD_REQUEST', 'datasetId is required.'],
  [{ ...COMPLAINT, category: 'noise' }, 400, 'INVALID_ARGUMENT', 'category must be one of'],
  [{ ...COMPLAINT, kind: 'praise' }, 400, 'INVALID_ARGUMENT', 'kind must be one of'],
  [{ ...COMPLAINT, facts: '太短' }, 400, 'INVALID_ARGUMENT', 'facts must be at least 10 characters'],
  [{ ...COMPLAINT, facts: '我的手机号 13812345678 被公开了' }, 400, 'INVALID_ARGUMENT', 'facts '],
  [{ ...COMPLAINT, datasetId: '../x' }, 400, 'INVALID_ARGUMENT', 'datasetId must be letters, digits'],
  [
    { ...COMPLAINT, datasetId: 'ls-no-such-data' },
    404,
    'NOT_FOUND',
    'dataset ls-no-such-data does not exist',
  ],
  [
    { ...COMPLAINT, datasetId: DS.OPEN, grantId: GRANT.AA_PEOPLE },
    400,
    'INVALID_ARGUMENT',
    `grant ${GRANT.AA_PEOPLE} is not a grant of dataset ${DS.OPEN}`,
  ],
  [
    { ...COMPLAINT, grantId: 'G-NOBODY' },
    400,
    'INVALID_ARGUMENT',
    `grant G-NOBODY is not a grant of dataset ${DS.PEOPLE}`,
  ],
];

describe('the public complaint route’s limit per address', () => {
  it('spends nothing on a complaint the ledger would refuse: many of them leave the hour’s budget whole', async () => {
    const h = await startHarness({ publicComplaintsPerHour: 2 });
    try {
      for (let round = 0; round < 3; round++)
        for (const [bad, status, code, detail] of REFUSED_BEFORE_THE_LEDGER) {
          const refused = await h.post('/v1/public/complaints', { json: bad });
          assertProblem(refused, status, code);
          expect((refused.body as { detail: string }).detail).to.include(detail);
        }
      expect(h.ledger.callsOf('complaint:FileComplaintFromPublic')).to.have.length(0);
      for (let i = 0; i < 2; i++) assertOk(await h.post('/v1/public/complaints', { json: COMPLAINT }), 201);
      assertProblem(await h.post('/v1/public/complaints', { json: COMPLAINT }), 429, 'RATE_LIMITED');
    } finally {
      await h.close();
    }
  });

  it('leaves a dataset it does not hold to the chaincode while its view lags the ledger', async () => {
    const h = await startHarness();
    try {
      h.view.following = false;
      const unknown = { ...COMPLAINT, datasetId: 'ls-registered-a-block-ago' };
      assertOk(await h.post('/v1/public/complaints', { json: unknown }), 201);
      const sent = JSON.parse(
        h.ledger.callsOf('complaint:FileComplaintFromPublic')[0]!.transient.complaint!,
      ) as Record<string, unknown>;
      expect(sent).to.include({ datasetId: unknown.datasetId });
    } finally {
      await h.close();
    }
  });

  it('takes a few complaints an hour from one address, then answers 429 with Retry-After, without a ledger call', async () => {
    const h = await startHarness({ publicComplaintsPerHour: 2 });
    try {
      for (let i = 0; i < 2; i++) assertOk(await h.post('/v1/public/complaints', { json: COMPLAINT }), 201);
      const before = h.ledger.callsOf('complaint:FileComplaintFromPublic').length;
      const refused = await h.post('/v1/public/complaints', { json: COMPLAINT });
      assertProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.headers.get('retry-after')).to.equal('600');
      expect(h.ledger.callsOf('complaint:FileComplaintFromPublic').length).to.equal(before);
    } finally {
      await h.close();
    }
  });
});
