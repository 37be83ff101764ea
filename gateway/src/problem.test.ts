import { expect } from 'chai';
import { CODES, LEDGER_CODES } from '@rdx/errors';
import { refusal } from './testing/fake-ledger.js';
import { ledgerProblem, problemBody, problemOf } from './problem.js';
import { DatasetNotLoadedError, QueryError, VersionConflictError } from './store/query-plan.js';

describe('problems', () => {
  it('every code the chaincode can throw reaches clients as itself, with its status from the one table', () => {
    for (const code of LEDGER_CODES) {
      const problem = ledgerProblem(refusal(code, 'refused'));
      expect(problem.code, code).to.equal(code);
      expect(problem.status, code).to.equal(CODES[code].status);
    }
    // Once answered as 400 INVALID_ARGUMENT:
    expect(ledgerProblem(refusal('CALENDAR_MISSING', 'no 2027')).status).to.equal(409);
    expect(ledgerProblem(refusal('ANCHOR_CHAIN_BROKEN', 'fork')).status).to.equal(409);
  });

  it('a transaction invalidated at commit is a state conflict, a ledger error without a code unavailability', () => {
    expect(ledgerProblem(refusal('TX_INVALID', 'MVCC')).code).to.equal('INVALID_STATE');
    expect(ledgerProblem(refusal(undefined, '14 UNAVAILABLE')).code).to.equal('LEDGER_UNAVAILABLE');
  });

  it('store errors map by class, not to 500', () => {
    expect(problemOf(new VersionConflictError('v1 was loaded with other bytes'))?.code).to.equal(
      'VERSION_CONFLICT',
    );
    expect(problemOf(new DatasetNotLoadedError('ds-1'))?.code).to.equal('DATA_NOT_LOADED');
    expect(problemOf(new QueryError('unknown item'))?.code).to.equal('QUERY_INVALID');
    expect(problemOf(new Error('a bug'))).to.equal(undefined);
    // PostgreSQL out of reach, as the pg driver says it: 503, not a bug's 500.
    for (const gone of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ])
      expect(problemOf(gone)?.code, gone.message).to.equal('STORE_UNAVAILABLE');
    // A query's own error is not unavailability.
    expect(problemOf(Object.assign(new Error('syntax error'), { code: '42601' }))).to.equal(undefined);
    // A full disk, as SQLite, PostgreSQL and the system say it: 503 with the time to wait, not a bug's 500.
    for (const full of [
      Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 }),
      Object.assign(new Error('could not extend file'), { code: '53100' }),
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    ]) {
      const problem = problemOf(full);
      expect([problem?.code, problem?.status, problem?.headers?.['Retry-After']], full.message).to.deep.equal(
        ['STORE_FULL', 503, '10'],
      );
    }
    expect(problemOf(Object.assign(new Error('constraint'), { errcode: 19 }))).to.equal(undefined);
  });

  it('a problem body names its code, status and title from the table', () => {
    expect(problemBody('NO_GRANT', 'none')).to.deep.equal({
      type: 'urn:rdx:problem:no-grant',
      title: CODES.NO_GRANT.title,
      status: 403,
      code: 'NO_GRANT',
      detail: 'none',
    });
  });
});
