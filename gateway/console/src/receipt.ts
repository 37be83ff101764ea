/** Shows a receipt and the result of verifying it in the browser. */
import { api } from './api.js';
import { clear, h, mono } from './dom.js';
import { t, tr } from './i18n.js';
import { canVerify, verifyReceipt, type Check, type Receipt } from './merkle.js';

/** A regulator also compares the receipt's anchor with the ledger's copy (through /v1/regulator/anchors). */
export async function ledgerCheck(receipt: Receipt): Promise<Check> {
  const anchor = receipt.anchor!;
  const { body } = await api<{
    data: { sequence: number; merkleRoot: string; txId: string; blockNumber: number; ledger: string }[];
  }>(`/v1/regulator/anchors?before=${anchor.sequence + 1}&limit=1`);
  const a = body.data[0];
  const ok =
    a !== undefined &&
    a.sequence === anchor.sequence &&
    a.ledger === 'match' &&
    a.merkleRoot === anchor.merkleRoot &&
    a.txId === anchor.txId;
  return {
    ok,
    key: 'verify.step.ledger',
    vars: { seq: anchor.sequence, tx: anchor.txId, block: anchor.blockNumber },
  };
}

/**
 * Verifies `receipt` and shows every check; the overall verdict carries data-ok for tests and styles. `asked`,
 * the request id the receipt was fetched for: a gateway answering with another request's receipt (genuine, and
 * so consistent in itself) fails. Without `withLedger` nothing here reads the ledger: the verdict says the
 * receipt agrees with the anchor the gateway names, not that the ledger holds that anchor.
 */
export async function showReceipt(
  target: HTMLElement,
  receipt: Receipt,
  withLedger?: (r: Receipt) => Promise<Check>,
  asked?: string,
): Promise<boolean> {
  clear(target);
  const r = receipt.record;
  target.append(
    h(
      'p',
      { class: 'receipt-record' },
      t('verify.record', {
        seq: r.seq,
        method: String(r.method),
        path: String(r.path),
        decision: tr('decision', r.decision),
        reason: String(r.reason),
      }),
      ' ',
      mono(r.requestId),
    ),
  );
  if (!canVerify()) {
    target.append(
      h(
        'p',
        { class: 'verdict bad', 'data-testid': 'verify-result', 'data-ok': 'false' },
        t('verify.noCrypto'),
      ),
    );
    return false;
  }
  if (receipt.status !== 'anchored' || !receipt.anchor || !receipt.proof) {
    target.append(
      h(
        'p',
        { class: 'verdict pending', 'data-testid': 'verify-result', 'data-ok': 'pending' },
        t('verify.pending'),
      ),
    );
    return false;
  }
  const checks = await verifyReceipt(receipt);
  if (asked !== undefined)
    checks.unshift({ ok: r.requestId === asked, key: 'verify.step.request', vars: { id: asked } });
  const info: Check[] = [];
  if (withLedger)
    checks.push(
      await withLedger(receipt).catch(() => ({
        ok: false,
        key: 'verify.step.ledger',
        vars: { seq: receipt.anchor!.sequence, tx: receipt.anchor!.txId, block: receipt.anchor!.blockNumber },
      })),
    );
  else
    info.push({
      ok: true,
      key: 'verify.step.ledgerOffline',
      vars: { tx: receipt.anchor.txId, block: receipt.anchor.blockNumber },
    });
  const ok = checks.every((c) => c.ok);
  target.append(
    h(
      'ul',
      { class: 'checks' },
      checks.map((c) =>
        h(
          'li',
          { class: c.ok ? 'ok' : 'bad', 'data-ok': String(c.ok), 'data-check': c.key },
          h('span', { class: 'mark' }, c.ok ? '✓' : '✗'),
          ' ',
          t(c.key, c.vars),
        ),
      ),
      info.map((c) => h('li', { class: 'info' }, h('span', { class: 'mark' }, 'ℹ'), ' ', t(c.key, c.vars))),
    ),
    h(
      'p',
      { class: `verdict ${ok ? 'good' : 'bad'}`, 'data-testid': 'verify-result', 'data-ok': String(ok) },
      ok ? `✓ ${t(withLedger ? 'verify.ok' : 'verify.consistent')}` : `✗ ${t('verify.fail')}`,
    ),
  );
  return ok;
}
