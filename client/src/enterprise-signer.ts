/**
 * Signing enterprise requests. Enterprises have no Fabric identity: what they do on the ledger (apply,
 * sign agreements, report) travels through the gateway as a request signed with their ES256 key, and the
 * chaincode checks that signature against the key the bureau registered for their credit code.
 */
import crypto from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** The envelope an enterprise signs. `action` names the ledger function it authorises. */
export interface EnterpriseRequest {
  action: string;
  creditCode: string;
  nonce: string;
  signedAt: string;
  body: Record<string, unknown>;
}

export interface SignedRequest {
  /** The request as JSON, passed to the chaincode as is. */
  request: string;
  /** ES256 signature (r‖s, 64 bytes) over the request's canonical JSON, base64url. */
  signature: string;
}

export class EnterpriseSigner {
  private readonly key: crypto.KeyObject;

  /** @param privateKeyPem the enterprise's P-256 private key (PKCS#8 or SEC1 PEM). */
  constructor(
    readonly creditCode: string,
    privateKeyPem: string | crypto.KeyObject,
  ) {
    this.key = typeof privateKeyPem === 'string' ? crypto.createPrivateKey(privateKeyPem) : privateKeyPem;
    if (this.key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      throw new Error('an enterprise key must be an EC P-256 key (ES256)');
  }

  /** A new P-256 key pair for onboarding: the public key goes to the bureau, the private one stays here. */
  static generateKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  sign(action: string, body: Record<string, unknown>, signedAt: Date = new Date()): SignedRequest {
    const envelope: EnterpriseRequest = {
      action,
      creditCode: this.creditCode,
      nonce: crypto.randomBytes(18).toString('base64url'),
      signedAt: signedAt.toISOString(),
      body,
    };
    const signature = crypto.sign('sha256', Buffer.from(canonicalJson(envelope)), {
      key: this.key,
      dsaEncoding: 'ieee-p1363',
    });
    return { request: JSON.stringify(envelope), signature: signature.toString('base64url') };
  }
}

/** Salted SHA-256 of personal data (a contact's name, ID number, phone) as it may appear on the ledger. */
export function personalDataHash(value: string, salt: string): string {
  return crypto.createHash('sha256').update(`${salt}:${value}`).digest('hex');
}
