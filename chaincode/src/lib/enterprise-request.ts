/**
 * Enterprises have no Fabric identity. What they do arrives through the gateway as a request they signed
 * with their registered ES256 key; the chaincode verifies it, so the gateway cannot act for them.
 *
 * The signed message is the canonical JSON of the envelope
 * `{ action, creditCode, nonce, signedAt, body }`; the signature is ES256 (P-256, SHA-256) in JOSE form
 * (r‖s, 64 bytes), base64url.
 */
import crypto from 'node:crypto';
import type { RdxContext } from './context';
import { RdxError, ErrorCode } from './errors';
import { canonicalJson } from './state';
import { indexKey } from './keys';
import { jsonArg, obj, onlyFields, instant, str, type Json } from './validate';

export interface EnterpriseRequest {
  action: string;
  creditCode: string;
  nonce: string;
  signedAt: string;
  body: Json;
}

/** How far a request's signing time may be from the transaction time. */
const MAX_SKEW_MS = 15 * 60 * 1000;

export function verifyEs256(publicKeyPem: string, message: string, signature: string): boolean {
  try {
    const sig = Buffer.from(signature, 'base64url');
    if (sig.length !== 64) return false;
    return crypto.verify(
      'sha256',
      Buffer.from(message),
      { key: publicKeyPem, dsaEncoding: 'ieee-p1363' },
      sig,
    );
  } catch {
    return false;
  }
}

/** Checks a public key is an EC P-256 key in PEM, the only kind ES256 uses. */
export function p256PublicKey(value: unknown, field: string): string {
  const pem = str(value, field, { max: 1024 });
  try {
    const key = crypto.createPublicKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      return key.export({ type: 'spki', format: 'pem' }).toString();
    }
  } catch {
    /* reported below */
  }
  throw new RdxError(ErrorCode.INVALID_ARGUMENT, `${field} must be an EC P-256 public key in PEM (ES256)`);
}

const ENVELOPE_FIELDS = ['action', 'creditCode', 'nonce', 'signedAt', 'body'] as const;

export function parseEnvelope(raw: string): EnterpriseRequest {
  const e = jsonArg(raw, 'request');
  onlyFields(e, 'request', ENVELOPE_FIELDS);
  return {
    action: str(e.action, 'request.action', { max: 64 }),
    creditCode: str(e.creditCode, 'request.creditCode', { min: 18, max: 18 }),
    nonce: str(e.nonce, 'request.nonce', {
      min: 16,
      max: 64,
      pattern: /^[A-Za-z0-9_-]+$/,
      patternHint: 'must be 16–64 URL-safe characters',
    }),
    signedAt: instant(e.signedAt, 'request.signedAt'),
    body: obj(e.body, 'request.body'),
  };
}

/**
 * Verifies a signed enterprise request for `action`, whose body has no field outside `fields`, against the key
 * registered for its credit code, and burns its nonce so it cannot be replayed. Returns the request; the caller
 * checks the enterprise's state.
 */
export async function verifyEnterpriseRequest(
  ctx: RdxContext,
  raw: string,
  signature: string,
  action: string,
  fields: readonly string[],
  publicKeyOf: (creditCode: string) => Promise<string>,
): Promise<EnterpriseRequest> {
  const request = parseEnvelope(raw);
  if (request.action !== action) {
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, `request is for ${request.action}, not ${action}`);
  }
  onlyFields(request.body, 'request.body', fields);
  const key = await publicKeyOf(request.creditCode);
  if (!verifyEs256(key, canonicalJson(JSON.parse(raw)), signature)) {
    throw new RdxError(
      ErrorCode.BAD_SIGNATURE,
      `the signature does not verify with the key registered for ${request.creditCode}`,
    );
  }
  if (Math.abs(Date.parse(request.signedAt) - Date.parse(ctx.now())) > MAX_SKEW_MS) {
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      'request.signedAt is more than 15 minutes from the transaction time',
    );
  }
  const nonceKey = indexKey(ctx, 'nonce', [request.creditCode, request.nonce]);
  const used = await ctx.stub.getState(nonceKey);
  // Named, so that a client resending a request whose answer was lost learns that it was recorded, and where.
  if (used && used.length > 0)
    throw new RdxError(
      ErrorCode.REPLAYED,
      `this signed request was already used by transaction ${used.toString()}`,
    );
  await ctx.stub.putState(nonceKey, Buffer.from(ctx.stub.getTxID()));
  return request;
}
