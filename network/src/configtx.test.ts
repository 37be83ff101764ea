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
