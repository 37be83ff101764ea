/**
 * Agreements in force by the day their earliest open duty falls due (L7, L21, L22), so the overdue list and the
 * duties falling due soon read only the agreements concerned instead of every agreement on the ledger.
 *
 * One entry per agreement in force: `agreement~due` [yyyy-mm, dd, id]. Composite keys are read only by prefix,
 * so "due before a day" is every earlier month by its month (from the index's earliest), then that month's
 * earlier days one by one — never the current month whole, which holds about a third of all agreements (a usage
 * report is due every quarter).
 *
 * Ledgers from before the index get it from `agreement:IndexDueDates`, page by page (the network tooling runs it
 * at start); until its last page has run, readers scan every agreement as before (`dueIndexReady`).
 */
import type { RdxContext } from '../lib/context';
import { deleteIndex, lastAttributes, putIndex } from '../lib/keys';
import { getJson, putJson } from '../lib/state';
import { eachOfType } from '../lib/listing';
import { tryLoad } from '../lib/store';
import { openDuties, parseAgreementShell, type AgreementShell } from './agreement';
import { addCalendarDays } from './calendar';

const DUE_INDEX = 'agreement~due';
const READY_KEY_TYPE = 'due-index';
/** No duty of the platform falls due before this month: the index is read from it on. */
export const FIRST_DUE_MONTH = '2020-01';

type DutyHolder = Parameters<typeof openDuties>[0] & Pick<AgreementShell, 'id'>;

/** The day the agreement's earliest open duty falls due; none once it is not in force. */
export function earliestDue(a: DutyHolder): string | undefined {
  let first: string | undefined;
  for (const duty of openDuties(a)) if (!first || duty.due < first) first = duty.due;
  return first;
}

function entry(due: string, id: string): string[] {
  // A day before the first month (none is expected) goes to that month's day 00, which its month still reads.
  return due.slice(0, 7) < FIRST_DUE_MONTH
    ? [FIRST_DUE_MONTH, '00', id]
    : [due.slice(0, 7), due.slice(8, 10), id];
}

/** Moves the agreement's entry when its earliest due day changed (`before`: as stored before this write). */
export async function reindexDue(
  ctx: RdxContext,
  before: DutyHolder | undefined,
  after: DutyHolder,
): Promise<void> {
  const was = before ? earliestDue(before) : undefined;
  const now = earliestDue(after);
  if (was === now) return;
  if (was) await deleteIndex(ctx, DUE_INDEX, entry(was, after.id));
  if (now) await putIndex(ctx, DUE_INDEX, entry(now, after.id));
}

/** Writes the entry of an agreement as it is stored (the backfill of `IndexDueDates`); idempotent. */
export async function indexDue(ctx: RdxContext, a: DutyHolder): Promise<void> {
  const due = earliestDue(a);
  if (due) await putIndex(ctx, DUE_INDEX, entry(due, a.id));
}

function readyKey(ctx: RdxContext): string {
  return ctx.stub.createCompositeKey(READY_KEY_TYPE, ['ready']);
}

/** Whether every agreement of the ledger has its entry (set by the last page of the backfill). */
export async function dueIndexReady(ctx: RdxContext): Promise<boolean> {
  return (await getJson(ctx, readyKey(ctx))) !== undefined;
}

export async function markDueIndexReady(ctx: RdxContext): Promise<void> {
  await putJson(ctx, readyKey(ctx), { since: ctx.now() });
}

/**
 * The agreements that may owe a duty due before `day`: through the index once it is complete, else every
 * agreement on the ledger. Callers still check each duty's day.
 */
export async function* agreementsOwingBefore(ctx: RdxContext, day: string): AsyncGenerator<AgreementShell> {
  if (!(await dueIndexReady(ctx))) {
    yield* eachOfType(ctx, 'agreement', parseAgreementShell);
    return;
  }
  for (const id of await agreementsDueBefore(ctx, day)) {
    const a = await tryLoad(ctx, 'agreement', id, parseAgreementShell);
    if (a) yield a;
  }
}

/**
 * The month of the index's earliest entry (keys come in order), or undefined when it is empty: the months
 * before it hold nothing, and reading each of them since {@link FIRST_DUE_MONTH} cost a query apiece.
 */
async function firstIndexedMonth(ctx: RdxContext): Promise<string | undefined> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(DUE_INDEX, []);
  try {
    const first = await iterator.next();
    return first.value ? ctx.stub.splitCompositeKey(first.value.key).attributes[0] : undefined;
  } finally {
    await iterator.close();
  }
}

/** Ids of the agreements whose earliest open duty falls due before `day` (yyyy-mm-dd), each once. */
export async function agreementsDueBefore(ctx: RdxContext, day: string): Promise<string[]> {
  const month = day.slice(0, 7);
  const from = await firstIndexedMonth(ctx);
  if (from === undefined || from > month) return [];
  const ids = new Set<string>();
  const read = async (prefix: string[]): Promise<void> => {
    for (const id of await lastAttributes(
      ctx,
      await ctx.stub.getStateByPartialCompositeKey(DUE_INDEX, prefix),
    ))
      ids.add(id);
  };
  for (let m = from; m < month; m = addCalendarDays(`${m}-28`, 4).slice(0, 7)) await read([m]);
  if (month >= FIRST_DUE_MONTH) {
    await read([month, '00']);
    for (let d = `${month}-01`; d < day; d = addCalendarDays(d, 1)) await read([month, d.slice(8, 10)]);
  }
  return [...ids];
}
