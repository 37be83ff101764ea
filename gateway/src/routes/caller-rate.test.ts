/**
 * Every caller with credentials has its own rate on the routes that are not data calls, not only enterprises: a
 * regulator's views and a body's desk read the ledger at every call, and one token (or one signing identity)
 * flooding them slowed every other caller's calls. Another caller of the same kind is served meanwhile.
 */
import { expect } from 'chai';
import {
  assertOk,
  assertProblem,
  DATASET_OWNERS,
  regulatorLogin,
  secretLogin,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';

describe('the rate of each caller outside data calls (RDX_CALLER_RATE_PER_SECOND)', () => {
  let h: Harness;
  const [civil, epb] = [DATASET_OWNERS[0], DATASET_OWNERS[1]];
  before(async () => {
    h = await startHarness({ callerRatePerSecond: 2 });
  });
  after(() => h.close());

  /** Three calls at once: the bucket holds two. */
  async function threeCalls(call: () => Promise<Reply>): Promise<Reply[]> {
    const answers: Reply[] = [];
    for (let k = 0; k < 3; k++) answers.push(await call());
    return answers;
  }

  function twoServedThenRefused(answers: Reply[], named: RegExp): void {
    expect(answers.slice(0, 2).map((a) => a.status)).to.deep.equal([200, 200]);
    const refused = assertProblem(answers[2]!, 429, 'RATE_LIMITED');
    expect(answers[2]!.headers.get('retry-after')).to.equal('1');
    expect(refused.detail).to.match(named);
  }

  it("a regulator's token over its rate is refused (429, Retry-After) while another regulator is served", async () => {
    const [one, other] = [await regulatorLogin(h, 'regulator-r1'), await regulatorLogin(h, 'regulator-r2')];
    twoServedThenRefused(
      await threeCalls(() => h.get('/v1/regulator/misuse-signals', { token: one })),
      /^Regulator regulator-r1 is calling faster than this gateway allows outside data calls/,
    );
    assertOk(await h.get('/v1/regulator/misuse-signals', { token: other }));
  });

  it("a body's signing identity over its rate is refused while another body's is served", async () => {
    const admin = (org: string) => testOrg(org).identity('admin');
    twoServedThenRefused(
      await threeCalls(() => h.signedGet('/v1/admin/inbox', admin(civil))),
      /^The signer .*CN=admin.* of LS-CIVIL is calling faster than this gateway allows/,
    );
    assertOk(await h.signedGet('/v1/admin/inbox', admin(epb)));
  });

  it('a console account over its rate is refused, each request charged once though its caller is checked twice', async () => {
    const made = assertOk<{ clientId: string; secret: string }>(
      await h.signedCall('POST', '/v1/admin/console-accounts', testOrg(epb).identity('admin'), {
        name: '李四',
      }),
      201,
    );
    const token = assertOk<{ access_token: string }>(
      await secretLogin(h, made.clientId, made.secret),
    ).access_token;
    twoServedThenRefused(
      // Marking read checks the caller before the body is read, and again after: one charge.
      await threeCalls(() => h.post('/v1/admin/inbox/read', { token, json: { ids: ['n-1'] } })),
      new RegExp(`^Console account ${made.clientId} is calling faster`),
    );
  });
});
