import { expect } from 'chai';
import { bodiesNeeded, bureauAndMajorityPolicy, bureauAndMajorityRule } from './channel-policy.js';

describe('channel policy: a majority of the members, the bureau among them', () => {
  it('two bodies are not enough without the bureau, nor the bureau alone; with it, a majority of the members', () => {
    // Members are the bodies and the bureau: of 3, 2; of 4, 3; of 5, 3.
    expect([0, 1, 2, 3, 4, 5].map(bodiesNeeded)).to.deep.equal([0, 1, 1, 2, 2, 3]);
    expect(bureauAndMajorityRule(['TransportMSP', 'BureauMSP', 'MarketMSP'], 'admin')).to.equal(
      "AND('BureauMSP.admin', OutOf(1, 'MarketMSP.admin', 'TransportMSP.admin'))",
    );
    expect(bureauAndMajorityRule(['BureauMSP', 'HealthMSP', 'MarketMSP', 'TransportMSP'], 'peer')).to.equal(
      "AND('BureauMSP.peer', OutOf(2, 'HealthMSP.peer', 'MarketMSP.peer', 'TransportMSP.peer'))",
    );
    expect(bureauAndMajorityRule(['BureauMSP'], 'admin')).to.equal("OR('BureauMSP.admin')");
  });

  it('the configuration holds the same rule: the bureau, and k of the bodies', () => {
    const policy = bureauAndMajorityPolicy(['MarketMSP', 'BureauMSP', 'TransportMSP', 'HealthMSP'], 'admin');
    expect(policy).to.deep.equal({
      type: 1,
      value: {
        identities: ['BureauMSP', 'HealthMSP', 'MarketMSP', 'TransportMSP'].map((m) => ({
          principal: { msp_identifier: m, role: 'ADMIN' },
          principal_classification: 'ROLE',
        })),
        rule: {
          n_out_of: {
            n: 2,
            rules: [
              { signed_by: 0 },
              { n_out_of: { n: 2, rules: [{ signed_by: 1 }, { signed_by: 2 }, { signed_by: 3 }] } },
            ],
          },
        },
        version: 0,
      },
    });
  });
});
