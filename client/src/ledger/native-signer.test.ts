/**
 * The ledger signer: what Fabric takes — DER ECDSA P-256 over the message's SHA-256, S never above half the
 * order — for any message; other keys are left to fabric-gateway's signer.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { nativeSigner } from './native-signer.js';

const HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;

/** r and s of a DER signature, read strictly: one SEQUENCE of two minimal positive INTEGERs, nothing after. */
function parseDer(sig: Uint8Array): { r: bigint; s: bigint } {
  const b = Buffer.from(sig);
  expect([b[0], b[1]]).to.deep.equal([0x30, b.length - 2]);
  let at = 2;
  const integer = (): bigint => {
    expect(b[at]).to.equal(0x02);
    const len = b[at + 1]!;
    const v = b.subarray(at + 2, at + 2 + len);
    expect(v[0]! & 0x80, 'positive').to.equal(0);
    if (v.length > 1) expect(v[0] === 0 && (v[1]! & 0x80) === 0, 'minimal').to.equal(false);
    at += 2 + len;
    return BigInt(`0x${v.toString('hex')}`);
  };
  const r = integer();
  const s = integer();
  expect(at).to.equal(b.length);
  return { r, s };
}

describe('the ledger signer', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = nativeSigner(privateKey)!;

  it('signs any message as DER ECDSA over its SHA-256 that verifies, with a low S', async () => {
    let flipped = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (message) => {
        const sig = await sign(message);
        const { s } = parseDer(sig);
        expect(s > 0n && s <= HALF_ORDER).to.equal(true);
        expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, sig)).to.equal(true);
        // The same message signed by OpenSSL before the flip: half of them have a high S.
        const raw = crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        if (BigInt(`0x${raw.subarray(32).toString('hex')}`) > HALF_ORDER) flipped++;
      }),
      { numRuns: 200 },
    );
    expect(flipped, 'high S met and flipped').to.be.greaterThan(20);
  });

  it('is not used for keys of other curves or kinds', () => {
    for (const key of [
      crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
      crypto.generateKeyPairSync('ed25519').privateKey,
    ])
      expect(nativeSigner(key)).to.equal(undefined);
  });
});
