/**
 * Catalogue governance on the real network (issue 12, item 3; Z10, Z12, Z15): an opening body cannot narrow a
 * dataset's open attribute on its own; it proposes with a reason, the bureau approves, and a move to prohibited
 * suspends every active grant on the dataset in that transaction — access stops at the gateway. Tried as an
 * insider with Fabric's own `peer` CLI too.
 */
import { expect } from 'chai';
import { RdxLedger } from '@rdx/client';
import { ensureFabricBinaries, gatewayUrl, type FabricInstall } from '@rdx/network';
import { config, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import { chaincodeQuery, cliFailure } from '../peer-cli.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  registerDataset,
  runId,
} from '../workflow.js';

const dataset = `narrowed-${runId}`;

describe('catalogue governance: narrowing needs the bureau, and prohibited data stops at once (real network)', () => {
  let p: Parties;
  let install: FabricInstall;
  let grantId = '';
  let token = '';
  const base = gatewayUrl({ topology });

  before(async () => {
    p = new Parties();
    install = await ensureFabricBinaries(config, () => undefined);
    await registerDataset(p, p.market, dataset, `目录治理测试 ${dataset}`);
    const holder = await onboard(p, 'AA');
    [grantId = ''] = (
      await applyAndGetGrants(p, holder.signer, `narrow-${runId}`, [demand(dataset, 'MarketMSP')])
    ).grants;
    token = await tokenFor(base, holder.creditCode, holder.privateKeyPem);
  });
  after(() => p?.close());

  it('the body proposes, an insider cannot decide for the bureau, the bureau approves: the grant is suspended, access stops', async () => {
    const market = new RdxLedger(p.market).catalog;
    const bureau = new RdxLedger(p.bureau).catalog;
    await market.proposeAttributeChange({
      id: dataset,
      to: 'prohibited',
      reason: '经评估涉及个人隐私,禁止开放',
    });
    const insider = await cliFailure(
      chaincodeQuery(install, 'MarketMSP', 'MarketMSP', [
        'catalog:DecideAttributeChange',
        dataset,
        'approve',
      ]),
    );
    expect(insider).to.match(/\[FORBIDDEN\] .*decide open-attribute changes/);
    const approved = await bureau.decideAttributeChange({ id: dataset, decision: 'approve' });
    expect(approved.value.openAttribute).to.equal('prohibited');
    const grant = (await evaluate(p.regulator, 'grant', 'GetGrant', grantId)) as {
      state: string;
      reason?: { code: string };
    };
    expect([grant.state, grant.reason?.code]).to.deep.equal(['SUSPENDED', 'catalogue']);
    await eventually(
      async () => (await getJson(`${base}/v1/datasets/${dataset}/records?limit=1`, token)).status === 403,
      30_000,
      'the gateway refuses the prohibited dataset',
    );
    const restore = await cliFailure(
      chaincodeQuery(install, 'MarketMSP', 'MarketMSP', ['grant:RestoreGrant', grantId]),
    );
    expect(restore).to.match(/\[INVALID_STATE\] dataset .* is prohibited/);
  });
});
