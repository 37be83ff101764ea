import { expect } from 'chai';
import { CODES, LEDGER_CODES, PROBLEM_CODES, hintFor, isProblemCode, type Code } from './codes';
import { ledgerMessage, parseLedgerError } from './ledger-error';

describe('the error contract', () => {
  it('every code the gateway answers with has an HTTP status of an error (or 202 for a pending receipt)', () => {
    for (const code of PROBLEM_CODES) {
      const status = CODES[code].status;
      expect(status, code).to.be.a('number');
      expect(status === 202 || (status! >= 400 && status! < 600), `${code}: ${status}`).to.equal(true);
    }
  });

  it('every code has a title and a hint that the CLI prints', () => {
    for (const code of Object.keys(CODES) as Code[]) {
      expect(CODES[code].title, code).to.have.length.above(3);
      expect(hintFor(code), code).to.have.length.above(10);
    }
  });

  it('codes raised only by the SDK or CLI never claim an HTTP status', () => {
    for (const code of Object.keys(CODES) as Code[]) {
      expect(isProblemCode(code), code).to.equal(CODES[code].origin !== 'client');
    }
  });

  it('the chaincode codes are the ledger part of the table', () => {
    expect(LEDGER_CODES).to.include.members(['FORBIDDEN', 'CALENDAR_MISSING', 'ANCHOR_CHAIN_BROKEN']);
    expect(LEDGER_CODES).not.to.include('TOKEN_INVALID');
  });
});

describe('the chaincode error form', () => {
  it('reads back what it writes, through Fabric’s wrapping', () => {
    const wrapped = `10 ABORTED: failed to endorse transaction, see attached details for more info\n`;
    const peer = `chaincode response 500, ${ledgerMessage('INVALID_STATE', 'grant g1 is SUSPENDED')}`;
    expect(parseLedgerError(wrapped, peer)).to.deep.equal({
      code: 'INVALID_STATE',
      detail: 'grant g1 is SUSPENDED',
    });
  });

  it('ignores bracketed words that are not chaincode codes, and foreign errors', () => {
    expect(parseLedgerError('[TOKEN_INVALID] no', '14 UNAVAILABLE: No connection established')).to.equal(
      undefined,
    );
    expect(parseLedgerError('[NOTE] see [NOT_FOUND] dataset d9 unknown')).to.deep.equal({
      code: 'NOT_FOUND',
      detail: 'dataset d9 unknown',
    });
  });
});
