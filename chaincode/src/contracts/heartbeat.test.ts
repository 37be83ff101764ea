/**
 * The ledger's heartbeat (lib/heartbeat.ts): every transaction reads it, so on a real network one endorsed and
 * held back fails once the clerk's next heartbeat commits (test/src/e2e/clerk.e2e.test.ts holds one). Here: that
 * every contract reads it, and that the clerk alone moves it on.
 */
import { expect } from 'chai';
import { contracts } from '../index';
import { HEARTBEAT_KEY } from '../lib/heartbeat';
import { RdxContract } from '../lib/rdx-contract';
import { FakeLedger, IDS } from '../testing/fake-ledger';
import { PlatformContract } from './platform-contract';
import { SystemContract } from './system-contract';

describe('the ledger heartbeat', () => {
  it('every contract is an RdxContract, whose transactions read the heartbeat before anything else', async () => {
    for (const C of contracts) expect(new C(), C.name).to.be.instanceOf(RdxContract);
    const ledger = new FakeLedger();
    await ledger.invoke(IDS.marketProber, new SystemContract(), 'RecordProbe', 'hb-1', 'x');
    expect([...ledger.lastKeysRead], 'a write').to.include(HEARTBEAT_KEY);
    await ledger.invoke(IDS.market, new SystemContract(), 'GetVersion');
    expect([...ledger.lastKeysRead], 'a function that reads nothing itself').to.deep.equal([HEARTBEAT_KEY]);
  });

  it('the clerk moves it on, one count a round, at the transaction time; no one else may', async () => {
    const ledger = new FakeLedger();
    const platform = new PlatformContract();
    expect(JSON.parse(await ledger.invoke(IDS.bureau, platform, 'GetHeartbeat'))).to.equal(null);
    const first = JSON.parse(await ledger.invoke(IDS.clerk, platform, 'Heartbeat')) as { count: number };
    ledger.now = new Date(ledger.now.getTime() + 3_600_000);
    await ledger.invoke(IDS.clerk, platform, 'Heartbeat');
    expect(first.count).to.equal(1);
    expect(JSON.parse(await ledger.invoke(IDS.market, platform, 'GetHeartbeat'))).to.deep.equal({
      count: 2,
      at: ledger.now.toISOString(),
    });
    for (const who of [IDS.bureau, IDS.gateway, IDS.market, IDS.marketProber])
      await ledger.invoke(who, platform, 'Heartbeat').then(
        () => expect.fail(`${who.cn} moved the heartbeat on`),
        (err: Error) => expect(err.message).to.match(/move the ledger heartbeat on/),
      );
  });
});
