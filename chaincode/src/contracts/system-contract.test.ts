import { expect } from 'chai';
import { SystemContract, CHAINCODE_VERSION } from './system-contract';
import { FakeLedger, IDS } from '../testing/fake-ledger';
import { errorCodeOf } from '../lib/errors';
import { EVENTS } from '../lib/events';

const contract = new SystemContract();

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  const err = (await expect(promise).to.be.rejectedWith(Error)) as Error;
  expect(errorCodeOf(err.message), err.message).to.equal(code);
}

describe('SystemContract', () => {
  it('GetVersion names the chaincode and its version', async () => {
    expect(JSON.parse(await contract.GetVersion())).to.deep.equal({
      chaincode: 'rdx',
      version: CHAINCODE_VERSION,
    });
  });

  it('a recorded probe reads back with the recording org, tx id and transaction time', async () => {
    const ledger = new FakeLedger();
    const written = JSON.parse(await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-1', '你好')) as {
      txId: string;
    };
    const probe = JSON.parse(await ledger.invoke(IDS.bureau, contract, 'ReadProbe', 'p-1')) as Record<
      string,
      string
    >;
    expect(probe).to.deep.equal({
      id: 'p-1',
      note: '你好',
      recordedBy: 'MarketMSP',
      txId: written.txId,
      recordedAt: ledger.now.toISOString(),
    });
    expect(ledger.lastEvent()?.name).to.equal(EVENTS.PROBE_RECORDED);
    expect(ledger.lastEvent()?.payload.changes).to.deep.equal([{ type: 'probe', id: 'p-1' }]);
  });

  it('state is written as canonical JSON with sorted keys', async () => {
    const ledger = new FakeLedger();
    await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-2', 'x');
    const [value] = [...ledger.state.values()];
    const keys = Object.keys(JSON.parse(value!.toString()) as object);
    expect(keys).to.deep.equal([...keys].sort());
  });

  it('a probe id is recorded once: rewriting it is rejected and leaves the first', async () => {
    const ledger = new FakeLedger();
    await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-3', 'first');
    await rejectsWith(
      ledger.invoke(IDS.transport, contract, 'RecordProbe', 'p-3', 'second'),
      'ALREADY_EXISTS',
    );
    const probe = JSON.parse(await ledger.invoke(IDS.market, contract, 'ReadProbe', 'p-3')) as {
      note: string;
    };
    expect(probe.note).to.equal('first');
  });

  it('bad input is rejected with INVALID_ARGUMENT and nothing is written', async () => {
    const ledger = new FakeLedger();
    for (const [id, note] of [
      ['', 'x'],
      ['has space', 'x'],
      ['x'.repeat(65), 'x'],
      ['ok', 'n'.repeat(1025)],
    ] as const) {
      await rejectsWith(ledger.invoke(IDS.market, contract, 'RecordProbe', id, note), 'INVALID_ARGUMENT');
    }
    expect(ledger.state.size).to.equal(0);
  });

  it('reading a missing probe fails with NOT_FOUND', async () => {
    await rejectsWith(new FakeLedger().invoke(IDS.market, contract, 'ReadProbe', 'nope'), 'NOT_FOUND');
  });
});
