import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemContract, CHAINCODE_VERSION } from './system-contract';
import { FakeLedger, IDS } from '../testing/fake-ledger';
import { errorCodeOf } from '../lib/errors';
import { EVENTS } from '../lib/events';

const contract = new SystemContract();

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: Error) => errorCodeOf(err.message) === code);
}

test('GetVersion names the chaincode and its version', async () => {
  assert.deepEqual(JSON.parse(await contract.GetVersion()), { chaincode: 'rdx', version: CHAINCODE_VERSION });
});

test('a recorded probe reads back with the recording org, tx id and transaction time', async () => {
  const ledger = new FakeLedger();
  const written = JSON.parse(await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-1', '你好')) as {
    txId: string;
  };
  const probe = JSON.parse(await ledger.invoke(IDS.bureau, contract, 'ReadProbe', 'p-1')) as Record<
    string,
    string
  >;
  assert.deepEqual(probe, {
    id: 'p-1',
    note: '你好',
    recordedBy: 'MarketMSP',
    txId: written.txId,
    recordedAt: ledger.now.toISOString(),
  });
  assert.equal(ledger.lastEvent()?.name, EVENTS.PROBE_RECORDED);
  assert.deepEqual(ledger.lastEvent()?.payload.changes, [{ type: 'probe', id: 'p-1' }]);
});

test('state is written as canonical JSON with sorted keys', async () => {
  const ledger = new FakeLedger();
  await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-2', 'x');
  const [value] = [...ledger.state.values()];
  const keys = Object.keys(JSON.parse(value!.toString()) as object);
  assert.deepEqual(keys, [...keys].sort());
});

test('a probe id is recorded once: rewriting it is rejected and leaves the first', async () => {
  const ledger = new FakeLedger();
  await ledger.invoke(IDS.market, contract, 'RecordProbe', 'p-3', 'first');
  await rejectsWith(ledger.invoke(IDS.transport, contract, 'RecordProbe', 'p-3', 'second'), 'ALREADY_EXISTS');
  const probe = JSON.parse(await ledger.invoke(IDS.market, contract, 'ReadProbe', 'p-3')) as { note: string };
  assert.equal(probe.note, 'first');
});

test('bad input is rejected with INVALID_ARGUMENT and nothing is written', async () => {
  const ledger = new FakeLedger();
  for (const [id, note] of [
    ['', 'x'],
    ['has space', 'x'],
    ['x'.repeat(65), 'x'],
    ['ok', 'n'.repeat(1025)],
  ] as const) {
    await rejectsWith(ledger.invoke(IDS.market, contract, 'RecordProbe', id, note), 'INVALID_ARGUMENT');
  }
  assert.equal(ledger.state.size, 0);
});

test('reading a missing probe fails with NOT_FOUND', async () => {
  await rejectsWith(new FakeLedger().invoke(IDS.market, contract, 'ReadProbe', 'nope'), 'NOT_FOUND');
});
