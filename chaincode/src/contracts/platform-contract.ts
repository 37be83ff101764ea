/**
 * What the bureau maintains for everyone: the registry of opening bodies and the working-day calendar.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { BUREAU_MSP, requireRole } from '../lib/access';
import { RdxError, ErrorCode } from '../lib/errors';
import { RdxContext } from '../lib/context';
import { EVENTS } from '../lib/events';
import { RdxContract } from '../lib/rdx-contract';
import { collectionOf } from '../lib/sealed';
import { stamp, type Stamp } from '../lib/stamp';
import { assertAbsent, load, save, stored, tryLoad } from '../lib/store';
import { intArg, jsonArg, str } from '../lib/validate';
import { parseCalendarYear } from '../models/calendar';
import {
  loadReviewBatches,
  parseBatchDays,
  parseReviewBatches,
  saveReviewBatches,
  type ReviewBatches,
} from '../models/review-batches';
import { today } from '../lib/deadlines';
import { beat, readHeartbeat } from '../lib/heartbeat';
import { allOfType } from '../lib/listing';

export interface Body extends Stamp {
  mspId: string;
  name: string;
  registeredAt: string;
  /**
   * When the org left the channel (a configuration update removed it): it acts no more, and its grants stop
   * at the gateways. They cannot be ended on the ledger, whose key-level policy needs the departed org's peer.
   */
  removedAt?: string;
}

export const parseBody = (raw: unknown): Body => stored<Body>(raw, 'body', ['mspId', 'name']);

/**
 * A body's confidential records go to its collection, which must be in the chaincode definition before the
 * body may act (the network tooling adds it with the org). Any peer can read a private value's hash, so asking
 * for one tells whether the collection exists.
 */
async function requireCollection(ctx: RdxContext, mspId: string): Promise<void> {
  try {
    await ctx.stub.getPrivateDataHash(collectionOf(mspId), 'collection-check');
  } catch {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `the chaincode definition has no collection ${collectionOf(mspId)} for ${mspId}: add the org to the definition first`,
    );
  }
}

@Info({ title: 'PlatformContract', description: 'Opening-body registry and working-day calendar' })
export class PlatformContract extends RdxContract {
  constructor() {
    super('platform');
  }

  /** Bureau: registers an org as an opening body (公共数据开放主体, L5). */
  @Transaction()
  @Returns('string')
  public async RegisterBody(ctx: RdxContext, mspId: string, name: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'register opening bodies');
    const id = str(mspId, 'mspId', {
      max: 64,
      pattern: /^[A-Za-z0-9]+MSP$/,
      patternHint: 'must be an MSP ID like MarketMSP',
    });
    if (id === BUREAU_MSP)
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'the bureau is not an opening body');
    await assertAbsent(ctx, 'body', id);
    await requireCollection(ctx, id);
    const body: Body = {
      mspId: id,
      name: str(name, 'name', { max: 128 }),
      registeredAt: ctx.now(),
      ...stamp(ctx, actor),
    };
    await save(ctx, 'body', id, body);
    ctx.changed(EVENTS.BODY_REGISTERED, { type: 'body', id });
    return JSON.stringify(body);
  }

  /** Bureau: records that an org left the channel (after the configuration update that removed it). */
  @Transaction()
  @Returns('string')
  public async RemoveBody(ctx: RdxContext, mspId: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'remove opening bodies');
    const current = await load(ctx, 'body', str(mspId, 'mspId', { max: 64 }), parseBody);
    if (current.removedAt)
      throw new RdxError(ErrorCode.INVALID_STATE, `${current.mspId} left on ${current.removedAt}`);
    const body: Body = { ...current, removedAt: ctx.now(), ...stamp(ctx, actor) };
    await save(ctx, 'body', body.mspId, body);
    ctx.changed(EVENTS.BODY_REMOVED, { type: 'body', id: body.mspId, state: 'REMOVED' });
    return JSON.stringify(body);
  }

  @Transaction(false)
  @Returns('string')
  public async ListBodies(ctx: RdxContext): Promise<string> {
    return JSON.stringify(await allOfType(ctx, 'body', parseBody));
  }

  /**
   * An opening body publishes its quarterly review batches for a year (L11(3)): four days, one per quarter, no
   * later than Mar 30, Jun 30, Sep 30 and Dec 30. Owner reviews of applications accepted after it are due by the
   * next of them (or 15 working days, whichever is first). A year may be published again until its first day.
   */
  @Transaction()
  @Returns('string')
  public async SetReviewBatches(ctx: RdxContext, year: string, daysJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'publish review batches');
    const y = intArg(year, 'year', 2000, 2100);
    const id = `${actor.mspId}.${y}`;
    if (`${y}-01-01` <= today(ctx) && (await tryLoad(ctx, 'review-batches', id, parseReviewBatches)))
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `the review batches of ${y} are published and the year has begun`,
      );
    const batches: ReviewBatches = {
      id,
      body: actor.mspId,
      year: y,
      days: parseBatchDays(y, jsonArg(`{"days":${daysJson}}`, 'days', 1024).days),
      ...stamp(ctx, actor),
    };
    await saveReviewBatches(ctx, batches);
    ctx.changed(EVENTS.REVIEW_BATCHES_PUBLISHED, { type: 'review-batches', id, state: String(y) });
    return JSON.stringify(batches);
  }

  /** Anyone: an opening body's published review batches of a year. @throws RdxError NOT_FOUND when none */
  @Transaction(false)
  @Returns('string')
  public async GetReviewBatches(ctx: RdxContext, body: string, year: string): Promise<string> {
    return JSON.stringify(
      await loadReviewBatches(ctx, str(body, 'body', { max: 64 }), intArg(year, 'year', 2000, 2100)),
    );
  }

  /**
   * Bureau: sets one year of the working-day calendar (holidays and adjusted working days, 调休). Deadlines
   * already stored keep their dates; new ones use the new calendar.
   */
  @Transaction()
  @Returns('string')
  public async SetCalendarYear(ctx: RdxContext, calendarJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'maintain the working-day calendar');
    const year = parseCalendarYear(jsonArg(calendarJson, 'calendar'));
    await save(ctx, 'calendar', String(year.year), { ...year, ...stamp(ctx, actor) });
    ctx.changed(EVENTS.CALENDAR_SET, { type: 'calendar', id: String(year.year) });
    return JSON.stringify(year);
  }

  @Transaction(false)
  @Returns('string')
  public async GetCalendarYear(ctx: RdxContext, year: string): Promise<string> {
    const y = intArg(year, 'year', 2000, 2100);
    return JSON.stringify(await load(ctx, 'calendar', String(y), parseCalendarYear));
  }

  /**
   * The clerk, each round: moves the ledger's heartbeat on. Every transaction reads it, so one endorsed and
   * then held back fails once this commits, instead of landing weeks later with the time it was endorsed at
   * (lib/heartbeat.ts).
   */
  @Transaction()
  @Returns('string')
  public async Heartbeat(ctx: RdxContext): Promise<string> {
    await requireRole(ctx, ['clerk'], 'move the ledger heartbeat on');
    return JSON.stringify(await beat(ctx));
  }

  @Transaction(false)
  @Returns('string')
  public async GetHeartbeat(ctx: RdxContext): Promise<string> {
    return JSON.stringify((await readHeartbeat(ctx)) ?? null);
  }
}
