/**
 * Enterprises and natural persons (the users, 利用主体): onboarding, ratings (bureau only, L10) and their keys.
 * A downgrade below AA or an expired rating suspends every active grant of the user in the same transaction.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { p256PublicKey } from '../lib/enterprise-request';
import { EVENTS, type EventName } from '../lib/events';
import { idsByIndex, pageByPartialKey } from '../lib/keys';
import { isMaskedPersonName, isPersonCode } from '../lib/person-code';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load, save, tryLoad } from '../lib/store';
import { parseBody } from './platform-contract';
import { intArg, jsonArg, oneOf, onlyFields, str } from '../lib/validate';
import {
  userCode,
  mayUseRestricted,
  NATURES,
  parseEnterprise,
  parseRating,
  type Enterprise,
} from '../models/enterprise';
import { loadGrantShell, transitionGrant } from '../models/grant';

/**
 * Suspends every ACTIVE grant of an enterprise that may no longer use restricted data. Its grants may be of
 * several bodies, whose collections no single peer but the bureau's holds: only their shells change.
 */
export async function suspendGrantsOf(
  ctx: RdxContext,
  actor: Actor,
  e: Enterprise,
  event: EventName,
): Promise<string[]> {
  const suspended: string[] = [];
  const departed = new Map<string, boolean>();
  for (const id of await idsByIndex(ctx, 'grant~enterprise', [e.creditCode])) {
    const grant = await loadGrantShell(ctx, id);
    if (grant.state !== 'ACTIVE') continue;
    // A grant of a body that left the platform is served no more, and its key needs that body's endorsement,
    // which it can no longer give: touched, it would block the rating itself for good.
    if (!departed.has(grant.body))
      departed.set(grant.body, !!(await tryLoad(ctx, 'body', grant.body, parseBody))?.removedAt);
    if (departed.get(grant.body)) continue;
    const note = `rating ${e.rating.level}${e.rating.expired ? ' expired' : ''}, valid until ${e.rating.validUntil}`;
    await transitionGrant(
      ctx,
      actor,
      grant,
      'SUSPENDED',
      { code: 'rating', note, at: ctx.now(), by: actor.mspId },
      event,
    );
    suspended.push(id);
  }
  return suspended;
}

/**
 * A natural person is onboarded under a person code with a masked name, and only a natural person is: a credit
 * code with nature `natural-person`, or a person code of an organisation, would mix the two kinds of user.
 */
function requirePersonConsistent(code: string, nature: Enterprise['nature'], name: string): void {
  const person = nature === 'natural-person';
  if (person !== isPersonCode(code)) {
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      person
        ? `a natural person is onboarded under a person code (P- and 16 hex digits, from the ID-card number), not ${code}`
        : `${code} is a person code: onboard it with nature natural-person`,
    );
  }
  if (person && !isMaskedPersonName(name)) {
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `a natural person's name goes on the ledger masked — its first character and the rest as * (张**), not "${name}"`,
    );
  }
}

@Info({ title: 'EnterpriseContract', description: 'Enterprises, ratings and keys (L10)' })
export class EnterpriseContract extends RdxContract {
  constructor() {
    super('enterprise');
  }

  /** Bureau: registers an enterprise with its key and first rating. */
  @Transaction()
  @Returns('string')
  public async OnboardEnterprise(ctx: RdxContext, enterpriseJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'onboard enterprises');
    const input = jsonArg(enterpriseJson, 'enterprise');
    onlyFields(input, 'enterprise', ['creditCode', 'name', 'nature', 'publicKey', 'rating']);
    const code = userCode(input.creditCode);
    await assertAbsent(ctx, 'enterprise', code);
    const nature = oneOf(input.nature, 'nature', NATURES);
    const name = str(input.name, 'name', { max: 128 });
    requirePersonConsistent(code, nature, name);
    const enterprise: Enterprise = {
      creditCode: code,
      name,
      nature,
      publicKey: p256PublicKey(input.publicKey, 'publicKey'),
      rating: parseRating(input.rating, ctx.now()),
      onboardedAt: ctx.now(),
      ...stamp(ctx, actor),
    };
    await save(ctx, 'enterprise', code, enterprise);
    ctx.changed(EVENTS.ENTERPRISE_ONBOARDED, {
      type: 'enterprise',
      id: code,
      state: enterprise.rating.level,
    });
    return JSON.stringify(enterprise);
  }

  /** Bureau: rates an enterprise again. Below AA, active grants are suspended in this transaction. */
  @Transaction()
  @Returns('string')
  public async RateEnterprise(ctx: RdxContext, code: string, ratingJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'rate enterprises');
    const current = await load(ctx, 'enterprise', userCode(code), parseEnterprise);
    const rating = parseRating(jsonArg(ratingJson, 'rating'), ctx.now());
    const next: Enterprise = { ...current, rating, ...stamp(ctx, actor) };
    await save(ctx, 'enterprise', next.creditCode, next);
    ctx.changed(EVENTS.ENTERPRISE_RATED, { type: 'enterprise', id: next.creditCode, state: rating.level });
    const suspended = mayUseRestricted(next, today(ctx))
      ? []
      : await suspendGrantsOf(ctx, actor, next, EVENTS.ENTERPRISE_RATED);
    return JSON.stringify({ enterprise: next, suspendedGrants: suspended });
  }

  /**
   * The clerk service or the bureau: marks a rating whose validity has passed as expired and suspends the
   * enterprise's active grants. Refused while the rating is still valid.
   */
  @Transaction()
  @Returns('string')
  public async ExpireRating(ctx: RdxContext, code: string): Promise<string> {
    const actor = await requireRole(ctx, ['clerk', 'bureau'], 'expire ratings');
    const current = await load(ctx, 'enterprise', userCode(code), parseEnterprise);
    if (current.rating.expired)
      throw new RdxError(ErrorCode.INVALID_STATE, `the rating of ${code} is already expired`);
    if (current.rating.validUntil >= today(ctx)) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `the rating of ${code} is valid until ${current.rating.validUntil}`,
      );
    }
    const next: Enterprise = {
      ...current,
      rating: { ...current.rating, expired: true },
      ...stamp(ctx, actor),
    };
    await save(ctx, 'enterprise', next.creditCode, next);
    ctx.changed(EVENTS.RATING_EXPIRED, { type: 'enterprise', id: next.creditCode, state: 'EXPIRED' });
    const suspended = await suspendGrantsOf(ctx, actor, next, EVENTS.RATING_EXPIRED);
    return JSON.stringify({ enterprise: next, suspendedGrants: suspended });
  }

  /** Bureau: replaces an enterprise's ES256 key (lost or rotated key, verified off-chain). */
  @Transaction()
  @Returns('string')
  public async ChangeEnterpriseKey(ctx: RdxContext, code: string, publicKey: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'change enterprise keys');
    const current = await load(ctx, 'enterprise', userCode(code), parseEnterprise);
    const next: Enterprise = {
      ...current,
      publicKey: p256PublicKey(publicKey, 'publicKey'),
      ...stamp(ctx, actor),
    };
    await save(ctx, 'enterprise', next.creditCode, next);
    ctx.changed(EVENTS.ENTERPRISE_KEY_CHANGED, { type: 'enterprise', id: next.creditCode });
    return JSON.stringify(next);
  }

  /** One page of enterprises, for the gateway's view and the regulator console. */
  @Transaction(false)
  @Returns('string')
  public async ListEnterprises(ctx: RdxContext, pageSize: string, bookmark: string): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway'], 'list enterprises');
    const size = intArg(pageSize, 'pageSize', 1, 500, 100);
    const { iterator, metadata } = await pageByPartialKey(
      ctx,
      'enterprise',
      [],
      size,
      String(bookmark ?? ''),
    );
    const items: Enterprise[] = [];
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        items.push(parseEnterprise(JSON.parse(Buffer.from(r.value.value).toString('utf8'))));
      }
    } finally {
      await iterator.close();
    }
    return JSON.stringify({ items, bookmark: items.length < size ? '' : metadata.bookmark });
  }

  @Transaction(false)
  @Returns('string')
  public async GetEnterprise(ctx: RdxContext, code: string): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'], 'read enterprises');
    return JSON.stringify(await load(ctx, 'enterprise', userCode(code), parseEnterprise));
  }
}
