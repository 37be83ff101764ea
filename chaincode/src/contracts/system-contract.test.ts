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
    const written = JSON.parse(
      await ledger.invoke(IDS.marketProber, contract, 'RecordProbe', 'p-1', '你好'),
    ) as {
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
    await ledger.invoke(IDS.marketProber, contract, 'RecordProbe', 'p-2', 'x');
    const [value] = [...ledger.state.values()];
    const keys = Object.keys(JSON.parse(value!.toString()) as object);
    expect(keys).to.deep.equal([...keys].sort());
  });

  it('a probe id is recorded once: rewriting it is rejected and leaves the first', async () => {
    const ledger = new FakeLedger();
    await ledger.invoke(IDS.marketProber, contract, 'RecordProbe', 'p-3', 'first');
    await rejectsWith(
      ledger.invoke(IDS.bureauProber, contract, 'RecordProbe', 'p-3', 'second'),
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
      // The prober's note is text like every other: no escape sequence for a terminal to run.
      ['ok', 'probe \u001b]52;c;ZXZpbA==\u0007'],
    ] as const) {
      await rejectsWith(
        ledger.invoke(IDS.marketProber, contract, 'RecordProbe', id, note),
        'INVALID_ARGUMENT',
      );
    }
    expect(ledger.state.size).to.equal(0);
  });

  it('personal data in a note is refused, however it is written', async () => {
    const ledger = new FakeLedger();
    for (const note of [
      '联系 13800138000',
      '电话 138-0013-8000',
      '电话 138 0013 8000',
      '手机 １３８００１３８０００',
      '身份证 330102199001011234',
      '身份证 3301 0219 9001 0112 3X',
      '身份证３３０１０２１９９００１０１１２３ｘ',
    ]) {
      await rejectsWith(
        ledger.invoke(IDS.marketProber, contract, 'RecordProbe', 'p-pd', note),
        'INVALID_ARGUMENT',
      );
    }
    // Numbers that are not personal data pass: an amount, a date, a short code.
    await ledger.invoke(
      IDS.marketProber,
      contract,
      'RecordProbe',
      'p-ok',
      '2025-03-01 交易 1,380,013 元，编号 A-1380',
    );
    expect(ledger.state.size).to.equal(1);
  });

  it('only a prober writes probes: staff, regulators, the gateway and peers are refused', async () => {
    const ledger = new FakeLedger();
    for (const who of [IDS.market, IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketReviewer]) {
      await rejectsWith(ledger.invoke(who, contract, 'RecordProbe', 'p-x', 'x'), 'FORBIDDEN');
    }
    expect(ledger.state.size).to.equal(0);
  });

  it('reading a missing probe fails with NOT_FOUND', async () => {
    await rejectsWith(new FakeLedger().invoke(IDS.market, contract, 'ReadProbe', 'nope'), 'NOT_FOUND');
  });
});
