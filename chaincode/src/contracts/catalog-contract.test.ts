import { expect } from 'chai';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { IDS, secret, type Identity } from '../testing/fake-ledger';
import {
  C,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  demand,
  World,
  licencesInput,
  marketEntitiesInput,
  sha,
  stateKey,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Dataset } from '../models/dataset';
import type { Grant } from '../models/grant';

function orgsOfPolicy(w: World, key: string): string[] {
  const policy = w.ledger.policies.get(key);
  expect(policy, `a key-level policy is set on ${JSON.stringify(key)}`).to.be.instanceOf(Uint8Array);
  return new KeyEndorsementPolicy(policy).listOrgs().sort();
}

/** MarketMSP registering or updating dataset `input`, as a call to refuse or run. */
const asMarket =
  (w: World, fn: 'RegisterDataset' | 'UpdateDataset', input: unknown) => (): Promise<unknown> =>
    w.invoke(IDS.market, C.catalog, fn, JSON.stringify(input));

describe('CatalogContract', () => {
  it('a registered body registers a dataset it owns; an input naming its owner or versions is refused', async () => {
    const w = await World.create();
    for (const [forged, field] of [
      [{ owner: 'TransportMSP' }, 'owner'],
      [{ versions: [{ version: 'forged' }] }, 'versions'],
    ] as const)
      await w.refused(
        asMarket(w, 'RegisterDataset', { ...licencesInput(), ...forged }),
        'INVALID_ARGUMENT',
        new RegExp(
          `dataset has an unknown field "${field}": it takes id, name, description, openAttribute, format, items and updateFrequency`,
        ),
      );
    const registered = await w.call<Dataset>(
      IDS.market,
      C.catalog,
      'RegisterDataset',
      JSON.stringify(licencesInput()),
    );
    expect(registered.owner).to.equal('MarketMSP');
    expect(registered.versions).to.deep.equal([]);
    expect(registered.versionCount).to.equal(0);
    expect(registered.registeredAt).to.equal(w.ledger.now.toISOString());
    expect(registered.updatedBy).to.deep.equal({ mspId: 'MarketMSP', role: 'body' });
    expect(registered.items.map((i) => [i.name, i.personal])).to.deep.equal([
      ['licence_no', false],
      ['valid_until', false],
    ]);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.DATASET_REGISTERED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'dataset', id: 'market-licences', state: 'restricted' },
    ]);
    const read = await w.call<Dataset>(IDS.stranger, C.catalog, 'GetDataset', 'market-licences');
    expect(read).to.deep.equal(registered);
  });

  it('the world datasets carry their personal-data flags', async () => {
    const w = await World.create();
    const d = await w.call<Dataset>(IDS.gateway, C.catalog, 'GetDataset', MARKET_ENTITIES);
    expect(d.items.filter((i) => i.personal).map((i) => i.name)).to.deep.equal([
      'legal_rep_id',
      'legal_rep_phone',
    ]);
    expect(d.items.find((i) => i.name === 'registered_on')?.type).to.equal('date');
  });

  it('each dataset key gets a key-level policy needing its owner and the bureau', async () => {
    const w = await World.create();
    expect(orgsOfPolicy(w, stateKey('dataset', MARKET_ENTITIES))).to.deep.equal(['BureauMSP', 'MarketMSP']);
    expect(orgsOfPolicy(w, stateKey('dataset', MARKET_NOTICES))).to.deep.equal(['BureauMSP', 'MarketMSP']);
    expect(orgsOfPolicy(w, stateKey('dataset', TRANSPORT_VEHICLES))).to.deep.equal([
      'BureauMSP',
      'TransportMSP',
    ]);
    await w.invoke(IDS.transport, C.catalog, 'RegisterDataset', JSON.stringify(licencesInput()));
    expect(orgsOfPolicy(w, stateKey('dataset', 'market-licences'))).to.deep.equal([
      'BureauMSP',
      'TransportMSP',
    ]);
  });

  it('only a registered opening body registers datasets', async () => {
    const w = await World.create();
    const json = JSON.stringify(licencesInput());
    const marketWithoutRole: Identity = { mspId: 'MarketMSP', cn: 'someone.market' };
    for (const who of [
      IDS.bureau,
      IDS.regulator,
      IDS.gateway,
      IDS.bureauNoRole,
      IDS.marketGatewayRole,
      IDS.stranger,
      marketWithoutRole,
    ]) {
      await w.refused(() => w.invoke(who, C.catalog, 'RegisterDataset', json), 'FORBIDDEN');
    }
    // Once the bureau registers OtherMSP as a body (its collection in the definition), the same identity may.
    await w.refused(
      () => w.invoke(IDS.bureau, C.platform, 'RegisterBody', 'OtherMSP', '丽水市其他局'),
      'INVALID_STATE',
      /no collection rdx-OtherMSP/,
    );
    w.ledger.defineCollectionFor('OtherMSP');
    await w.invoke(IDS.bureau, C.platform, 'RegisterBody', 'OtherMSP', '丽水市其他局');
    const d = await w.call<Dataset>(IDS.stranger, C.catalog, 'RegisterDataset', json);
    expect(d.owner).to.equal('OtherMSP');
  });

  it('a dataset id is registered once, by whichever body', async () => {
    const w = await World.create();
    await w.refused(
      () => w.invoke(IDS.transport, C.catalog, 'RegisterDataset', JSON.stringify(marketEntitiesInput())),
      'ALREADY_EXISTS',
    );
  });

  it('malformed datasets are refused INVALID_ARGUMENT', async () => {
    const w = await World.create();
    const good = licencesInput();
    const item = good.items[0]!;
    for (const bad of [
      { ...good, id: 'has space' },
      { ...good, name: '' },
      { ...good, openAttribute: 'open' },
      { ...good, format: 'xml' },
      { ...good, updateFrequency: 'hourly' },
      { ...good, items: [] },
      { ...good, items: [item, item] },
      { ...good, items: [{ ...item, name: 'LicenceNo' }] },
      { ...good, items: [{ ...item, type: 'blob' }] },
      { ...good, items: [{ ...item, personal: 'yes' }] },
    ]) {
      await w.refused(asMarket(w, 'RegisterDataset', bad), 'INVALID_ARGUMENT');
    }
    // `personal` defaults to false: a misspelt flag would register the item to be served unmasked.
    await w.refused(
      asMarket(w, 'RegisterDataset', { ...good, items: [{ ...item, Personal: true }] }),
      'INVALID_ARGUMENT',
      /items\[0\] has an unknown field "Personal": it takes name, label, type, personal and fingerprint$/,
    );
    await w.refused(() => w.invoke(IDS.market, C.catalog, 'RegisterDataset', '[]'), 'INVALID_ARGUMENT');
  });

  it('text holding a control character, a reordering mark or half a surrogate pair is refused, named; a tab or line end is text', async () => {
    // Read back into a regulator's terminal or report, an escape sequence rewrites what was shown above it, sets
    // the clipboard or hides a link; a right-to-left override makes a name read one way and compare another.
    const w = await World.create();
    const good = licencesInput();
    const item = good.items[0]!;
    for (const [input, said] of [
      [
        { ...good, name: '营业执照\u001b[2A\u001b[K' },
        / name must not hold control characters \(U\+001B at 4\)$/,
      ],
      [{ ...good, name: '营业执照\u001b]52;c;cm0gLXJmIH4=\u0007' }, /\(U\+001B at 4\)$/],
      [{ ...good, name: '营业执照\u009b2A' }, /\(U\+009B at 4\)$/],
      [{ ...good, name: '营业执照\u0000' }, /\(U\+0000 at 4\)$/],
      [{ ...good, name: '执照\u202e照执' }, /\(U\+202E at 2\)$/],
      [
        { ...good, items: [{ ...item, label: '许可\u202b证号' }] },
        / items\[0\].label must not hold .*U\+202B at 2/,
      ],
      [{ ...good, name: '执照\ud800' }, / name is not well-formed text \(a lone UTF-16 surrogate\)$/],
    ] as [object, RegExp][]) {
      await w.refused(asMarket(w, 'RegisterDataset', input), 'INVALID_ARGUMENT', said);
    }
    // Tabs, line ends, a word processor's soft line break and page break, and an isolated right-to-left name.
    const text = '营业执照\t（2025 年版）\r\n许可\u000b第二页\u000c\u2067ئۇيغۇر\u2069';
    await asMarket(w, 'RegisterDataset', { ...good, name: text })();
    const listed = await w.call<{ name: string }>(IDS.market, C.catalog, 'GetDataset', good.id);
    expect(listed.name).to.equal(text);
  });

  it('the owner updates its dataset: items may be added, the rest is kept', async () => {
    const w = await World.create();
    await w.recordVersion('v1', sha('v1'), '10');
    const before = await w.call<Dataset>(IDS.bureau, C.catalog, 'GetDataset', MARKET_ENTITIES);
    const input = marketEntitiesInput();
    const update = {
      ...input,
      description: 'now with the business scope',
      items: [...input.items, { name: 'business_scope', label: '经营范围', type: 'string' }],
    };
    // The owner is the ledger's to say: an update naming one is refused, not quietly ignored.
    await w.refused(
      asMarket(w, 'UpdateDataset', { ...update, owner: 'TransportMSP' }),
      'INVALID_ARGUMENT',
      /dataset has an unknown field "owner"/,
    );
    w.ledger.now = new Date('2025-03-04T02:00:00Z');
    const updated = await w.call<Dataset>(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(update));
    expect(updated.owner).to.equal('MarketMSP');
    expect(updated.description).to.equal('now with the business scope');
    expect(updated.items.length).to.equal(7);
    expect(updated.registeredAt).to.equal(before.registeredAt);
    expect(updated.updatedAt).to.equal('2025-03-04T02:00:00.000Z');
    expect(updated.versions).to.deep.equal(before.versions);
    expect(updated.versionCount).to.equal(1);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.DATASET_UPDATED);
    expect(await w.call<Dataset>(IDS.stranger, C.catalog, 'GetDataset', MARKET_ENTITIES)).to.deep.equal(
      updated,
    );
  });

  it('the owner switches the fingerprint off or on for an item, as it says; absent is the default; the dataset stays listed', async () => {
    const w = await World.create();
    const input = marketEntitiesInput();
    const [first] = input.items;
    const exact = {
      ...input,
      items: input.items.map((i, n) => (n === 0 ? { ...i, fingerprint: false } : i)),
    };
    const updated = await w.call<Dataset>(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(exact));
    expect(updated.items[0]).to.deep.include({ name: first!.name, fingerprint: false });
    expect(updated.items[1], 'absent: the type’s default').not.to.have.property('fingerprint');
    expect(updated.listing?.state ?? 'LISTED').to.equal('LISTED');
    const on = { ...input, items: input.items.map((i, n) => (n === 0 ? { ...i, fingerprint: true } : i)) };
    const back = await w.call<Dataset>(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(on));
    expect(back.items[0]).to.deep.include({ name: first!.name, fingerprint: true });
    const unset = await w.call<Dataset>(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(input));
    expect(unset.items[0], 'left out: the default again').not.to.have.property('fingerprint');
    const wrong = { ...input, items: input.items.map((i, n) => (n === 0 ? { ...i, fingerprint: 'no' } : i)) };
    await w.refused(
      () => w.invoke(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(wrong)),
      'INVALID_ARGUMENT',
    );
  });

  it('only the owner updates a dataset or records its versions: another body is FORBIDDEN', async () => {
    const w = await World.create();
    const json = JSON.stringify({ ...marketEntitiesInput(), description: 'taken over' });
    await w.refused(() => w.invoke(IDS.transport, C.catalog, 'UpdateDataset', json), 'FORBIDDEN');
    await w.refused(
      () => w.invoke(IDS.transport, C.catalog, 'RecordDatasetVersion', MARKET_ENTITIES, 'v1', sha('v1'), '1'),
      'FORBIDDEN',
    );
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.catalog, 'UpdateDataset', json), 'FORBIDDEN');
      await w.refused(
        () => w.invoke(who, C.catalog, 'RecordDatasetVersion', MARKET_ENTITIES, 'v1', sha('v1'), '1'),
        'FORBIDDEN',
      );
    }
  });

  it('an update cannot remove items, and names an existing dataset', async () => {
    const w = await World.create();
    const input = marketEntitiesInput();
    const withoutPhone = { ...input, items: input.items.filter((i) => i.name !== 'legal_rep_phone') };
    await w.refused(
      () => w.invoke(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(withoutPhone)),
      'INVALID_ARGUMENT',
    );
    const renamed = {
      ...input,
      items: input.items.map((i) => (i.name === 'address' ? { ...i, name: 'addr' } : i)),
    };
    await w.refused(
      () => w.invoke(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify(renamed)),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () =>
        w.invoke(IDS.market, C.catalog, 'UpdateDataset', JSON.stringify({ ...input, id: 'no-such-dataset' })),
      'NOT_FOUND',
    );
  });

  it('the owner records versions with content hash, row count and tx id; a version name is recorded once', async () => {
    const w = await World.create();
    const entry = await w.recordVersion('2025-03', sha('rows of March'), '12345');
    expect(entry).to.deep.equal({
      version: '2025-03',
      contentHash: sha('rows of March'),
      rowCount: 12345,
      loadedAt: w.ledger.now.toISOString(),
      txId: entry.txId,
    });
    expect(entry.txId).to.match(/^tx\d+$/);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.DATASET_VERSION_LOADED);
    expect(w.ledger.lastEvent()?.payload.txId).to.equal(entry.txId);
    const d = await w.call<Dataset>(IDS.bureau, C.catalog, 'GetDataset', MARKET_ENTITIES);
    expect(d.versions).to.deep.equal([entry]);
    expect(d.versionCount).to.equal(1);

    await w.refused(() => w.recordVersion('2025-03', sha('other'), '1'), 'ALREADY_EXISTS');
  });

  it('bad versions are refused INVALID_ARGUMENT; an unknown dataset NOT_FOUND', async () => {
    const w = await World.create();
    const record = (version: string, hash: string, rows: string) => () =>
      w.recordVersion(version, hash, rows);
    await w.refused(record('v 1', sha('x'), '1'), 'INVALID_ARGUMENT');
    await w.refused(record('v1', 'ABC', '1'), 'INVALID_ARGUMENT');
    await w.refused(record('v1', sha('x').toUpperCase(), '1'), 'INVALID_ARGUMENT');
    await w.refused(record('v1', sha('x'), '-1'), 'INVALID_ARGUMENT');
    await w.refused(record('v1', sha('x'), '1.5'), 'INVALID_ARGUMENT');
    await w.refused(record('v1', sha('x'), 'many'), 'INVALID_ARGUMENT');
    await w.refused(
      () => w.invoke(IDS.market, C.catalog, 'RecordDatasetVersion', 'no-such-dataset', 'v1', sha('x'), '1'),
      'NOT_FOUND',
    );
  });

  it('the entry keeps the last 20 versions and counts them all', async () => {
    const w = await World.create();
    for (let i = 1; i <= 21; i++) {
      await w.recordVersion(`v${i}`, sha(`v${i}`), String(i));
    }
    const d = await w.call<Dataset>(IDS.bureau, C.catalog, 'GetDataset', MARKET_ENTITIES);
    expect(d.versionCount).to.equal(21);
    expect(d.versions.length).to.equal(20);
    expect(d.versions[0]?.version).to.equal('v2');
    expect(d.versions[19]?.version).to.equal('v21');
  });

  it('a version name that dropped out of the kept 20 is still refused as a duplicate', async () => {
    const w = await World.create();
    for (let i = 1; i <= 21; i++) {
      await w.recordVersion(`v${i}`, sha(`v${i}`), '1');
    }
    await w.refused(() => w.recordVersion('v1', sha('not v1'), '1'), 'ALREADY_EXISTS');
  });

  it('the catalog is public: any identity lists it', async () => {
    const w = await World.create();
    const list = await w.call<Dataset[]>(IDS.stranger, C.catalog, 'ListDatasets');
    expect(list.map((d) => [d.id, d.owner, d.openAttribute]).sort()).to.deep.equal([
      [MARKET_ENTITIES, 'MarketMSP', 'restricted'],
      [MARKET_NOTICES, 'MarketMSP', 'unconditional'],
      [TRANSPORT_VEHICLES, 'TransportMSP', 'restricted'],
    ]);
    await w.refused(() => w.invoke(IDS.stranger, C.catalog, 'GetDataset', 'no-such-dataset'), 'NOT_FOUND');
  });

  it('a body the bureau removed (it left the channel) registers and changes nothing more', async () => {
    const w = await World.create();
    await w.refused(() => w.invoke(IDS.market, C.platform, 'RemoveBody', 'TransportMSP'), 'FORBIDDEN');
    await w.invoke(IDS.bureau, C.platform, 'RemoveBody', 'TransportMSP');
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'body', id: 'TransportMSP', state: 'REMOVED' },
    ]);
    await w.refused(() => w.invoke(IDS.bureau, C.platform, 'RemoveBody', 'TransportMSP'), 'INVALID_STATE');
    await w.refused(
      () => w.invoke(IDS.transport, C.catalog, 'RegisterDataset', JSON.stringify(licencesInput())),
      'FORBIDDEN',
    );
    // Its datasets take no new applications.
    await w.refused(() => w.submit(w.aa, 'app-t', [demand(TRANSPORT_VEHICLES)]), 'INVALID_STATE');
    const bodies = await w.call<{ mspId: string; removedAt?: string }[]>(
      IDS.regulator,
      C.platform,
      'ListBodies',
    );
    expect(bodies.find((b) => b.mspId === 'TransportMSP')?.removedAt).to.be.a('string');
  });
});

describe('catalogue governance: narrowing the open attribute (Z12, Z15)', () => {
  const propose = (w: World, to: string, why = '经评估涉及个人隐私', who: Identity = IDS.market) =>
    w.call<Dataset>(who, C.catalog, 'ProposeAttributeChange', MARKET_ENTITIES, to, secret({ reason: why }));
  const decide = (w: World, decision: string, why = '', who: Identity = IDS.bureau) =>
    w.call<Dataset>(
      who,
      C.catalog,
      'DecideAttributeChange',
      MARKET_ENTITIES,
      decision,
      secret({ reason: why }),
    );
  const dataset = (w: World) => w.call<Dataset>(IDS.stranger, C.catalog, 'GetDataset', MARKET_ENTITIES);

  it('a body may not narrow on its own: it proposes with a reason; the bureau approves; a move to prohibited suspends every active grant at once', async () => {
    const w = await World.create();
    const mine = (await w.activeGrants(w.aa, 'app-1')).grants[0]!;
    const theirs = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
    await w.refused(
      asMarket(w, 'UpdateDataset', { ...marketEntitiesInput(), openAttribute: 'prohibited' }),
      'INVALID_ARGUMENT',
      /needs the bureau's approval/,
    );
    const proposed = await propose(w, 'prohibited');
    expect(proposed.openAttribute, 'unchanged until approved').to.equal('restricted');
    expect(proposed.pendingAttribute).to.deep.include({
      to: 'prohibited',
      reason: '经评估涉及个人隐私',
      by: 'MarketMSP',
    });
    await w.refused(() => propose(w, 'prohibited'), 'INVALID_STATE', /waits for the bureau/);
    const approved = await decide(w, 'approve');
    expect(approved.openAttribute).to.equal('prohibited');
    expect(approved.pendingAttribute).to.equal(undefined);
    expect(approved.attributeChanges).to.deep.equal([
      {
        from: 'restricted',
        to: 'prohibited',
        reason: '经评估涉及个人隐私',
        approvedBy: 'BureauMSP',
        at: w.ledger.now.toISOString(),
      },
    ]);
    for (const g of [mine, theirs]) {
      const now = await w.call<Grant>(IDS.bureau, C.grant, 'GetGrant', g.id);
      expect([now.state, now.reason?.code]).to.deep.equal(['SUSPENDED', 'catalogue']);
    }
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => `${c.type}:${c.state}`)).to.deep.equal([
      'dataset:prohibited',
      'grant:SUSPENDED',
      'grant:SUSPENDED',
    ]);
    // While prohibited, no one restores them.
    for (const who of [IDS.market, IDS.bureau])
      await w.refused(
        () => w.invoke(who, C.grant, 'RestoreGrant', mine.id, secret({ note: '恢复' })),
        'INVALID_STATE',
        /prohibited/,
      );
  });

  it('proposals: only narrower, only by the owner, with a reason; a rejection needs one too and changes nothing', async () => {
    const w = await World.create();
    await w.refused(() => propose(w, 'unconditional'), 'INVALID_ARGUMENT', /not narrower/);
    await w.refused(() => propose(w, 'prohibited', ''), 'INVALID_ARGUMENT');
    await w.refused(() => propose(w, 'prohibited', '经评估涉及个人隐私', IDS.transport), 'FORBIDDEN');
    await w.refused(() => decide(w, 'approve'), 'INVALID_STATE', /no change/);
    await propose(w, 'prohibited');
    await w.refused(() => decide(w, 'approve', '', IDS.market), 'FORBIDDEN');
    await w.refused(() => decide(w, 'reject'), 'INVALID_ARGUMENT');
    const kept = await decide(w, 'reject', '评估依据不足,维持受限开放');
    expect([kept.openAttribute, kept.pendingAttribute]).to.deep.equal(['restricted', undefined]);
    expect((await dataset(w)).openAttribute).to.equal('restricted');
  });
});

describe('catalogue governance: listing needs the bureau’s review (Z13)', () => {
  it('registered as a DRAFT: not applied for until the bureau lists it, with its reviewer; a rejection sends it back with a reason', async () => {
    const w = await World.create();
    const input = licencesInput();
    const draft = await w.call<Dataset>(IDS.market, C.catalog, 'RegisterDataset', JSON.stringify(input));
    expect(draft.listing).to.deep.equal({ state: 'DRAFT' });
    await w.refused(
      () => w.submit(w.aa, 'app-d', [demand(input.id, ['licence_no'])]),
      'INVALID_ARGUMENT',
      /not in the catalogue yet/,
    );
    await w.refused(() => w.invoke(IDS.market, C.catalog, 'ReviewListing', input.id, 'approve'), 'FORBIDDEN');
    await w.refused(
      () => w.invoke(IDS.bureau, C.catalog, 'ReviewListing', input.id, 'reject', secret({ reason: '' })),
      'INVALID_ARGUMENT',
    );
    const rejected = await w.call<Dataset>(
      IDS.bureau,
      C.catalog,
      'ReviewListing',
      input.id,
      'reject',
      secret({ reason: '开放属性评估材料不全' }),
    );
    expect(rejected.listing).to.deep.include({ state: 'REJECTED', reason: '开放属性评估材料不全' });
    const corrected = await w.call<Dataset>(
      IDS.market,
      C.catalog,
      'UpdateDataset',
      JSON.stringify({ ...input, description: '补充了评估材料' }),
    );
    expect(corrected.listing).to.deep.equal({ state: 'DRAFT' });
    const listed = await w.call<Dataset>(IDS.bureauReviewer, C.catalog, 'ReviewListing', input.id, 'approve');
    expect(listed.listing).to.deep.include({ state: 'LISTED', at: w.ledger.now.toISOString() });
    expect(listed.listing?.reviewedBy).to.match(/^BureauMSP\//);
    await w.refused(
      () => w.invoke(IDS.bureau, C.catalog, 'ReviewListing', input.id, 'approve'),
      'INVALID_STATE',
    );
    await w.submit(w.aa, 'app-d', [demand(MARKET_ENTITIES), demand(input.id, ['licence_no'])]);
  });
});
