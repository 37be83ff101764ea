/**
 * The SDK's submit sends a transaction again when it committed invalid for a read that changed under it (every
 * transaction reads the ledger's heartbeat, which the clerk moves on hourly): nothing of it was written, and the
 * caller would only have been told to try again. Any other invalid commit is reported at once.
 */
import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import type { LedgerConnection } from '../ledger/fabric-connection.js';
import { LedgerTransactionInvalidError, LedgerUnavailableError } from './errors.js';
import { CONFLICT_ATTEMPTS, fabricTransport } from './ledger-transport.js';

/** A connection whose transactions commit with these codes, one per submission, in turn. */
function committingWith(codes: number[]): { connection: LedgerConnection; sent: string[] } {
  const sent: string[] = [];
  const contract = {
    submitAsync: (fn: string) => {
      const n = sent.push(fn);
      const code = codes[n - 1] ?? peer.TxValidationCode.VALID;
      return Promise.resolve({
        getTransactionId: () => `tx-${n}`,
        getResult: () => Buffer.from(`"result ${n}"`),
        getStatus: () =>
          Promise.resolve({ successful: code === peer.TxValidationCode.VALID, code, blockNumber: BigInt(n) }),
      });
    },
  };
  return { connection: { contract: () => contract } as unknown as LedgerConnection, sent };
}

describe('ledger transport: submit', () => {
  it('a read conflict is sent again, endorsed anew, and its result is the one that committed', async () => {
    const { connection, sent } = committingWith([
      peer.TxValidationCode.MVCC_READ_CONFLICT,
      peer.TxValidationCode.PHANTOM_READ_CONFLICT,
    ]);
    const result = await fabricTransport(connection).submit('system', 'RecordProbe', ['p', 'n']);
    expect(sent).to.have.length(3);
    expect([result.txId, Buffer.from(result.result).toString()]).to.deep.equal(['tx-3', '"result 3"']);
  });

  it('a conflict every time is reported after the last attempt; another invalid commit at once', async () => {
    const always = committingWith(Array<number>(10).fill(peer.TxValidationCode.MVCC_READ_CONFLICT));
    const conflict = await fabricTransport(always.connection)
      .submit('system', 'RecordProbe', [])
      .catch((e: unknown) => e);
    expect(conflict).to.be.instanceOf(LedgerTransactionInvalidError);
    expect((conflict as LedgerTransactionInvalidError).validationCode).to.equal('MVCC_READ_CONFLICT');
    expect(always.sent).to.have.length(CONFLICT_ATTEMPTS);

    const policy = committingWith([peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE]);
    const refused = await fabricTransport(policy.connection)
      .submit('grant', 'SuspendGrant', [])
      .catch((e: unknown) => e);
    expect((refused as LedgerTransactionInvalidError).validationCode).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(policy.sent, 'not sent again').to.have.length(1);
  });

  it('the peer lost once the transaction was sent: the error names it as sent, and perhaps committed', async () => {
    const contract = {
      submitAsync: () =>
        Promise.resolve({
          getTransactionId: () => 'tx-sent',
          getStatus: () =>
            Promise.reject(Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 })),
        }),
    };
    const lost = await fabricTransport({ contract: () => contract } as unknown as LedgerConnection)
      .submit('catalog', 'RegisterDataset', [])
      .catch((e: unknown) => e);
    expect(lost).to.be.instanceOf(LedgerUnavailableError);
    expect((lost as LedgerUnavailableError).txId).to.equal('tx-sent');
    expect((lost as Error).message).to.match(
      /transaction tx-sent had been sent to the orderers and may have committed: look before running it again$/,
    );
  });
});
