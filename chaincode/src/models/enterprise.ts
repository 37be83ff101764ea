/**
 * An enterprise (公共数据利用主体) and its rating (L10): A may use unconditional data only; AA and AAA may apply
 * for restricted data. AA and above need MLPS (等保) level ≥ 2 and a clean credit status.
 */
import { RdxError, ErrorCode } from '../lib/errors';
import type { Stamp } from '../lib/stamp';
import { stored } from '../lib/store';
import { NATURES } from '../data/natures';
import { isPersonCode } from '../lib/person-code';
import { usccProblem } from '../lib/uscc';
import { chinaDate } from './calendar';
import { arr, date, int, obj, oneOf, onlyFields, sha256Hex, str } from '../lib/validate';

export const RATINGS = ['A', 'AA', 'AAA'] as const;
export type Rating = (typeof RATINGS)[number];
export const CREDIT_STATUSES = ['good', 'dishonest', 'abnormal'] as const;
export { NATURES };

export interface RatingRecord {
  level: Rating;
  /** 等级保护 level 1–5 and filing number. */
  mlpsLevel: number;
  mlpsFiling: string;
  /** Not on a dishonest or abnormal-operation list. */
  creditStatus: (typeof CREDIT_STATUSES)[number];
  /** SHA-256 of each capability certificate. */
  certificateHashes: string[];
  validUntil: string;
  ratedAt: string;
  /** Set when the rating passed its validity and was expired on the ledger. */
  expired?: boolean;
}

export interface Enterprise extends Stamp {
  /**
   * The user's code: an organisation's unified social credit code, or a natural person's person code
   * (`P-…`, lib/person-code.ts). The field keeps its name because every record on the ledger is keyed by it.
   */
  creditCode: string;
  name: string;
  nature: (typeof NATURES)[number];
  /** ES256 public key (PEM) that verifies everything the enterprise signs. */
  publicKey: string;
  rating: RatingRecord;
  onboardedAt: string;
  /**
   * Its credit file's record of grants terminated for a violation not rectified (Z39: 记入其信用档案), written
   * by the termination itself.
   */
  violations?: { grantId: string; agreementId: string; body: string; at: string }[];
}

/** A user's code: a valid unified social credit code, or a natural person's person code. */
export function userCode(value: unknown, field = 'creditCode'): string {
  const code = str(value, field, { min: 18, max: 18 });
  if (isPersonCode(code)) return code;
  const problem = usccProblem(code);
  if (problem)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `${field} ${code} ${problem}${code.startsWith('P-') ? ' (a person code is P- and 16 capital hex digits)' : ''}`,
    );
  return code;
}

/** Validates a rating as the bureau gives it; AA and above must meet L10's conditions. */
export function parseRating(value: unknown, ratedAt: string): RatingRecord {
  const r = obj(value, 'rating');
  // `ratedAt` is the ledger's time, never the input's.
  onlyFields(r, 'rating', [
    'level',
    'mlpsLevel',
    'mlpsFiling',
    'creditStatus',
    'certificateHashes',
    'validUntil',
  ]);
  const rating: RatingRecord = {
    level: oneOf(r.level, 'rating.level', RATINGS),
    mlpsLevel: int(r.mlpsLevel, 'rating.mlpsLevel', 1, 5),
    mlpsFiling: str(r.mlpsFiling, 'rating.mlpsFiling', { max: 64 }),
    creditStatus: oneOf(r.creditStatus, 'rating.creditStatus', CREDIT_STATUSES),
    certificateHashes: arr(r.certificateHashes ?? [], 'rating.certificateHashes', 0, 20, sha256Hex),
    validUntil: date(r.validUntil, 'rating.validUntil'),
    ratedAt,
  };
  if (rating.validUntil < chinaDate(ratedAt)) {
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `rating.validUntil ${rating.validUntil} has already passed`,
    );
  }
  if (rating.level !== 'A') {
    if (rating.mlpsLevel < 2) {
      throw new RdxError(
        ErrorCode.RATING_INSUFFICIENT,
        `rating ${rating.level} needs MLPS (等保) level 2 or higher (L10)`,
      );
    }
    if (rating.creditStatus !== 'good') {
      throw new RdxError(
        ErrorCode.RATING_INSUFFICIENT,
        `rating ${rating.level} is not possible while the enterprise is on a ${rating.creditStatus} list (L10)`,
      );
    }
  }
  return rating;
}

/** True when the enterprise may use restricted data today. */
export function mayUseRestricted(e: Enterprise, today: string): boolean {
  return (
    (e.rating.level === 'AA' || e.rating.level === 'AAA') &&
    !e.rating.expired &&
    e.rating.validUntil >= today &&
    e.rating.creditStatus === 'good'
  );
}

export function requireRestrictedAllowed(e: Enterprise, today: string): void {
  if (!mayUseRestricted(e, today)) {
    const why =
      e.rating.expired || e.rating.validUntil < today
        ? `its ${e.rating.level} rating expired on ${e.rating.validUntil}`
        : `it is rated ${e.rating.level}`;
    throw new RdxError(
      ErrorCode.RATING_INSUFFICIENT,
      `${e.creditCode} may not use restricted data: ${why}; AA or above is required (L10)`,
    );
  }
}

export function parseEnterprise(raw: unknown): Enterprise {
  return stored<Enterprise>(raw, 'enterprise', ['creditCode', 'name', 'publicKey', 'rating']);
}
