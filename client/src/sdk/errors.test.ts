/** Mapping of Fabric and gateway failures to the SDK's errors, and the local input checks. */
import { expect } from 'chai';
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
import {
  creditCodeProblem,
  exampleCreditCode,
  requireCreditCode,
  requireDate,
  requireReason,
} from './inputs.js';

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

describe('SDK errors and input checks', () => {
  it('a chaincode refusal becomes LedgerRefusedError with its code, own message and transaction id', () => {
    const e = fromLedgerError(endorseError, 'grant:SuspendGrant');
    expect(e).to.be.instanceOf(LedgerRefusedError);
    expect(e.code).to.equal('FORBIDDEN');
    expect(e.message).to.equal('only an opening body (公共数据开放主体) or the bureau may suspend grants');
    expect(e.txId).to.equal('ab'.repeat(32));
    expect(e.userError).to.equal(true);
    expect(e.details[0]).to.match(/^BureauMSP: chaincode response 500/);
  });

  it('the code is read from the message too, and only the chaincode’s own codes count', () => {
    const evaluate = Object.assign(
      new Error('2 UNKNOWN: evaluate call: chaincode response 500, [NOT_FOUND] grant x does not exist'),
      {
        code: 2,
      },
    );
    expect(ledgerCodeOf(evaluate)).to.equal('NOT_FOUND');
    expect(ledgerCodeOf(new Error('[SOMETHING_ELSE] unrelated'))).to.equal(undefined);
    const e = fromLedgerError(new Error('[SOMETHING_ELSE] unrelated'), 'x:Y');
    expect(e).to.be.instanceOf(LedgerUnavailableError);
    expect(e.code).to.equal('LEDGER_ERROR');
    expect(e.userError).to.equal(false);
  });

  it('an unreachable or slow peer is LEDGER_UNAVAILABLE, a platform failure', () => {
    for (const code of [14, 4]) {
      const e = fromLedgerError(
        Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code }),
        'x:Y',
      );
      expect(e).to.be.instanceOf(LedgerUnavailableError);
      expect(e.code).to.equal('LEDGER_UNAVAILABLE');
      expect(e.userError).to.equal(false);
      expect(e.message).to.match(/^x:Y: the peer did not answer/);
    }
    // The peer up, every orderer down: the ordering service is named, not the peer.
    const ordering = fromLedgerError(
      Object.assign(new Error('14 UNAVAILABLE: no orderers could successfully process transaction'), {
        code: 14,
      }),
      'catalog:RegisterDataset',
    );
    expect(ordering.code).to.equal('LEDGER_UNAVAILABLE');
    expect(ordering.message).to.match(
      /^catalog:RegisterDataset: the ordering service did not take the transaction/,
    );
  });

  it('SDK errors pass through unchanged; committed-invalid is TX_INVALID and retryable', () => {
    const own = new InputError('INVALID_ARGUMENT', 'bad');
    expect(fromLedgerError(own, 'x:Y')).to.equal(own);
    const invalid = new LedgerTransactionInvalidError('MVCC_READ_CONFLICT', 'conflict', { txId: 't' });
    expect(invalid.code).to.equal('TX_INVALID');
    expect(invalid.validationCode).to.equal('MVCC_READ_CONFLICT');
    expect(invalid.userError).to.equal(false);
    expect(invalid).to.be.instanceOf(RdxSdkError);
  });

  it('gateway problems are the user’s below 500 and the platform’s from 500', () => {
    expect(
      new GatewayProblemError('GRANT_NOT_ACTIVE', 'suspended', 'urn:x', { status: 403 }).userError,
    ).to.equal(true);
    expect(
      new GatewayProblemError('LEDGER_UNAVAILABLE', 'down', 'urn:x', { status: 503 }).userError,
    ).to.equal(false);
  });

  it('credit codes are checked with their check character (GB 32100-2015)', () => {
    expect(creditCodeProblem('91331100MA2A8QN43L')).to.equal(undefined);
    expect(creditCodeProblem('91331100MA2A8QN43K')).to.match(/check character/);
    expect(creditCodeProblem('123')).to.match(/18 characters/);
    expect(creditCodeProblem('91331100MA2A8QN4IL')).to.match(/"I"/);
    expect(() => requireCreditCode('123'))
      .to.throw(InputError)
      .with.property('code', 'INVALID_ARGUMENT');
  });

  it('an example credit code is a well-formed Lishui code, a different one each time', () => {
    const codes = Array.from({ length: 200 }, exampleCreditCode);
    for (const code of codes) {
      expect(creditCodeProblem(code), code).to.equal(undefined);
      expect(code).to.match(/^91331100/);
      // One character changed is caught by the check character.
      const other = code.slice(0, 10) + String((Number(code[10]) + 1) % 10) + code.slice(11);
      expect(creditCodeProblem(other), other).to.match(/check character/);
    }
    expect(new Set(codes).size).to.equal(codes.length);
  });

  it('dates must exist and reasons must say something', () => {
    expect(requireDate('2028-02-29', 'd')).to.equal('2028-02-29');
    expect(() => requireDate('2027-02-29', 'd')).to.throw(InputError);
    expect(() => requireDate('27-01-01', 'd')).to.throw(InputError);
    expect(() => requireReason(undefined)).to.throw(/at least 4 characters/);
    expect(() => requireReason('  ok ')).to.throw(/at least 4 characters/);
    expect(() => requireReason('\u200b'.repeat(8))).to.throw(/not counting spaces and invisible ones/);
    expect(requireReason('资质不符')).to.equal('资质不符');
    expect(requireReason('材料不全，请补正')).to.equal('材料不全，请补正');
  });
});
