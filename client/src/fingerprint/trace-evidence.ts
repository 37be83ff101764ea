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
  // A file from anywhere: what is scored below must be what a trace writes, or the check fails by name.
  const shapeOk =
    kindOk &&
    typeof evidence.key === 'string' &&
    typeof evidence.commitment === 'string' &&
    Array.isArray(evidence.readings) &&
    evidence.readings.every(
      (r: unknown) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as MarkReading).slot === 'string' &&
        ((r as MarkReading).bit === 0 || (r as MarkReading).bit === 1),
    ) &&
    Number.isSafeInteger(evidence.candidates) &&
    evidence.candidates >= 1;
  add(
    'package',
    shapeOk,
    shapeOk
      ? 'a fingerprint evidence package, version 1'
      : kindOk
        ? 'a fingerprint evidence package whose key, commitment, readings (each a slot and a bit 0 or 1) or count of grants compared is not as a trace writes it'
        : 'not a fingerprint evidence package',
  );
  if (!shapeOk) return done();
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
  // The chance that an unrelated file agrees this well with any one of the grants compared (gateway
  // fingerprint/trace.ts): what names the grant, so it is recomputed too, not taken from the package.
  const falseAttribution = Math.min(1, score.chance * evidence.candidates);
  // Relative to the figures themselves: they are often below 1e-20, where any absolute margin lets a figure
  // a billion times smaller pass.
  const near = (a: number, b: unknown): boolean =>
    typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  add(
    'figures',
    score.trials === evidence.trials &&
      score.matches === evidence.matches &&
      near(score.chance, evidence.chance) &&
      near(falseAttribution, evidence.falseAttribution),
    `${score.matches} of ${score.trials} marks agree with the grant's key (chance ${score.chance.toExponential(2)}; ` +
      `with ${evidence.candidates} grants compared, a false attribution ${falseAttribution.toExponential(2)}, ` +
      `the package says ${typeof evidence.falseAttribution === 'number' ? evidence.falseAttribution.toExponential(2) : String(evidence.falseAttribution)})`,
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
