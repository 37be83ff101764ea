import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { EnterpriseSigner, personalDataHash } from './enterprise-signer.js';
import { canonicalJson } from './canonical-json.js';

test('a signed request verifies with the public key over its canonical JSON, whatever the key order', () => {
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
  assert.equal(ok, true);
  assert.equal(parsed.creditCode, '91440300708461136T');
});

test('two requests never share a nonce, so neither can replay the other', () => {
  const signer = new EnterpriseSigner('91440300708461136T', EnterpriseSigner.generateKeyPair().privateKeyPem);
  const a = JSON.parse(signer.sign('X', {}).request) as { nonce: string };
  const b = JSON.parse(signer.sign('X', {}).request) as { nonce: string };
  assert.notEqual(a.nonce, b.nonce);
});

test('a key that is not P-256 is refused', () => {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  assert.throws(() => new EnterpriseSigner('91440300708461136T', privateKey), /P-256/);
});

test('personal data hashes depend on the salt', () => {
  assert.notEqual(personalDataHash('13800000000', 's1'), personalDataHash('13800000000', 's2'));
  assert.match(personalDataHash('x', 's'), /^[0-9a-f]{64}$/);
});
