import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalJson } from '@rdx/client';
import type { Filter } from '../services.js';
import { recordsQueryText } from './data.js';

describe("a records call's query as the audit log keeps it", () => {
  it('is the canonical JSON of the query, byte for byte', () => {
    const filter: fc.Arbitrary<Filter> = fc.record({
      item: fc.string(),
      op: fc.constantFrom('eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'prefix'),
      value: fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.array(fc.oneof(fc.string(), fc.integer())),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' })),
        fc.array(filter, { maxLength: 4 }),
        fc.option(fc.string(), { nil: null }),
        fc.nat(),
        (fields, filters, cursor, limit) => {
          expect(recordsQueryText(fields, filters, cursor, limit)).to.equal(
            canonicalJson({ fields, filters, cursor, limit }),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
