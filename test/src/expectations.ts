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

/**
 * Expects a page of records as a grant of `items` gives it: answered under `grantId`, `rows` rows of those items
 * alone, and a legal representative's phone masked (three digits, four stars, four digits).
 */
export function expectGrantedPage(
  page: { status: number; body: Record<string, unknown> },
  grantId: string,
  items: string[],
  rows: number,
): void {
  expect(page.status).to.equal(200);
  expect(page.body.grantId).to.equal(grantId);
  const data = page.body.data as Record<string, string>[];
  expect(data.length).to.equal(rows);
  for (const row of data) {
    expect(Object.keys(row).sort()).to.deep.equal([...items].sort());
    if ('legal_rep_phone' in row) expect(row.legal_rep_phone).to.match(/^\d{3}\*{4}\d{4}$/);
  }
}
