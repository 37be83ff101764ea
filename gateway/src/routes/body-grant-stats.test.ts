/** An opening body reads its own grants' calls per day, signed with its staff's Fabric identity; no one else's. */
import { expect } from 'chai';
import { sha256Hex, signAdminRequest } from '@rdx/client';
import { GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, DATASET_OWNERS, startHarness, type Harness } from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';

describe("an opening body's grant usage (GET /v1/admin/grants/{id}/stats)", () => {
  let h: Harness;
  const [owner, other] = [DATASET_OWNERS[0], DATASET_OWNERS[1]];
  const url = '/v1/admin/grants/g-own/stats';
  before(async () => {
    h = await startHarness();
    // The AA enterprise's grant, as if the owner body had granted it; then two calls on it.
    const grant = { ...h.view.grants.get(GRANT.AA_PEOPLE)!, body: owner };
    h.view.putGrant(grant);
    h.view.putGrant({ ...grant, id: 'g-own' });
    for (let i = 0; i < 2; i++)
      assertOk(await h.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, { as: 'AA' }));
  });
  after(() => h.close());

  it("the body's admin and reviewers read the calls per day; another body's grant is unknown to it", async () => {
    for (const role of ['admin', 'reviewer']) {
      const stats = assertOk<{
        grant: { id: string; body: string };
        days: { allow: number }[];
        allow: number;
      }>(
        await h.signedGet(`/v1/admin/grants/${GRANT.AA_PEOPLE}/stats?days=7`, testOrg(owner).identity(role)),
      );
      expect([stats.grant.id, stats.grant.body, stats.days.length, stats.allow]).to.deep.equal([
        GRANT.AA_PEOPLE,
        owner,
        7,
        2,
      ]);
    }
    assertProblem(await h.signedGet(url, testOrg(other).identity('admin')), 404, 'NOT_FOUND');
    assertProblem(
      await h.signedGet('/v1/admin/grants/nope/stats', testOrg(owner).identity('admin')),
      404,
      'NOT_FOUND',
    );
  });

  it("refused: unsigned (401), an enterprise's token or a client identity (403), a bad period (400)", async () => {
    assertProblem(await h.get(url), 401, 'TOKEN_MISSING');
    assertProblem(await h.get(url, { as: 'AA' }), 403, 'FORBIDDEN');
    assertProblem(await h.signedGet(url, testOrg(owner).identity('probe')), 403, 'FORBIDDEN');
    assertProblem(await h.signedGet(`${url}?days=0`, testOrg(owner).identity('admin')), 400, 'BAD_REQUEST');
  });

  it('the signature covers the query: a signed request with its query changed, or signed without it, is refused', async () => {
    const admin = testOrg(owner).identity('admin');
    const signed = (target: string) =>
      signAdminRequest(admin, { method: 'GET', path: target, contentSha256: sha256Hex('') });
    const changed = await h.get(`${url}?days=90`, { headers: signed(`${url}?days=7`) });
    expect(assertProblem(changed, 401, 'TOKEN_INVALID').detail).to.match(/does not verify/);
    const pathOnly = await h.get(`${url}?days=7`, { headers: signed(url) });
    expect(assertProblem(pathOnly, 401, 'TOKEN_INVALID').detail).to.match(/without its query/);
    assertOk(await h.get(`${url}?days=7`, { headers: signed(`${url}?days=7`) }));
  });
});
