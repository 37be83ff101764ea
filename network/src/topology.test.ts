import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology, nodesOf, peerOrgs } from './topology.js';

const topo = buildTopology({
  basePort: 7000,
  host: '127.0.0.1',
  gatewayHost: '127.0.0.1',
  gatewayPort: 3000,
});

test('no two listeners share a port', () => {
  const ports = topo.nodes.flatMap((n) =>
    [n.port, n.opsPort, n.adminPort, n.chaincodePort].filter((p) => p !== undefined),
  );
  ports.push(topo.gateway.port);
  assert.equal(new Set(ports).size, ports.length);
});

test('three Raft orderers, and every peer org has a CA, one peer and one chaincode server', () => {
  assert.equal(nodesOf(topo, 'orderer').length, 3);
  assert.deepEqual(
    peerOrgs(topo).map((o) => o.mspId),
    ['BureauMSP', 'MarketMSP', 'TransportMSP'],
  );
  for (const org of peerOrgs(topo)) {
    for (const kind of ['ca', 'peer', 'chaincode'] as const) {
      assert.equal(nodesOf(topo, kind, org.mspId).length, 1, `${org.mspId} ${kind}`);
    }
  }
});

test('the bureau has the gateway and regulator identities with their role attributes', () => {
  const bureau = topo.orgs.find((o) => o.mspId === 'BureauMSP')!;
  assert.deepEqual(
    bureau.identities.filter((i) => i.role === 'gateway' || i.role === 'regulator').map((i) => i.name),
    ['gateway', 'regulator'],
  );
});

test('an org can be placed on its own host', () => {
  const spread = buildTopology({
    basePort: 7000,
    host: '10.0.0.1',
    hosts: { MarketMSP: 'market.example' },
    gatewayHost: '10.0.0.1',
    gatewayPort: 3000,
  });
  assert.ok(nodesOf(spread, 'peer', 'MarketMSP').every((n) => n.host === 'market.example'));
  assert.ok(nodesOf(spread, 'peer', 'BureauMSP').every((n) => n.host === '10.0.0.1'));
});

test('the base port moves the whole block', () => {
  const moved = buildTopology({
    basePort: 9000,
    host: '127.0.0.1',
    gatewayHost: '127.0.0.1',
    gatewayPort: 3000,
  });
  assert.deepEqual(
    moved.nodes.map((n) => n.port - 2000),
    topo.nodes.map((n) => n.port),
  );
});
