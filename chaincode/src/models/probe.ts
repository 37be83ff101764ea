/** A probe: a small record written to prove the ledger path end to end. */
import type { Context } from 'fabric-contract-api';
import { RdxError, ErrorCode } from '../lib/errors';
import { assertNoPersonalData } from '../lib/personal-data';
import { str } from '../lib/validate';

export interface Probe {
  id: string;
  note: string;
  recordedBy: string;
  txId: string;
  recordedAt: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_NOTE_LENGTH = 1024;

export function validateProbeInput(id: string, note: string): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'probe id must be 1–64 letters, digits, "_" or "-"');
  }
  if (typeof note !== 'string' || note.length > MAX_NOTE_LENGTH) {
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `probe note must be at most ${MAX_NOTE_LENGTH} characters`,
    );
  }
  // An empty note is allowed; any other is text like every other string the chaincode takes.
  if (note !== '') str(note, 'probe note', { max: MAX_NOTE_LENGTH });
  assertNoPersonalData(note, 'probe note');
}

export function probeKey(ctx: Context, id: string): string {
  return ctx.stub.createCompositeKey('probe', [id]);
}

/** Checks what was read from state instead of trusting a cast. */
export function parseProbe(raw: unknown): Probe {
  const r = raw as Record<string, unknown>;
  const fields = ['id', 'note', 'recordedBy', 'txId', 'recordedAt'] as const;
  if (typeof raw !== 'object' || raw === null || fields.some((f) => typeof r[f] !== 'string')) {
    throw new Error('corrupt probe state');
  }
  return {
    id: r.id,
    note: r.note,
    recordedBy: r.recordedBy,
    txId: r.txId,
    recordedAt: r.recordedAt,
  } as Probe;
}
