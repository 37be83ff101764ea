/**
 * Request ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the time, so the audit log's index of
 * request ids grows at its end instead of at random places.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { timeOrderedUuid } from './security.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('request ids', () => {
  it('are version 7 UUIDs carrying the time in milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = timeOrderedUuid(ms);
        expect(id).to.match(V7);
        expect(timeOf(id)).to.equal(ms);
      }),
    );
  });

  it('carry each its own millisecond when ids of one millisecond and of others come in any order', () => {
    // The time part is kept from one id to the next of the same millisecond: it must never carry over to another.
    const someMs = fc.constantFrom(0, 1, 2 ** 32, 2 ** 32 + 1, 2 ** 48 - 1, Date.now());
    fc.assert(
      fc.property(fc.array(someMs, { minLength: 2, maxLength: 20 }), (times) => {
        for (const ms of times) expect(timeOf(timeOrderedUuid(ms))).to.equal(ms);
      }),
    );
  });

  it('sort as their times do, and never repeat', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), (ms) => {
        expect(timeOrderedUuid(ms) < timeOrderedUuid(ms + 1)).to.equal(true);
      }),
    );
    const now = Date.now();
    const ids = new Set(Array.from({ length: 100_000 }, () => timeOrderedUuid(now)));
    expect(ids.size).to.equal(100_000);
  });
});
