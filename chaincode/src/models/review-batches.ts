/**
 * Quarterly review batches (L11(3) 原则上需求审核每年4次, 应在每年的3月30日前、6月30日前、9月30日前、12月30日前完成):
 * each opening body publishes, per year, the day in each quarter by which it completes that quarter's batch of
 * owner reviews — no later than the rule's day. A body's owner review is due at the earlier of its next batch
 * day and 15 working days from the formal acceptance ("没有疑义的需求应在15个工作日内完成审核"); a body that has
 * published no batches for the year has the rule's days.
 */
import type { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { load, save, stored, tryLoad } from '../lib/store';
import { arr, date } from '../lib/validate';
import type { Stamp } from '../lib/stamp';

/** The rule's last day of each quarter's batch, as MM-DD. */
export const BATCH_LIMITS = ['03-30', '06-30', '09-30', '12-30'] as const;

export interface ReviewBatches extends Stamp {
  /** `<body>.<year>` */
  id: string;
  body: string;
  year: number;
  /** The batch day of each quarter, in order. */
  days: [string, string, string, string];
}

/** Four batch days of `year`, each in its quarter and no later than the rule's day. @throws RdxError INVALID_ARGUMENT */
export function parseBatchDays(year: number, value: unknown): ReviewBatches['days'] {
  const days = arr(value, 'days', 4, 4, (v, field) => date(v, field));
  days.forEach((d, q) => {
    const first = `${year}-${String(3 * q + 1).padStart(2, '0')}-01`;
    const limit = `${year}-${BATCH_LIMITS[q]}`;
    if (d < first || d > limit)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `days[${q}] must fall in quarter ${q + 1} of ${year}, no later than ${limit} (L11(3)); got ${d}`,
      );
  });
  return days as ReviewBatches['days'];
}

export const parseReviewBatches = (raw: unknown): ReviewBatches =>
  stored<ReviewBatches>(raw, 'review-batches', ['id', 'body', 'year', 'days']);

export async function saveReviewBatches(ctx: RdxContext, b: ReviewBatches): Promise<void> {
  await save(ctx, 'review-batches', b.id, b);
}

export function loadReviewBatches(ctx: RdxContext, body: string, year: number): Promise<ReviewBatches> {
  return load(ctx, 'review-batches', `${body}.${year}`, parseReviewBatches);
}

/** The body's batch days of a year: those it published, or the rule's. */
async function batchDays(ctx: RdxContext, body: string, year: number): Promise<string[]> {
  const published = await tryLoad(ctx, 'review-batches', `${body}.${year}`, parseReviewBatches);
  return published?.days ?? BATCH_LIMITS.map((d) => `${year}-${d}`);
}

/** The body's first batch day on or after `day` (looking into the next year after the last one). */
export async function nextBatchDay(ctx: RdxContext, body: string, day: string): Promise<string> {
  const year = Number(day.slice(0, 4));
  for (const y of [year, year + 1]) {
    const next = (await batchDays(ctx, body, y)).find((d) => d >= day);
    if (next) return next;
  }
  // Unreachable: next year's first batch day is after any day of this year.
  return `${year + 1}-${BATCH_LIMITS[0]}`;
}
