/**
 * A trace's evidence package (issue 17, docs/TRACE.md) and its offline check: the grant's key matches the
 * commitment the ledger holds for the grant, the marks read from the file are the ones listed, and the figures
 * follow from them — so anyone with the file, the package and a read of the ledger can redo the attribution.
 */
import crypto from 'node:crypto';
import {
  fingerprintCommitment,
  MAX_TRACE_READINGS,
  readingsFor,
  readMarks,
  scoreKey,
  type MarkReading,
} from './fingerprint.js';
import { suspectCells, type SuspectFormat } from './suspect-file.js';
import type { Check, VerificationReport } from '../sdk/receipt-verify.js';

export interface TraceEvidence {
  kind: 'rdx-fingerprint-evidence';
  version: 1;
  gatewayId: string;
  tracedAt: string;
  fileSha256: string;
  grantId: string;
  creditCode: string;
  datasetId: string;
  /** The grant's fingerprint key, hex. */
  key: string;
  commitment: string;
  /** How many grants the file was compared with. */
  candidates: number;
  /** Whether dates written as text were read (the grant's dataset lets a date carry the mark). */
  datesRead?: boolean;
  readings: MarkReading[];
  trials: number;
  matches: number;
  chance: number;
  falseAttribution: number;
  /**
   * The grant's logged requests that served the marks found (replayed from the gateway's audit log): what to ask
   * receipts for. Not checked offline: the audit log's receipts prove them.
   */
  requests?: { requestId: string; time: string; covered: number }[];
}

/**
 * Checks `evidence`: against the commitment the ledger holds for its grant when given, and against the suspect
 * file when given. Every check is listed, passed or not; the report is ok only when all hold.
 */
export function verifyTraceEvidence(
  evidence: TraceEvidence,
  against: { ledgerCommitment?: string; file?: { bytes: Uint8Array | string; format?: SuspectFormat } } = {},
): VerificationReport {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const done = (): VerificationReport => ({ kind: 'trace', ok: checks.every((c) => c.ok), checks });
  const kindOk = evidence.kind === 'rdx-fingerprint-evidence' && evidence.version === 1;
  add(
    'package',
    kindOk,
    kindOk ? 'a fingerprint evidence package, version 1' : 'not a fingerprint evidence package',
  );
  if (!kindOk) return done();
  const key = Buffer.from(evidence.key, 'hex');
  const commitment = fingerprintCommitment(key);
  add(
    'key',
    key.length === 32 && commitment === evidence.commitment,
    `SHA-256 of the key is ${commitment.slice(0, 16)}…, the package says ${evidence.commitment.slice(0, 16)}…`,
  );
  if (against.ledgerCommitment !== undefined)
    add(
      'ledger',
      against.ledgerCommitment === commitment,
      `the ledger holds ${against.ledgerCommitment.slice(0, 16)}… for grant ${evidence.grantId}`,
    );
  const score = scoreKey(key, evidence.readings);
  add(
    'figures',
    score.trials === evidence.trials &&
      score.matches === evidence.matches &&
      Math.abs(score.chance - evidence.chance) <= 1e-9 * Math.max(1, evidence.chance),
    `${score.matches} of ${score.trials} marks agree with the grant's key (chance ${score.chance.toExponential(2)})`,
  );
  if (against.file) {
    const sha = crypto.createHash('sha256').update(against.file.bytes).digest('hex');
    add('file', sha === evidence.fileSha256, `the file's SHA-256 is ${sha.slice(0, 16)}…`);
    const read = readingsFor(
      readMarks(suspectCells(against.file.bytes, against.file.format), MAX_TRACE_READINGS),
      evidence.datesRead ?? true,
    );
    const same =
      read.length === evidence.readings.length &&
      read.every((r, i) => r.slot === evidence.readings[i]!.slot && r.bit === evidence.readings[i]!.bit);
    add('marks', same, `${read.length} marks read from the file, ${evidence.readings.length} in the package`);
  }
  return done();
}
