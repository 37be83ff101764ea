/**
 * Requests of an organization's staff to the gateway are signed with the person's Fabric identity
 * (auth/admin-signature.ts). These are the checks every such route starts with. What staff only read may also
 * come with the Bearer token of one of the body's console accounts (made by its admin), so a person at the
 * console needs no Fabric wallet in the browser.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { AdminSigner } from '../auth/admin-signature.js';
import { TOKEN_OF, TokenError, TokenRoleError } from '../auth/token-service.js';
import { Problem } from '../problem.js';
import type { Services } from '../services.js';
import { bearerToken, withinCallerRate } from './authenticate.js';

/** The roles of an organization's staff (Fabric CA's `role` attribute): an admin and reviewers. */
const STAFF_ROLES = new Set(['admin', 'reviewer']);

/** Signers verified from the headers before the body was read ({@link staffBeforeBody}), by request. */
const verifiedBeforeBody = new WeakMap<Request, AdminSigner>();

/**
 * The signer of a request to an admin route; 403 while the gateway has no roots to check signatures with. A
 * signature verified before the body was read is not verified again: its nonce is spent.
 */
export async function adminSigner(s: Services, req: Request): Promise<AdminSigner> {
  const first = verifiedBeforeBody.get(req);
  if (first) return first;
  if (!s.adminSignatures)
    throw new Problem(
      'FORBIDDEN',
      'This gateway knows no organization roots (RDX_MSP_DIR), so it can check no admin signature: admin routes are closed.',
    );
  const signer = await s.adminSignatures.verify(req);
  requireBodyStill(s, signer.mspId);
  return signer;
}

/**
 * 403 when the bureau removed `mspId`'s body from the platform (it left the channel): its CA's certificates
 * still verify, and its console accounts' tokens were signed by this gateway, but it may act and read no more.
 */
export function requireBodyStill(s: Services, mspId: string | undefined): void {
  if (mspId !== undefined && s.view.removedBodies.has(mspId))
    throw new Problem(
      'FORBIDDEN',
      `${mspId} was removed from the platform by the bureau: its staff and console accounts act and read no more.`,
    );
}

/**
 * The signer of a request by an organization's admin or a reviewer, from the signed headers alone (before a large
 * body is read): 401 for a bad signature, 403 for another role. The body must then match `contentSha256`.
 */
export async function staffSignerOfHeaders(s: Services, req: Request): Promise<AdminSigner> {
  return requireStaffRole(await adminSigner(s, req));
}

function requireStaffRole(signer: AdminSigner): AdminSigner {
  if (!STAFF_ROLES.has(signer.role ?? ''))
    throw new Problem(
      'FORBIDDEN',
      `Only an organization's admin or reviewers may; this identity's role is ${signer.role ?? 'none'}.`,
    );
  return signer;
}

/** 400 unless `body` is the content the signer signed. */
export function requireSignedContent(signer: AdminSigner, body: Buffer): void {
  const sha256 = crypto.createHash('sha256').update(body).digest('hex');
  if (signer.contentSha256 !== sha256)
    throw new Problem(
      'BAD_REQUEST',
      `The signed x-rdx-content-sha256 is not the SHA-256 of the body sent (${sha256}; a GET signs no bytes).`,
    );
}

/**
 * The signer of a request by an organization's admin or a reviewer, whose signed content is exactly `body`
 * (nothing, for a GET): 401 for a bad signature, 400 for other content, 403 for another role.
 */
export async function staffSigner(
  s: Services,
  req: Request,
  body: Buffer = Buffer.alloc(0),
): Promise<AdminSigner> {
  const signer = await adminSigner(s, req);
  requireSignedContent(signer, body);
  return requireStaffRole(signer);
}

/** Who reads an organization's business: a signer of its staff, or one of its console accounts. */
export interface BodyReader {
  mspId: string;
  /** `signature`: a Fabric identity of its admin or a reviewer; `console`: a console account's token. */
  via: 'signature' | 'console';
  /** The certificate's subject, or the console account's client id. */
  who: string;
}

/**
 * The organization a read comes from: a Bearer token of one of its console accounts (still there: removing an
 * account ends its tokens at once), or else a request signed by its admin or a reviewer over exactly `body`.
 * Another party's token is 403; a bad one 401.
 */
export async function bodyReader(s: Services, req: Request, body?: Buffer): Promise<BodyReader> {
  const token = bearerToken(req);
  if (token === undefined) {
    const signer = await staffSigner(s, req, body);
    withinCallerRate(
      req,
      s,
      `body ${signer.mspId} ${signer.subject}`,
      `The signer ${signer.subject} of ${signer.mspId}`,
    );
    return { mspId: signer.mspId, via: 'signature', who: signer.subject };
  }
  let claims: ReturnType<Services['tokens']['verify']>;
  try {
    claims = s.tokens.verify(token, 'body');
  } catch (err) {
    if (err instanceof TokenRoleError)
      throw new Problem(
        'FORBIDDEN',
        `This is ${TOKEN_OF[err.actual]}: an opening body's routes take its staff's signature or one of its console accounts' tokens.`,
      );
    if (err instanceof TokenError) throw new Problem('TOKEN_INVALID', err.message);
    throw err;
  }
  if (s.clients.orgOf(claims.sub) !== claims.org)
    throw new Problem('TOKEN_INVALID', 'This console account was removed by its body.');
  requireBodyStill(s, claims.org);
  withinCallerRate(req, s, `body ${claims.org} ${claims.sub}`, `Console account ${claims.sub}`);
  return { mspId: claims.org!, via: 'console', who: claims.sub };
}

/**
 * For an organization's routes that read a body: the caller is checked from the headers before a byte of it is
 * read — a staff signature, whose signed content hash the body must then match, or, where the route takes one
 * (`consoleTokens`), a console account's token — so nobody has the gateway read a body unasked (SECURITY.md,
 * threat 27). The route's own check after the body checks a token again, and takes the signature verified here.
 */
export function staffBeforeBody(s: Services, consoleTokens: boolean): RequestHandler {
  return async (req, _res, next) => {
    if (consoleTokens && bearerToken(req) !== undefined) await bodyReader(s, req);
    else verifiedBeforeBody.set(req, await adminSigner(s, req));
    next();
  };
}
