import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { KeyedSha256 } from './keyed-sha256.js';

describe('HMAC-SHA-256 under one key, made from one-shot hashes', () => {
  it('gives RFC 4231 test case 1', () => {
    const tag = new KeyedSha256(Buffer.alloc(20, 0x0b)).mac('Hi There');
    expect(tag.toString('hex')).to.equal('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  it('gives what createHmac gives, for keys shorter and longer than a block, messages in parts, one after another', () => {
    const part = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 200 }));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.array(fc.array(part, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (key, messages) => {
          // One instance for all: its buffers, kept between calls, must not carry one message into the next.
          const keyed = new KeyedSha256(key);
          for (const parts of messages) {
            const expected = createHmac('sha256', key);
            for (const p of parts) expected.update(p);
            expect(keyed.mac(...parts).toString('hex')).to.equal(expected.digest('hex'));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
