/**
 * Requests an organization's staff make to the gateway's admin routes (loading a dataset version) carry no
 * OAuth token: they are signed with the person's own Fabric identity — the certificate their org's CA issued
 * and its private key — so the gateway checks them against the org's root certificate, exactly as the ledger
 * would, before it reads a byte of the body. What is signed binds the method, the path with its query, the body's
 * SHA-256, the time and a nonce, so a signature cannot be replayed, moved to other content or to other query
 * parameters (another grant's figures, another period).
 */
import crypto from 'node:crypto';

/** The request headers of an admin signature (lower case, as Node reads them). */
export const ADMIN_SIGNATURE_HEADERS = {
  certificate: 'x-rdx-certificate',
  signedAt: 'x-rdx-signed-at',
  nonce: 'x-rdx-nonce',
  contentSha256: 'x-rdx-content-sha256',
  signature: 'x-rdx-signature',
} as const;

/** What an admin request signs, one field per line. */
export function adminSigningText(fields: {
  method: string;
  /** The request target as sent: the path and, if there is one, `?` and the query (percent-encoded). */
  path: string;
  contentSha256: string;
  signedAt: string;
  nonce: string;
}): string {
  return [
    'RDX-ADMIN-1',
    fields.method.toUpperCase(),
    fields.path,
    fields.contentSha256,
    fields.signedAt,
    fields.nonce,
  ].join('\n');
}

/** A Fabric identity able to sign: its certificate and private key (PEM), e.g. from a wallet. */
export interface AdminIdentity {
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * The headers that sign a request to an admin route as `identity`.
 * @param request the method, the path with its query exactly as sent (`/v1/admin/grants/G/stats?days=7`) and the
 *   SHA-256 (hex) of the exact body to be sent.
 */
export function signAdminRequest(
  identity: AdminIdentity,
  request: { method: string; path: string; contentSha256: string },
  now: Date = new Date(),
): Record<string, string> {
  const signedAt = now.toISOString();
  const nonce = crypto.randomBytes(16).toString('hex');
  const text = adminSigningText({ ...request, signedAt, nonce });
  const signature = crypto.sign('sha256', Buffer.from(text), crypto.createPrivateKey(identity.privateKeyPem));
  const h = ADMIN_SIGNATURE_HEADERS;
  return {
    [h.certificate]: Buffer.from(identity.certificatePem).toString('base64'),
    [h.signedAt]: signedAt,
    [h.nonce]: nonce,
    [h.contentSha256]: request.contentSha256,
    [h.signature]: signature.toString('base64'),
  };
}
