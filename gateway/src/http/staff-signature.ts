/**
 * Requests of an organization's staff to the gateway carry no OAuth token: they are signed with the person's
 * Fabric identity (auth/admin-signature.ts). These are the checks every such route starts with.
 */
import crypto from 'node:crypto';
import type { Request } from 'express';
import type { AdminSigner } from '../auth/admin-signature.js';
import { Problem } from '../problem.js';
import type { Services } from '../services.js';

/** The roles of an organization's staff (Fabric CA's `role` attribute): an admin and reviewers. */
const STAFF_ROLES = new Set(['admin', 'reviewer']);

/** The signer of a request to an admin route; 403 while the gateway has no roots to check signatures with. */
export function adminSigner(s: Services, req: Request): AdminSigner {
  if (!s.adminSignatures)
    throw new Problem(
      'FORBIDDEN',
      'This gateway knows no organization roots (RDX_MSP_DIR), so it can check no admin signature: admin routes are closed.',
    );
  return s.adminSignatures.verify(req);
}

/**
 * The signer of a request by an organization's admin or a reviewer, whose signed content is exactly `body`
 * (nothing, for a GET): 401 for a bad signature, 400 for other content, 403 for another role.
 */
export function staffSigner(s: Services, req: Request, body: Buffer = Buffer.alloc(0)): AdminSigner {
  const signer = adminSigner(s, req);
  const sha256 = crypto.createHash('sha256').update(body).digest('hex');
  if (signer.contentSha256 !== sha256)
    throw new Problem(
      'BAD_REQUEST',
      `The signed x-rdx-content-sha256 is not the SHA-256 of the body sent (${sha256}; a GET signs no bytes).`,
    );
  if (!STAFF_ROLES.has(signer.role ?? ''))
    throw new Problem(
      'FORBIDDEN',
      `Only an organization's admin or reviewers may; this identity's role is ${signer.role ?? 'none'}.`,
    );
  return signer;
}
