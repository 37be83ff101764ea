import { expect } from 'chai';
import { configtx, PROFILE } from './configtx.js';
import { Paths } from './paths.js';
import { buildTopology } from './topology.js';

const topo = buildTopology({
  basePort: 7000,
  host: '127.0.0.1',
  gatewayHost: '127.0.0.1',
  gatewayPort: 3000,
});
type Profile = {
  Orderer: {
    BatchTimeout: string;
    EtcdRaft: { Consenters: { Port: number }[] };
    Organizations: { OrdererEndpoints: string[] }[];
  };
  Application: { Organizations: { Name: string; AnchorPeers: { Port: number }[] }[] };
};
const profile = (
  configtx(new Paths('/x', '/repo'), topo, { batchTimeout: '500ms', maxMessageCount: 100 })
    .Profiles as Record<string, Profile>
)[PROFILE]!;

describe('configtx', () => {
  it('every orderer is a Raft consenter and an orderer endpoint', () => {
    expect(profile.Orderer.EtcdRaft.Consenters.map((c) => c.Port)).to.deep.equal([7010, 7020, 7030]);
    expect(profile.Orderer.Organizations[0]!.OrdererEndpoints).to.deep.equal([
      '127.0.0.1:7010',
      '127.0.0.1:7020',
      '127.0.0.1:7030',
    ]);
  });

  it('each application org names its peer as anchor peer, so discovery works across orgs', () => {
    expect(
      profile.Application.Organizations.map((o) => [o.Name, o.AnchorPeers.map((a) => a.Port)]),
    ).to.deep.equal([
      ['BureauMSP', [7050]],
      ['MarketMSP', [7080]],
      ['TransportMSP', [7110]],
    ]);
  });

  it('the block cutting timeout is the configured one', () => {
    expect(profile.Orderer.BatchTimeout).to.equal('500ms');
  });
});

describe('configtx with BFT ordering', () => {
  const bft = buildTopology({
    basePort: 7000,
    host: '127.0.0.1',
    gatewayHost: '127.0.0.1',
    gatewayPort: 3000,
    consensus: 'bft',
  });
  const p = (
    configtx(new Paths('/x', '/repo'), bft, { batchTimeout: '500ms', maxMessageCount: 100 })
      .Profiles as Record<
      string,
      {
        Orderer: {
          OrdererType: string;
          EtcdRaft?: unknown;
          ConsenterMapping: { ID: number; MSPID: string; Identity: string }[];
          Organizations: { Name: string; OrdererEndpoints: string[] }[];
        };
        Application: { Organizations: { Name: string }[] };
      }
    >
  )[PROFILE]!;

  it('four consenters spread over the bureau (two) and the founding bodies (one each): no side orders alone', () => {
    expect(p.Orderer.OrdererType).to.equal('BFT');
    expect(p.Orderer.EtcdRaft).to.equal(undefined);
    const owners = p.Orderer.ConsenterMapping.map((c) => c.MSPID);
    expect(owners).to.deep.equal(['OrdererMSP', 'OrdererMSP', 'MarketMSP', 'TransportMSP']);
    expect(p.Orderer.ConsenterMapping.map((c) => c.ID)).to.deep.equal([1, 2, 3, 4]);
    for (const c of p.Orderer.ConsenterMapping) expect(c.Identity).to.match(/signcerts\/cert\.pem$/);
    // 3f+1 = 4 tolerates f = 1; a quorum is 3: neither the bureau's 2 nor the bodies' 2 reach it.
    expect(owners.filter((o) => o === 'OrdererMSP').length).to.be.below(3);
    // Each orderer is a delivery endpoint of its org; the bodies are in both groups.
    expect(p.Orderer.Organizations.map((o) => [o.Name, o.OrdererEndpoints.length])).to.deep.equal([
      ['OrdererMSP', 2],
      ['MarketMSP', 1],
      ['TransportMSP', 1],
    ]);
    expect(p.Application.Organizations.map((o) => o.Name)).to.deep.equal([
      'BureauMSP',
      'MarketMSP',
      'TransportMSP',
    ]);
  });
});
