/**
 * Fabric signatures made by Node's own crypto (OpenSSL) instead of fabric-gateway's JavaScript signer: ECDSA
 * P-256 over the SHA-256 of the message, DER-encoded, with the low S that Fabric requires (a signature whose S
 * is above half the curve's order is refused as malleable). The JavaScript signer took ~0.5 ms a signature on
 * the project's machine (80 ms the first), and every proposal and transaction of a gateway — each audit anchor
 * takes two — stopped its event loop that long; OpenSSL takes ~30 µs.
 */
import crypto from 'node:crypto';

/** The order of P-256's group; S above half of it is flipped to the equivalent low S. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

/** Signs whole messages (connect fabric-gateway with `hash: hash.none`); undefined for any key but EC P-256. */
export function nativeSigner(
  privateKey: crypto.KeyObject,
): ((message: Uint8Array) => Promise<Uint8Array>) | undefined {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    return undefined;
  return (message) => {
    const rs = crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    let s = BigInt(`0x${rs.subarray(32).toString('hex')}`);
    if (s > HALF_ORDER) s = P256_ORDER - s;
    return Promise.resolve(
      derSignature(rs.subarray(0, 32), Buffer.from(s.toString(16).padStart(64, '0'), 'hex')),
    );
  };
}

/** SEQUENCE { INTEGER r, INTEGER s }, each integer minimal and positive. */
function derSignature(r: Uint8Array, s: Uint8Array): Uint8Array {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function derInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const magnitude = Buffer.from(bytes.subarray(start));
  // A leading byte with its high bit set would read as negative: a zero byte goes before it.
  const value = magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}
