import { expect } from 'chai';
import fc from 'fast-check';
import { CODE, grantViews } from '../testing/fixtures.js';
import { LedgerView, type GrantView } from './ledger-view.js';

describe('the ledger view', () => {
  it('an enterprise’s grants are its own, each once, updated in place, and none after a rebuild without them', () => {
    const view = new LedgerView();
    const all = grantViews();
    view.replaceAll([], [], all);
    const own = all.filter((g) => g.creditCode === CODE.AA);
    expect(own.length, 'the fixture gives AA grants').to.be.above(0);
    expect(view.grantsOf(CODE.AA)).to.deep.equal(own);
    expect(view.grantsOf('91331100NOBODY0000')).to.deep.equal([]);

    const changed = { ...own[0]!, state: 'SUSPENDED' as const };
    view.putGrant(changed);
    expect(view.grantsOf(CODE.AA)).to.have.length(own.length);
    expect(view.grantsOf(CODE.AA)[0]).to.deep.equal(changed);

    view.replaceAll(
      [],
      [],
      all.filter((g) => g.creditCode !== CODE.AA),
    );
    expect(view.grantsOf(CODE.AA)).to.deep.equal([]);
  });

  describe('the grant a data call is decided on, among the grants of one enterprise on one dataset', () => {
    const base = grantViews()[0]!;
    const renewal = (id: string, year: number, state: GrantView['state']): GrantView => ({
      ...base,
      id,
      state,
      grantedAt: `${year}-03-01T08:00:00.000Z`,
    });

    /** A view holding only `grants`. */
    const viewOf = (...grants: GrantView[]): LedgerView => {
      const view = new LedgerView();
      view.replaceAll([], [], grants);
      return view;
    };
    /** The id of the grant the pair's calls are decided on. */
    const chosen = (view: LedgerView): string | undefined =>
      view.grantFor(base.creditCode, base.datasetId)?.id;

    it('is the latest ACTIVE one, though a later one is suspended', () => {
      const view = viewOf(
        renewal('G-2025', 2025, 'SUSPENDED'),
        renewal('G-2024', 2024, 'ACTIVE'),
        renewal('G-2023', 2023, 'ACTIVE'),
      );
      expect(chosen(view)).to.equal('G-2024');
    });

    it('is the latest of them when none is ACTIVE, so a denial names the grant the enterprise knows', () => {
      const view = viewOf(
        renewal('G-2023', 2023, 'EXPIRED'),
        renewal('G-2025', 2025, 'SUSPENDED'),
        renewal('G-2024', 2024, 'REVOKED'),
      );
      expect(chosen(view)).to.equal('G-2025');
      view.putGrant(renewal('G-2023', 2023, 'ACTIVE'));
      expect(chosen(view), 'once one is ACTIVE again').to.equal('G-2023');
    });

    it('of two granted at the same time, is the one stored first', () => {
      expect(chosen(viewOf(renewal('G-B', 2025, 'SUSPENDED'), renewal('G-A', 2025, 'SUSPENDED')))).to.equal(
        'G-B',
      );
    });

    it('follows every change made after it was asked: an event narrowing a grant, a renewal, a first grant, a rebuild', () => {
      const view = viewOf(renewal('G-2024', 2024, 'ACTIVE'));
      expect(chosen(view)).to.equal('G-2024');
      view.leaveActive('G-2024', 'SUSPENDED');
      expect(chosen(view), 'suspended by an event: still the one a denial names').to.equal('G-2024');
      expect(view.grantFor(base.creditCode, base.datasetId)?.state).to.equal('SUSPENDED');
      view.putGrant(renewal('G-2025', 2025, 'ACTIVE'));
      expect(chosen(view), 'the renewal').to.equal('G-2025');
      expect(view.grantFor(base.creditCode, 'later-dataset'), 'asked before it was granted').to.equal(
        undefined,
      );
      view.putGrant({ ...renewal('G-L', 2025, 'ACTIVE'), datasetId: 'later-dataset' });
      expect(view.grantFor(base.creditCode, 'later-dataset')?.id).to.equal('G-L');
      view.replaceAll([], [], [renewal('G-2023', 2023, 'EXPIRED')]);
      expect(chosen(view), 'after a rebuild').to.equal('G-2023');
      expect(view.grantFor(base.creditCode, 'later-dataset')).to.equal(undefined);
    });

    it('whatever changes came between two data calls, is the grant a view built afresh from the same grants chooses', () => {
      // Two grants of the pair and one of the same enterprise on another dataset (a grant never changes dataset).
      const datasetOf: Record<string, string> = {
        'G-1': base.datasetId,
        'G-2': base.datasetId,
        'G-3': 'other',
      };
      const ids = Object.keys(datasetOf);
      const states: GrantView['state'][] = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'];
      const step = fc.oneof(
        fc.record({
          op: fc.constant('put' as const),
          id: fc.constantFrom(...ids),
          year: fc.integer({ min: 2023, max: 2025 }),
          state: fc.constantFrom(...states),
        }),
        fc.record({
          op: fc.constant('narrow' as const),
          id: fc.constantFrom(...ids),
          state: fc.constantFrom(...states),
        }),
        fc.record({ op: fc.constant('ask' as const), dataset: fc.constantFrom(base.datasetId, 'other') }),
      );
      fc.assert(
        fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
          const view = new LedgerView();
          /** Grant ids in the order they first arrived: of two granted at the same time, the first stored wins. */
          const arrived: string[] = [];
          for (const s of steps) {
            if (s.op === 'put') {
              if (!arrived.includes(s.id)) arrived.push(s.id);
              view.putGrant({ ...renewal(s.id, s.year, s.state), datasetId: datasetOf[s.id]! });
            } else if (s.op === 'narrow') view.leaveActive(s.id, s.state);
            else {
              const fresh = new LedgerView();
              for (const id of arrived) fresh.putGrant(view.grants.get(id)!);
              expect(view.grantFor(base.creditCode, s.dataset)).to.equal(
                fresh.grantFor(base.creditCode, s.dataset),
              );
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it('is none for a pair without grants', () => {
      const view = viewOf(renewal('G-2025', 2025, 'ACTIVE'));
      expect(view.grantFor(base.creditCode, 'another-dataset')).to.equal(undefined);
      expect(view.grantFor('91331100NOBODY0000', base.datasetId)).to.equal(undefined);
    });
  });
});
