/**
 * Certificates as the ledger names them: by the SHA-256 of their DER bytes. A registration binds an id (a
 * gateway's anchor chain) to one certificate, not to a subject: a second certificate issued under the same
 * name by the same CA does not inherit what the first may do.
 */
import { createHash } from 'crypto';
import { RdxError, ErrorCode } from './errors';

const PEM = /^-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/;

/** The fingerprint (lowercase hex SHA-256 of the DER) of one PEM certificate; INVALID_ARGUMENT otherwise. */
export function certificateFingerprint(pem: string, field = 'certificate'): string {
  if (typeof pem !== 'string' || pem.length > 8192)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, `${field} must be one PEM certificate of at most 8 KiB`);
  const body = PEM.exec(pem.trim() + '\n');
  const der = body ? Buffer.from(body[1]!.replace(/\s+/g, ''), 'base64') : Buffer.alloc(0);
  if (der.length < 64)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `${field} must be one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)`,
    );
  return createHash('sha256').update(der).digest('hex');
}
