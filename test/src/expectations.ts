/** Expectations the e2e tests share beyond chai's own. */
import { expect } from 'chai';
import { errorCode } from './errors.js';

/**
 * Expects `value` to be there (not undefined) and hands it back typed as such, so a test can go on using it:
 * `const pid = defined(readPid(paths, 'gateway'), 'the gateway is running')`.
 */
export function defined<T>(value: T | undefined, what: string): T {
  expect(value, what).not.to.equal(undefined);
  return value as T;
}

/** Expects `promise` to reject and resolves with its reason, for the test to look into. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return (await expect(promise).to.be.rejected) as unknown;
}

/** Expects `promise` (a ledger call) to be refused with the stable RDX error `code` ([FORBIDDEN], …). */
export async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await rejectionOf(promise);
  expect(errorCode(err), `the ledger's refusal: ${String(err)}`).to.equal(code);
}
