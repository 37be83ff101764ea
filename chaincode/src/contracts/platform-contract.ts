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
import { assertAbsent, load, save, stored } from '../lib/store';
import { int, jsonArg, str } from '../lib/validate';
import { parseCalendarYear } from '../models/calendar';
import { idsOfType } from '../lib/listing';

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
    const ids = await idsOfType(ctx, 'body');
    return JSON.stringify(await Promise.all(ids.map((id) => load(ctx, 'body', id, parseBody))));
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
    const y = int(Number(year), 'year', 2000, 2100);
    return JSON.stringify(await load(ctx, 'calendar', String(y), parseCalendarYear));
  }
}
