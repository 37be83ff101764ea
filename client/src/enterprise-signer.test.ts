import { expect } from 'chai';
import crypto from 'node:crypto';
import { EnterpriseSigner, personalDataHash } from './enterprise-signer.js';
import { canonicalJson } from './canonical-json.js';

describe('EnterpriseSigner', () => {
  it('a signed request verifies with the public key over its canonical JSON, whatever the key order', () => {
    const { privateKeyPem, publicKeyPem } = EnterpriseSigner.generateKeyPair();
    const signer = new EnterpriseSigner('91440300708461136T', privateKeyPem);
    const { request, signature } = signer.sign('SubmitApplication', { z: 1, a: { y: 2, b: 3 } });
    const parsed = JSON.parse(request) as Record<string, unknown>;
    const reordered = canonicalJson(Object.fromEntries(Object.entries(parsed).reverse()));
    const ok = crypto.verify(
      'sha256',
      Buffer.from(reordered),
      { key: publicKeyPem, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    expect(ok).to.equal(true);
    expect(parsed.creditCode).to.equal('91440300708461136T');
  });

  it('two requests never share a nonce, so neither can replay the other', () => {
    const signer = new EnterpriseSigner(
      '91440300708461136T',
      EnterpriseSigner.generateKeyPair().privateKeyPem,
    );
    const a = JSON.parse(signer.sign('X', {}).request) as { nonce: string };
    const b = JSON.parse(signer.sign('X', {}).request) as { nonce: string };
    expect(a.nonce).not.to.equal(b.nonce);
  });

  it('a key that is not P-256 is refused', () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => new EnterpriseSigner('91440300708461136T', privateKey)).to.throw(/P-256/);
  });

  it('personal data hashes depend on the salt', () => {
    expect(personalDataHash('13800000000', 's1')).not.to.equal(personalDataHash('13800000000', 's2'));
    expect(personalDataHash('x', 's')).to.match(/^[0-9a-f]{64}$/);
  });
});
