/**
 * Bookmarks of paginated listings. Fabric starts a paginated partial-key range at a non-empty bookmark without
 * checking it, and only the range's end is bounded by the prefix the chaincode chose: a made-up bookmark that
 * sorts before that prefix would list what lies between — another body's entries. The fake ledger pages as
 * Fabric does, so these tests meet the same bypass.
 */
import { expect } from 'chai';
import { IDS, type Identity } from '../testing/fake-ledger';
import { C, World, complaintInput } from '../testing/world';
import type { Contract } from 'fabric-contract-api';

/** A partial composite key as Fabric writes it: what a caller could pass as a bookmark. */
function key(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

const ANOTHER_BOOKMARK = /the bookmark is not one this listing returned/;

describe('paginated listings and their bookmarks', () => {
  it('a body cannot list another body’s complaints by starting from a bookmark of its own making', async () => {
    const w = await World.create();
    await w.activeGrants(w.aa, 'app-1');
    await w.fileComplaint(IDS.market, complaintInput());
    await w.refused(
      () =>
        w.invoke(
          IDS.transport,
          C.complaint,
          'ListComplaints',
          '{}',
          '50',
          key('complaint~body~state', 'MarketMSP'),
        ),
      'INVALID_ARGUMENT',
      ANOTHER_BOOKMARK,
    );
  });

  it('every paginated listing refuses a bookmark outside its own prefix', async () => {
    const w = await World.create();
    await w.activeGrants(w.aa, 'app-1');
    await w.fileComplaint(IDS.market, complaintInput());
    const listings: [Identity, Contract, string, string[], string][] = [
      [IDS.transport, C.complaint, 'ListComplaints', ['{}', '50'], key('complaint~body~state', 'MarketMSP')],
      [IDS.transport, C.duty, 'ListDuties', ['{}', '50'], key('duty~body', 'MarketMSP')],
      [IDS.transport, C.query, 'ListApplications', ['{}', '50'], key('application~body', 'MarketMSP')],
      [IDS.transport, C.grant, 'ListGrants', ['{}', '50'], key('grant~body', 'MarketMSP')],
      [IDS.bureau, C.grant, 'ListGrants', ['{}', '50'], key('dataset')],
      [IDS.bureau, C.agreement, 'ListAgreementIds', ['50'], key('agreement~body')],
      [IDS.bureau, C.enterprise, 'ListEnterprises', ['50'], key('complaint')],
      [IDS.clerk, C.query, 'ListRatingsDue', ['50'], key('complaint')],
      [IDS.clerk, C.query, 'ListTerminationsDue', ['50'], key('agreement')],
      [IDS.clerk, C.query, 'ListGrantsDue', ['SUSPENDED', '50'], key('grant~state', 'ACTIVE')],
      [IDS.stranger, C.query, 'ListRecipientsPage', ['50'], `SUSPENDED:${key('grant~state', 'ACTIVE')}`],
    ];
    for (const [who, contract, fn, args, bookmark] of listings) {
      await w
        .refused(() => w.invoke(who, contract, fn, ...args, bookmark), 'INVALID_ARGUMENT', ANOTHER_BOOKMARK)
        .catch((e: Error) => expect.fail(`${fn} as ${who.cn}: ${e.message}`));
    }
  });

  it('the bookmark a page returns gets the next page, to the last', async () => {
    const w = await World.create();
    await w.activeGrants(w.aa, 'app-1');
    await w.fileComplaint(IDS.market, complaintInput());
    await w.fileComplaint(IDS.market, { ...complaintInput(), id: 'c-2' });
    await w.fileComplaint(IDS.market, { ...complaintInput(), id: 'c-3' });
    const ids: string[] = [];
    let bookmark = '';
    do {
      const page = await w.call<{ items: { id: string }[]; bookmark: string }>(
        IDS.market,
        C.complaint,
        'ListComplaints',
        '{}',
        '2',
        bookmark,
      );
      ids.push(...page.items.map((c) => c.id));
      bookmark = page.bookmark;
    } while (bookmark && ids.length < 10);
    expect(ids).to.deep.equal(['c-1', 'c-2', 'c-3']);
  });
});
