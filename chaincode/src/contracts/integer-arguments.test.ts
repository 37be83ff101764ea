/**
 * Every contract function that takes a number as a string argument reads it one way: plain decimal digits, or
 * INVALID_ARGUMENT naming the argument. A `peer` CLI user's '0x10' or ' 7 ' must not be stored as 16 or 7.
 */
import { expect } from 'chai';
import { IDS, type Identity } from '../testing/fake-ledger';
import { C, MARKET_ENTITIES, World, sha } from '../testing/world';

type Contract = (typeof C)[keyof typeof C];

interface IntegerArgument {
  fn: string;
  contract: Contract;
  caller: Identity;
  field: string;
  /** The function's arguments with `n` in the integer's place. */
  args: (n: string) => string[];
  /** Whether an empty argument means a default. */
  optional: boolean;
  /** A value the function takes, from which the loose spellings below are made. */
  ok: number;
}

const PAGE = (contract: Contract, fn: string, caller: Identity, before: string[] = []): IntegerArgument => ({
  fn,
  contract,
  caller,
  field: 'pageSize',
  args: (n) => [...before, n, ''],
  optional: true,
  ok: 10,
});

const INTEGER_ARGUMENTS: IntegerArgument[] = [
  {
    fn: 'RecordDatasetVersion',
    contract: C.catalog,
    caller: IDS.market,
    field: 'rowCount',
    args: (n) => [MARKET_ENTITIES, 'v1', sha('v1'), n],
    optional: false,
    ok: 1000,
  },
  ...(['RecordCatalogueReview', 'GetCalendarYear'] as const).map((fn) => ({
    fn,
    contract: fn === 'GetCalendarYear' ? C.platform : C.catalog,
    caller: fn === 'GetCalendarYear' ? IDS.bureau : IDS.market,
    field: 'year',
    args: (n: string) => [n],
    optional: false,
    ok: 2025,
  })),
  {
    fn: 'SetReviewBatches',
    contract: C.platform,
    caller: IDS.market,
    field: 'year',
    args: (n) => [n, '[]'],
    optional: false,
    ok: 2025,
  },
  {
    fn: 'GetReviewBatches',
    contract: C.platform,
    caller: IDS.bureau,
    field: 'year',
    args: (n) => ['MarketMSP', n],
    optional: false,
    ok: 2025,
  },
  {
    fn: 'GetAnchor',
    contract: C.audit,
    caller: IDS.bureau,
    field: 'sequence',
    args: (n) => ['gw1', n],
    optional: false,
    ok: 1,
  },
  ...(['ListReviewsDueSoon', 'ListDutiesDueSoon'] as const).map((fn) => ({
    fn,
    contract: C.query,
    caller: IDS.bureau,
    field: 'days',
    args: (n: string) => [n],
    optional: true,
    ok: 5,
  })),
  PAGE(C.enterprise, 'ListEnterprises', IDS.bureau),
  PAGE(C.agreement, 'ListAgreementIds', IDS.bureau),
  PAGE(C.query, 'ListGrantsDue', IDS.bureau, ['ACTIVE']),
  PAGE(C.query, 'ListTerminationsDue', IDS.bureau),
  PAGE(C.query, 'ListRatingsDue', IDS.bureau),
  PAGE(C.query, 'ListRecipientsPage', IDS.bureau),
  PAGE(C.query, 'ListApplications', IDS.bureau, ['{}']),
  PAGE(C.grant, 'ListGrants', IDS.bureau, ['{}']),
  PAGE(C.complaint, 'ListComplaints', IDS.bureau, ['{}']),
  PAGE(C.duty, 'ListDuties', IDS.bureau, ['{}']),
];

/** Spellings of `k` that `Number()` reads as `k` though they are not plain decimal digits. */
const looseSpellings = (k: number): string[] => [
  ` ${k} `,
  `${k}\n`,
  `\t${k}`,
  `+${k}`,
  `0${k}`,
  `${k}.0`,
  `${k}.`,
  `${k}e0`,
  `0x${k.toString(16)}`,
  `0o${k.toString(8)}`,
  `0b${k.toString(2)}`,
];

describe('integer arguments', () => {
  for (const a of INTEGER_ARGUMENTS) {
    it(`${a.fn} refuses a ${a.field} that is not plain decimal digits, naming it`, async () => {
      const w = await World.create();
      const loose = a.optional ? looseSpellings(a.ok) : ['', ...looseSpellings(a.ok)];
      for (const n of loose)
        await w.refused(
          () => w.invoke(a.caller, a.contract, a.fn, ...a.args(n)),
          'INVALID_ARGUMENT',
          new RegExp(`${a.field} must be a whole number from \\d+ to \\d+ in decimal digits`),
        );
      // Written plainly, the same number passes the argument's check (what follows may still refuse the call).
      const plain = await w
        .invoke(a.caller, a.contract, a.fn, ...a.args(String(a.ok)))
        .catch((e: Error) => e);
      if (plain instanceof Error) expect(plain.message).not.to.include(a.field);
    });
  }

  it('a row count is stored as written', async () => {
    const w = await World.create();
    const entry = await w.recordVersion('v1', sha('v1'), '1000');
    expect(entry.rowCount).to.equal(1000);
  });
});
