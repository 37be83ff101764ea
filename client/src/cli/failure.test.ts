import { expect } from 'chai';
import { LEDGER_CODES } from '@rdx/errors';
import { LedgerRefusedError } from '../sdk/errors.js';
import { describeFailure, hintFor } from './failure.js';

describe('CLI failures', () => {
  it('every code the chaincode can throw has a hint, and a refusal is the user’s to act on (exit 1)', () => {
    for (const code of LEDGER_CODES) {
      expect(hintFor(code), code).to.be.a('string').with.length.above(10);
      expect(describeFailure(new LedgerRefusedError(code, 'refused')).exit, code).to.equal(1);
    }
  });
});
