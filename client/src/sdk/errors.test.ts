/** Mapping of Fabric and gateway failures to the SDK's errors, and the local input checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromLedgerError,
  GatewayProblemError,
  InputError,
  LedgerRefusedError,
  LedgerTransactionInvalidError,
  LedgerUnavailableError,
  ledgerCodeOf,
  RdxSdkError,
} from './errors.js';
import { creditCodeProblem, requireCreditCode, requireDate, requireReason } from './inputs.js';

/** What @hyperledger/fabric-gateway throws when a peer's chaincode refuses (an EndorseError). */
const endorseError = Object.assign(
  new Error('10 ABORTED: failed to endorse transaction, see attached details for more info'),
  {
    code: 10,
    transactionId: 'ab'.repeat(32),
    details: [
      {
        address: '127.0.0.1:7050',
        mspId: 'BureauMSP',
        message:
          'chaincode response 500, [FORBIDDEN] only an opening body (公共数据开放主体) or the bureau may suspend grants',
      },
    ],
  },
);

test('a chaincode refusal becomes LedgerRefusedError with its code, own message and transaction id', () => {
  const e = fromLedgerError(endorseError, 'grant:SuspendGrant');
  assert.ok(e instanceof LedgerRefusedError);
  assert.equal(e.code, 'FORBIDDEN');
  assert.equal(e.message, 'only an opening body (公共数据开放主体) or the bureau may suspend grants');
  assert.equal(e.txId, 'ab'.repeat(32));
  assert.equal(e.userError, true);
  assert.match(e.details[0]!, /^BureauMSP: chaincode response 500/);
});

test('the code is read from the message too, and only the chaincode’s own codes count', () => {
  const evaluate = Object.assign(
    new Error('2 UNKNOWN: evaluate call: chaincode response 500, [NOT_FOUND] grant x does not exist'),
    {
      code: 2,
    },
  );
  assert.equal(ledgerCodeOf(evaluate), 'NOT_FOUND');
  assert.equal(ledgerCodeOf(new Error('[SOMETHING_ELSE] unrelated')), undefined);
  const e = fromLedgerError(new Error('[SOMETHING_ELSE] unrelated'), 'x:Y');
  assert.ok(e instanceof LedgerUnavailableError);
  assert.equal(e.code, 'LEDGER_ERROR');
  assert.equal(e.userError, false);
});

test('an unreachable or slow peer is LEDGER_UNAVAILABLE, a platform failure', () => {
  for (const code of [14, 4]) {
    const e = fromLedgerError(
      Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code }),
      'x:Y',
    );
    assert.ok(e instanceof LedgerUnavailableError);
    assert.equal(e.code, 'LEDGER_UNAVAILABLE');
    assert.equal(e.userError, false);
  }
});

test('SDK errors pass through unchanged; committed-invalid is TX_INVALID and retryable', () => {
  const own = new InputError('INVALID_ARGUMENT', 'bad');
  assert.equal(fromLedgerError(own, 'x:Y'), own);
  const invalid = new LedgerTransactionInvalidError('MVCC_READ_CONFLICT', 'conflict', { txId: 't' });
  assert.equal(invalid.code, 'TX_INVALID');
  assert.equal(invalid.validationCode, 'MVCC_READ_CONFLICT');
  assert.equal(invalid.userError, false);
  assert.ok(invalid instanceof RdxSdkError);
});

test('gateway problems are the user’s below 500 and the platform’s from 500', () => {
  assert.equal(
    new GatewayProblemError('GRANT_NOT_ACTIVE', 'suspended', 'urn:x', { status: 403 }).userError,
    true,
  );
  assert.equal(
    new GatewayProblemError('LEDGER_UNAVAILABLE', 'down', 'urn:x', { status: 503 }).userError,
    false,
  );
});

test('credit codes are checked with their check character (GB 32100-2015)', () => {
  assert.equal(creditCodeProblem('91331100MA2A8QN43L'), undefined);
  assert.match(creditCodeProblem('91331100MA2A8QN43K')!, /check character/);
  assert.match(creditCodeProblem('123')!, /18 characters/);
  assert.match(creditCodeProblem('91331100MA2A8QN4IL')!, /"I"/);
  assert.throws(
    () => requireCreditCode('123'),
    (e: unknown) => e instanceof InputError && e.code === 'INVALID_ARGUMENT',
  );
});

test('dates must exist and reasons must say something', () => {
  assert.equal(requireDate('2028-02-29', 'd'), '2028-02-29');
  assert.throws(() => requireDate('2027-02-29', 'd'), InputError);
  assert.throws(() => requireDate('27-01-01', 'd'), InputError);
  assert.throws(() => requireReason(undefined), /at least 4 characters/);
  assert.throws(() => requireReason('  ok '), /at least 4 characters/);
  assert.equal(requireReason('材料不全，请补正'), '材料不全，请补正');
});
