import { expect } from 'chai';
import { IDS, certificateOf, type Identity } from '../testing/fake-ledger';
import { C, World, sha } from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Anchor, GatewayRegistration } from './audit-contract';

const ZEROS = '0'.repeat(64);

interface AnchorInput {
  gatewayId: string;
  sequence: number;
  merkleRoot: string;
  recordCount: number;
  firstRecord: number;
  firstRecordAt: string;
  lastRecordAt: string;
  previousAnchorHash: string;
}

function batch(
  sequence: number,
  previousAnchorHash: string,
  overrides: Partial<AnchorInput> = {},
): AnchorInput {
  return {
    gatewayId: 'gw-1',
    sequence,
    merkleRoot: sha(`batch ${sequence}`),
    recordCount: 100,
    firstRecord: (sequence - 1) * 100,
    firstRecordAt: `2025-03-0${sequence}T00:00:00.000Z`,
    lastRecordAt: `2025-03-0${sequence}T23:59:59.000Z`,
    previousAnchorHash,
    ...overrides,
  };
}

function submit(w: World, input: AnchorInput, who: Identity = IDS.gateway): Promise<Anchor> {
  return w.call<Anchor>(who, C.audit, 'SubmitAnchor', JSON.stringify(input));
}

/** A world where the bureau registered gw-1 to the gateway identity's certificate. */
async function registered(): Promise<World> {
  const w = await World.create();
  await w.registerGateway('gw-1');
  return w;
}

describe('AuditContract', () => {
  it('the first anchor names 64 zeros; the next names the first’s hash and starts at the next record', async () => {
    const w = await registered();
    const first = await submit(w, batch(1, ZEROS));
    expect(first.sequence).to.equal(1);
    expect(first.anchorHash).to.match(/^[0-9a-f]{64}$/);
    expect(first.anchorHash).not.to.equal(ZEROS);
    expect(first.anchoredAt).to.equal(w.ledger.now.toISOString());
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.ANCHOR_RECORDED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'anchor', id: 'gw-1.000000000001' },
    ]);

    const second = await submit(w, batch(2, first.anchorHash));
    expect(second.sequence).to.equal(2);
    expect(second.previousAnchorHash).to.equal(first.anchorHash);
    expect(second.anchorHash).not.to.equal(first.anchorHash);

    const head = await w.call<{ sequence: number; anchorHash: string; nextRecord: number }>(
      IDS.regulator,
      C.audit,
      'GetAnchorHead',
      'gw-1',
    );
    expect(head.sequence).to.equal(2);
    expect(head.anchorHash).to.equal(second.anchorHash);
    expect(head.nextRecord).to.equal(200);
    expect(await w.call<Anchor>(IDS.bureau, C.audit, 'GetAnchor', 'gw-1', '1')).to.deep.equal(first);
  });

  it('the anchor hash covers the batch: a different Merkle root gives a different hash', async () => {
    const a = await registered();
    const b = await registered();
    const one = await submit(a, batch(1, ZEROS));
    const other = await submit(b, batch(1, ZEROS, { merkleRoot: sha('tampered batch') }));
    expect(one.anchorHash).not.to.equal(other.anchorHash);
    // So the chain built on the genuine batch cannot be continued from the tampered one.
    await b.refused(() => submit(b, batch(2, one.anchorHash)), 'ANCHOR_CHAIN_BROKEN');
  });

  it('a gap is rejected: sequence 3 after 1', async () => {
    const w = await registered();
    const first = await submit(w, batch(1, ZEROS));
    await w.refused(() => submit(w, batch(3, first.anchorHash, { firstRecord: 100 })), 'ANCHOR_CHAIN_BROKEN');
  });

  it('a first anchor must be sequence 1 naming 64 zeros', async () => {
    const w = await registered();
    await w.refused(() => submit(w, batch(2, ZEROS, { firstRecord: 0 })), 'ANCHOR_CHAIN_BROKEN');
    await w.refused(() => submit(w, batch(1, sha('something'))), 'ANCHOR_CHAIN_BROKEN');
    await w.refused(() => submit(w, batch(1, ZEROS, { firstRecord: 5 })), 'ANCHOR_CHAIN_BROKEN');
  });

  it('a fork is rejected: sequence 2 naming a hash other than anchor 1’s', async () => {
    const w = await registered();
    await submit(w, batch(1, ZEROS));
    await w.refused(() => submit(w, batch(2, ZEROS)), 'ANCHOR_CHAIN_BROKEN');
    await w.refused(() => submit(w, batch(2, sha('another anchor'))), 'ANCHOR_CHAIN_BROKEN');
  });

  it('a rewrite is rejected: sequence 1 again, even with the same or other content', async () => {
    const w = await registered();
    const first = await submit(w, batch(1, ZEROS));
    await w.refused(() => submit(w, batch(1, ZEROS)), 'ANCHOR_CHAIN_BROKEN');
    await w.refused(
      () => submit(w, batch(1, ZEROS, { merkleRoot: sha('rewritten') })),
      'ANCHOR_CHAIN_BROKEN',
    );
    await submit(w, batch(2, first.anchorHash));
    await w.refused(() => submit(w, batch(1, ZEROS)), 'ANCHOR_CHAIN_BROKEN');
    expect(await w.call<Anchor>(IDS.bureau, C.audit, 'GetAnchor', 'gw-1', '1')).to.deep.equal(first);
  });

  it('a batch that does not start at the next record is rejected (overlap or hole)', async () => {
    const w = await registered();
    const first = await submit(w, batch(1, ZEROS));
    await w.refused(() => submit(w, batch(2, first.anchorHash, { firstRecord: 99 })), 'ANCHOR_CHAIN_BROKEN');
    await w.refused(() => submit(w, batch(2, first.anchorHash, { firstRecord: 101 })), 'ANCHOR_CHAIN_BROKEN');
    await submit(w, batch(2, first.anchorHash, { firstRecord: 100 }));
  });

  it('only the gateway may anchor', async () => {
    const w = await registered();
    for (const who of [
      IDS.bureau,
      IDS.regulator,
      IDS.market,
      IDS.marketGatewayRole,
      IDS.bureauNoRole,
      IDS.stranger,
    ]) {
      await w.refused(() => submit(w, batch(1, ZEROS), who), 'FORBIDDEN');
    }
  });

  it('only the certificate the bureau registered for a gateway id anchors under it', async () => {
    const w = await registered();
    const otherGateway: Identity = { mspId: 'BureauMSP', role: 'gateway', cn: 'gateway-2' };
    const first = await submit(w, batch(1, ZEROS));
    const before = w.ledger.snapshot();
    // Another gateway identity cannot continue gw-1's chain ...
    await w.refused(
      () => submit(w, batch(2, first.anchorHash), otherGateway),
      'FORBIDDEN',
      /registered to another certificate/,
    );
    // ... nor open a chain under an id the bureau did not register.
    await w.refused(
      () => submit(w, batch(1, ZEROS, { gatewayId: 'gw-9' }), otherGateway),
      'FORBIDDEN',
      /not registered/,
    );
    // The same name under a certificate the bureau did not register (a second one issued for it) fails too.
    await w.refused(() => submit(w, batch(2, first.anchorHash), { ...IDS.gateway, serial: 1 }), 'FORBIDDEN');
    expect(w.ledger.snapshot()).to.equal(before);
    // Once registered, the other gateway keeps a chain of its own.
    await w.registerGateway('gw-2', otherGateway);
    const own = await submit(w, batch(1, ZEROS, { gatewayId: 'gw-2' }), otherGateway);
    expect(own.sequence).to.equal(1);
    expect(own.certificate).to.match(/^[0-9a-f]{64}$/);
  });

  it('a renewed certificate continues the chain once the bureau re-registers the id; the old one stops', async () => {
    const w = await registered();
    const first = await submit(w, batch(1, ZEROS));
    const renewed: Identity = { ...IDS.gateway, serial: 1 };
    const registration = await w.call<GatewayRegistration>(
      IDS.bureau,
      C.audit,
      'RegisterGateway',
      'gw-1',
      certificateOf(renewed),
    );
    expect(registration.previousCertificate).to.equal(first.certificate);
    expect(registration.certificate).not.to.equal(first.certificate);
    await w.refused(() => submit(w, batch(2, first.anchorHash)), 'FORBIDDEN');
    const second = await submit(w, batch(2, first.anchorHash), renewed);
    expect(second.previousAnchorHash).to.equal(first.anchorHash);
    expect(second.certificate).to.equal(registration.certificate);
    expect(await w.call<GatewayRegistration>(IDS.regulator, C.audit, 'GetGateway', 'gw-1')).to.deep.equal(
      registration,
    );
  });

  it('only the bureau registers gateways, with a PEM certificate; an unknown id is NOT_FOUND', async () => {
    const w = await registered();
    for (const who of [IDS.gateway, IDS.regulator, IDS.market, IDS.marketGatewayRole, IDS.bureauNoRole]) {
      await w.refused(
        () => w.invoke(who, C.audit, 'RegisterGateway', 'gw-1', certificateOf(who)),
        'FORBIDDEN',
      );
    }
    for (const bad of [
      '',
      'not a certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ]) {
      await w.refused(
        () => w.invoke(IDS.bureau, C.audit, 'RegisterGateway', 'gw-3', bad),
        'INVALID_ARGUMENT',
      );
    }
    await w.refused(
      () => w.invoke(IDS.bureau, C.audit, 'RegisterGateway', 'gw 3', certificateOf(IDS.gateway)),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.invoke(IDS.bureau, C.audit, 'GetGateway', 'gw-3'), 'NOT_FOUND');
    await w.refused(() => w.invoke(IDS.market, C.audit, 'GetGateway', 'gw-1'), 'FORBIDDEN');
  });

  it('each gateway id has its own chain', async () => {
    const w = await registered();
    await w.registerGateway('gw-2');
    const gw1 = await submit(w, batch(1, ZEROS));
    await submit(w, batch(2, gw1.anchorHash));
    const gw2 = await submit(w, batch(1, ZEROS, { gatewayId: 'gw-2' }));
    expect(gw2.sequence).to.equal(1);
    const head = await w.call<{ sequence: number }>(IDS.gateway, C.audit, 'GetAnchorHead', 'gw-1');
    expect(head.sequence).to.equal(2);
  });

  it('malformed anchors are refused INVALID_ARGUMENT', async () => {
    const w = await registered();
    for (const bad of [
      { lastRecordAt: '2025-02-28T00:00:00.000Z' },
      { recordCount: 0 },
      { sequence: 0 },
      { firstRecord: -1 },
      { merkleRoot: 'root' },
      { previousAnchorHash: '0' },
      { firstRecordAt: '2025-03-01' },
      { gatewayId: 'gw 1' },
    ]) {
      await w.refused(() => submit(w, batch(1, ZEROS, bad)), 'INVALID_ARGUMENT');
    }
  });

  it('anchors are read by the bureau, regulators and gateways, not by bodies', async () => {
    const w = await registered();
    await submit(w, batch(1, ZEROS));
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway]) {
      expect((await w.call<Anchor>(who, C.audit, 'GetAnchor', 'gw-1', '1')).sequence).to.equal(1);
    }
    for (const who of [IDS.market, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.audit, 'GetAnchor', 'gw-1', '1'), 'FORBIDDEN');
      await w.refused(() => w.invoke(who, C.audit, 'GetAnchorHead', 'gw-1'), 'FORBIDDEN');
    }
    await w.refused(() => w.invoke(IDS.bureau, C.audit, 'GetAnchor', 'gw-1', '2'), 'NOT_FOUND');
    const empty = await w.call<{ sequence: number; anchorHash: string }>(
      IDS.bureau,
      C.audit,
      'GetAnchorHead',
      'gw-9',
    );
    expect([empty.sequence, empty.anchorHash]).to.deep.equal([0, ZEROS]);
  });
});

describe('fingerprint commitments (issue 17)', () => {
  it('a gateway commits once per grant; the same again is answered as recorded, another is refused', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-1');
    const grantId = grants[0]!.id;
    const first = await w.call<{ commitment: string; txId: string }>(
      IDS.gateway,
      C.audit,
      'CommitFingerprint',
      grantId,
      sha('key'),
    );
    expect(first.commitment).to.equal(sha('key'));
    const again = await w.call<{ txId: string }>(
      IDS.gateway,
      C.audit,
      'CommitFingerprint',
      grantId,
      sha('key'),
    );
    expect(again.txId, 'the first record stands').to.equal(first.txId);
    await w.refused(
      () => w.invoke(IDS.gateway, C.audit, 'CommitFingerprint', grantId, sha('another key')),
      'ALREADY_EXISTS',
      /one fingerprint secret/,
    );
    await w.refused(
      () => w.invoke(IDS.gateway, C.audit, 'CommitFingerprint', 'no-such-grant', sha('k')),
      'NOT_FOUND',
    );
    await w.refused(
      () => w.invoke(IDS.gateway, C.audit, 'CommitFingerprint', grantId, 'not-a-hash'),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.invoke(IDS.market, C.audit, 'CommitFingerprint', grantId, sha('k')), 'FORBIDDEN');
  });

  it('the owning body, the bureau and regulators read it; another body is told nothing', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-1');
    const grantId = grants[0]!.id;
    await w.refused(() => w.call(IDS.market, C.audit, 'GetFingerprintCommitment', grantId), 'NOT_FOUND');
    await w.invoke(IDS.gateway, C.audit, 'CommitFingerprint', grantId, sha('key'));
    for (const who of [IDS.market, IDS.bureau, IDS.regulator])
      expect(
        (await w.call<{ commitment: string }>(who, C.audit, 'GetFingerprintCommitment', grantId)).commitment,
      ).to.equal(sha('key'));
    await w.refused(() => w.call(IDS.transport, C.audit, 'GetFingerprintCommitment', grantId), 'NOT_FOUND');
  });
});
