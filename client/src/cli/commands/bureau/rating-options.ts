/**
 * The rating criteria of L10, shared by `enterprise onboard` and `enterprise rate`: level, MLPS (等保) level
 * and filing number, credit status, capability certificates and validity end.
 */
import type { OptionSpec } from '../../command.js';
import { optList, reqString } from '../../command.js';
import { requireDate, requireInt, sha256OfFile } from '../../../sdk/inputs.js';
import type { CreditStatus, Rating, RatingInput } from '../../../sdk/types.js';

/** The options of a rating. */
export const RATING_OPTIONS: readonly OptionSpec[] = [
  { flags: '--rating <level>', description: '评级 rating', choices: ['A', 'AA', 'AAA'], required: true },
  { flags: '--mlps-level <n>', description: '等保 MLPS level 1–5 (AA and above need 2+)', required: true },
  { flags: '--mlps-filing <number>', description: '等保备案号 MLPS filing number', required: true },
  {
    flags: '--credit-status <status>',
    description: '信用状况 credit status',
    choices: ['good', 'dishonest', 'abnormal'],
    defaultValue: 'good',
  },
  {
    flags: '--valid-until <date>',
    description: '评级有效期 last day the rating is valid, YYYY-MM-DD',
    required: true,
  },
  {
    flags: '--certificate-file <file>',
    description: '能力证书 capability certificate (its SHA-256 is recorded); repeatable',
    repeatable: true,
  },
];

/** The rating the options describe. @throws InputError for a bad value or unreadable certificate. */
export function ratingFrom(opts: Record<string, unknown>): RatingInput {
  return {
    level: reqString(opts, 'rating') as Rating,
    mlpsLevel: requireInt(reqString(opts, 'mlpsLevel'), '--mlps-level', 1, 5),
    mlpsFiling: reqString(opts, 'mlpsFiling'),
    creditStatus: reqString(opts, 'creditStatus') as CreditStatus,
    certificateHashes: optList(opts, 'certificateFile').map((f) => sha256OfFile(f, 'certificate')),
    validUntil: requireDate(reqString(opts, 'validUntil'), '--valid-until'),
  };
}
