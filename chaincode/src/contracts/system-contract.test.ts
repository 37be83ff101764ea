import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemContract, CHAINCODE_VERSION } from './system-contract';
import { fakeContext, newLedger } from '../testing/fake-context';
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
  const ledger = newLedger();
  await contract.RecordProbe(fakeContext(ledger, 'MarketMSP', 'tx-42', 1_764_000_000), 'p-1', '你好');
  const probe = JSON.parse(await contract.ReadProbe(fakeContext(ledger, 'BureauMSP'), 'p-1')) as Record<
    string,
    string
  >;
  assert.deepEqual(probe, {
    id: 'p-1',
    note: '你好',
    recordedBy: 'MarketMSP',
    txId: 'tx-42',
    recordedAt: new Date(1_764_000_000_000).toISOString(),
  });
  assert.deepEqual(ledger.events, [
    { name: EVENTS.PROBE_RECORDED, payload: { changes: [{ type: 'probe', id: 'p-1' }] } },
  ]);
});

test('state is written as canonical JSON with sorted keys', async () => {
  const ledger = newLedger();
  await contract.RecordProbe(fakeContext(ledger, 'MarketMSP'), 'p-2', 'x');
  const [value] = [...ledger.state.values()];
  const keys = Object.keys(JSON.parse(value!.toString()) as object);
  assert.deepEqual(keys, [...keys].sort());
});

test('a probe id is recorded once: rewriting it is rejected and leaves the first', async () => {
  const ledger = newLedger();
  await contract.RecordProbe(fakeContext(ledger, 'MarketMSP'), 'p-3', 'first');
  await rejectsWith(
    contract.RecordProbe(fakeContext(ledger, 'TransportMSP'), 'p-3', 'second'),
    'ALREADY_EXISTS',
  );
  const probe = JSON.parse(await contract.ReadProbe(fakeContext(ledger, 'MarketMSP'), 'p-3')) as {
    note: string;
  };
  assert.equal(probe.note, 'first');
});

test('bad input is rejected with INVALID_ARGUMENT and nothing is written', async () => {
  const ledger = newLedger();
  for (const [id, note] of [
    ['', 'x'],
    ['has space', 'x'],
    ['x'.repeat(65), 'x'],
    ['ok', 'n'.repeat(1025)],
  ] as const) {
    await rejectsWith(contract.RecordProbe(fakeContext(ledger, 'MarketMSP'), id, note), 'INVALID_ARGUMENT');
  }
  assert.equal(ledger.state.size, 0);
});

test('reading a missing probe fails with NOT_FOUND', async () => {
  await rejectsWith(contract.ReadProbe(fakeContext(newLedger(), 'MarketMSP'), 'nope'), 'NOT_FOUND');
});
