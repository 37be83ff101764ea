/**
 * Query parameters read strictly on the routes that take them: integers in decimal digits only (no leading zero, as
 * the ledger reads its arguments), booleans `true` or `false`, periods within the years the ledger's calendars hold, and a parameter a route does not take refused by
 * name. Read loosely, each served something other than what was asked (`limit=0x10` 16 rows, `unread=yes` every
 * notification, a misspelt parameter the unnarrowed list).
 */
import { expect } from 'chai';
import { OPENAPI } from '../openapi/openapi.js';
import { documentedOperations } from '../testing/openapi-check.js';
import { DS } from '../testing/fixtures.js';
import {
  assertOk,
  assertProblem,
  regulatorLogin,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';

let h: Harness;
let regulator: string;
describe('query parameters', () => {
  before(async () => {
    h = await startHarness();
    regulator = await regulatorLogin(h, 'regulator-q');
  });
  after(() => h.close());

  /** Asserts a 400 of `code` whose detail matches `detail`. */
  async function refused(path: string, code: string, detail: RegExp, token?: string): Promise<void> {
    const reply = await h.get(path, token ? { token } : { as: 'AA' });
    assertProblem(reply, 400, code);
    expect((reply.body as { detail: string }).detail, path).to.match(detail);
  }

  it('an integer is decimal digits: 0x10, 1e2, " 1", +1 and 1.0 are refused, naming the parameter', async () => {
    const records = `/v1/datasets/${DS.PEOPLE}/records`;
    for (const limit of ['0x10', '1e1', '%201', '+1', '1.0', '0b1'])
      await refused(`${records}?limit=${limit}`, 'QUERY_INVALID', /^limit must be a positive integer/);
    expect(
      assertOk<{ data: unknown[] }>(await h.get(`${records}?limit=2`, { as: 'AA' })).data,
    ).to.have.length(2);
    for (const limit of ['1e2', '0x10', '%2010'])
      await refused(`/v1/inbox?limit=${limit}`, 'BAD_REQUEST', /^limit must be an integer from 1 to 200/);
    await refused('/v1/inbox?after=0x1', 'BAD_REQUEST', /^after must be an integer from 0/);
    await refused('/v1/access-log?limit=1e2', 'QUERY_INVALID', /^limit must be an integer from 1 to 500/);
    await refused('/v1/access-log?before=0x1', 'QUERY_INVALID', /^before must be a record position/);
    await refused('/v1/regulator/anchors?limit=1e1', 'QUERY_INVALID', /^limit must be an integer/, regulator);
  });

  it('an integer has no leading zero, as the ledger reads its arguments: limit=010 is refused, naming the parameter', async () => {
    await refused(
      `/v1/datasets/${DS.PEOPLE}/records?limit=010`,
      'QUERY_INVALID',
      /^limit must be a positive integer, in decimal digits without a leading zero$/,
    );
    await refused(
      '/v1/inbox?limit=010',
      'BAD_REQUEST',
      /^limit must be an integer from 1 to 200, .*without a leading zero$/,
    );
    await refused('/v1/inbox?after=00', 'BAD_REQUEST', /^after must be an integer from 0 /);
    await refused('/v1/access-log?limit=05', 'QUERY_INVALID', /^limit must be an integer from 1 to 500/);
    await refused('/v1/access-log?before=010', 'QUERY_INVALID', /^before must be a record position/);
    // 0 itself is no leading zero.
    assertOk(await h.get('/v1/inbox?after=0&limit=10', { as: 'AA' }));
  });

  it('a boolean is true or false', async () => {
    for (const unread of ['yes', '1', 'TRUE'])
      await refused(`/v1/inbox?unread=${unread}`, 'BAD_REQUEST', /^unread must be true or false$/);
    for (const unread of ['true', 'false']) assertOk(await h.get(`/v1/inbox?unread=${unread}`, { as: 'AA' }));
  });

  it('a parameter is one value, never empty: read as absent, an unset variable served the default, unnarrowed', async () => {
    const records = `/v1/datasets/${DS.PEOPLE}/records`;
    const empty = /^(\w+) is empty: give it a value, or leave it out$/;
    for (const path of ['/v1/inbox?limit=', '/v1/inbox?unread=', '/v1/access-log?before='])
      await refused(path, 'BAD_REQUEST', empty);
    await refused('/v1/regulator/misuse-signals?body=', 'BAD_REQUEST', /^body is empty/, regulator);
    for (const query of ['filter=', 'fields=', 'limit='])
      await refused(`${records}?${query}`, 'QUERY_INVALID', empty);
    // Given twice, a route reading one text took it as absent: the signals of every body.
    await refused(
      '/v1/regulator/misuse-signals?body=MarketMSP&body=CivilMSP',
      'BAD_REQUEST',
      /^body is given more than once: give it once$/,
      regulator,
    );
    await refused(`${records}?limit=1&limit=2`, 'QUERY_INVALID', /^limit is given more than once/);
    assertOk(await h.get('/v1/regulator/misuse-signals?body=MarketMSP', { token: regulator }));
  });

  it('a parameter a route does not take is refused by name; the documented ones are taken', async () => {
    const asEnterprise: [string, RegExp][] = [
      ['/v1/inbox?unred=true', /^unknown parameter "unred": GET \/v1\/inbox takes after, limit and unread$/],
      ['/v1/access-log?limt=5', /^unknown parameter "limt": GET \/v1\/access-log takes limit and before$/],
      ['/v1/duties?state=due', /^unknown parameter "state": GET \/v1\/duties takes no parameters$/],
      ['/v1/applications?state=X', /^unknown parameter "state": GET \/v1\/applications takes no parameters$/],
      ['/v1/agreements?all=1', /^unknown parameter "all": GET \/v1\/agreements takes no parameters$/],
    ];
    // One code for every operation: the problem's hint points at /openapi.json, which lists what each takes.
    for (const [path, detail] of asEnterprise) await refused(path, 'BAD_REQUEST', detail);
    await refused(
      '/v1/regulator/usage-reconciliation?period=zzz',
      'BAD_REQUEST',
      /^unknown parameter "period": GET \/v1\/regulator\/usage-reconciliation takes agreement$/,
      regulator,
    );
    await refused(
      '/v1/regulator/body-performance?period=2026&fromat=csv',
      'BAD_REQUEST',
      /^unknown parameter "fromat": GET \/v1\/regulator\/body-performance takes period and format$/,
      regulator,
    );
    // The caller first: without credentials the answer is 401, whatever the query.
    for (const path of ['/v1/inbox?unred=true', '/v1/regulator/complaints?bdy=X'])
      assertProblem(await h.get(path), 401, 'TOKEN_MISSING');
    for (const path of [
      '/v1/inbox?after=0&limit=5&unread=true',
      '/v1/access-log?limit=5&before=10',
      '/v1/duties',
    ])
      assertOk(await h.get(path, { as: 'AA' }));
    for (const path of [
      '/v1/regulator/usage-reconciliation?agreement=AGR-AA-1',
      '/v1/regulator/body-performance?period=2026Q4&format=json',
    ])
      assertOk(await h.get(path, { token: regulator }));
  });

  /** The query parameters the API's document lists for an operation. */
  function listedInDocument(method: string, template: string): string[] {
    type Parameter = { in?: string; name?: string };
    const item = (OPENAPI.paths as Record<string, Record<string, { parameters?: Parameter[] }>>)[template]!;
    const params = [
      ...((item as { parameters?: Parameter[] }).parameters ?? []),
      ...(item[method]?.parameters ?? []),
    ];
    return params.filter((p) => p.in === 'query').map((p) => p.name!);
  }

  /**
   * Operations open to anyone that nothing a caller adds can narrow or widen (probes, the public lists, the
   * OAuth metadata): a cache-busting parameter there is harmless. The token endpoint reads a form, not the query.
   */
  const ANYONE = /^\/(healthz|readyz|openapi\.json|\.well-known\/|oauth\/|v1\/public\/)/;

  it('every operation read through the query refuses a parameter its document does not list, and names the ones it does', async () => {
    const civilAdmin = testOrg('LS-CIVIL').identity('admin');
    const ask = (method: string, path: string): Promise<Reply> => {
      if (path.startsWith('/v1/admin/')) return h.signedGet(path, civilAdmin);
      if (path.startsWith('/v1/regulator/') || path.startsWith('/v1/trace'))
        return h.call(method, path, {
          token: regulator,
          ...(method === 'POST' ? { body: 'a,b\n1,2\n' } : {}),
        });
      if (path.startsWith('/v1/open/') || path.startsWith('/v1/audit/consistency')) return h.get(path);
      return h.get(path, { as: 'AA' });
    };
    const checked: string[] = [];
    for (const { method, template } of documentedOperations()) {
      // Writes carry what they mean in a signed body; the trace is the one write that reads the query.
      if (ANYONE.test(template) || (method !== 'get' && template !== '/v1/trace')) continue;
      const path = template
        .replace(
          '{id}',
          template.startsWith('/v1/datasets') || template.startsWith('/v1/open') ? DS.PEOPLE : 'X-1',
        )
        .replace('{requestId}', '00000000-0000-0000-0000-000000000000');
      const reply = await ask(method.toUpperCase(), `${path}?zzUnknown=1`);
      const op = `${method.toUpperCase()} ${template}`;
      expect(reply.status, `${op}: ${JSON.stringify(reply.body)}`).to.equal(400);
      const detail = String((reply.body as { detail?: unknown }).detail);
      const named = /^unknown parameter "zzUnknown": (.+?) takes (no parameters|.+)$/.exec(detail);
      expect(named, `${op} names the parameter and what it takes: ${detail}`).not.to.equal(null);
      expect(named![1], 'the refusal names the operation as the document does').to.equal(op);
      const takes = named![2] === 'no parameters' ? [] : named![2]!.split(/, | and /);
      expect([...takes].sort(), `${op} takes what its document lists`).to.deep.equal(
        listedInDocument(method, template).sort(),
      );
      checked.push(op);
    }
    expect(checked.length, checked.join('\n')).to.be.at.least(30);
  });

  it('a performance period outside the years the calendars hold is refused by the gateway, in its own words', async () => {
    for (const period of ['0000', '1999', '9999Q4', '2101'])
      await refused(
        `/v1/regulator/body-performance?period=${period}`,
        'BAD_REQUEST',
        /^period must be a year \(2026\) or a quarter \(2026Q4\) from 2000 to 2100\.$/,
        regulator,
      );
    for (const period of ['2000', '2100Q4'])
      assertOk(await h.get(`/v1/regulator/body-performance?period=${period}`, { token: regulator }));
  });
});
