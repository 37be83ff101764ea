/**
 * The catalog: only an opening body registers and changes its own datasets. Dataset keys carry a key-level
 * policy so the owner's and the bureau's peers must both endorse changes; registration files a record in the
 * owner's collection, whose policy needs the same two peers, so a dataset cannot be created without them either.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { requireOwnerOfPublic, requireRole } from '../lib/access';
import { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { idsByIndex, indexKey } from '../lib/keys';
import { allOfType, idsOfType } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { requireOwnerAndBureau } from '../lib/sbe';
import { putSecret } from '../lib/sealed';
import { stamp, type Stamp } from '../lib/stamp';
import { today } from '../lib/deadlines';
import { assertAbsent, load, save, stored } from '../lib/store';
import { intArg, jsonArg, oneOf, optionalStr } from '../lib/validate';
import { reason } from '../models/application';
import { CATALOGUE_SUSPENSION, loadGrantShell, transitionGrant } from '../models/grant';
import {
  OPEN_ATTRIBUTES,
  openness,
  parseDataset,
  parseDatasetInput,
  parseVersionInput,
  VERSIONS_KEPT,
  type Dataset,
} from '../models/dataset';

/** Saves a changed dataset and lists the change in the transaction's event; the dataset as the answer. */
async function saveDatasetChange(ctx: RdxContext, d: Dataset): Promise<string> {
  await save(ctx, 'dataset', d.id, d);
  ctx.changed(EVENTS.DATASET_UPDATED, { type: 'dataset', id: d.id, state: d.openAttribute });
  return JSON.stringify(d);
}

/** A body's yearly review of its catalogue (Z10): which of its datasets it reviewed, when, with a note. */
export interface CatalogueReview extends Stamp {
  id: string;
  body: string;
  year: number;
  datasets: string[];
  note: string;
  reviewedAt: string;
}

export const parseCatalogueReview = (raw: unknown): CatalogueReview =>
  stored<CatalogueReview>(raw, 'catalogue-review', ['id', 'body', 'year']);

@Info({ title: 'CatalogContract', description: 'Datasets of the opening bodies' })
export class CatalogContract extends RdxContract {
  constructor() {
    super('catalog');
  }

  @Transaction()
  @Returns('string')
  public async RegisterDataset(ctx: RdxContext, datasetJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'register datasets');
    const input = parseDatasetInput(jsonArg(datasetJson, 'dataset'));
    await assertAbsent(ctx, 'dataset', input.id);
    const dataset: Dataset = {
      ...input,
      owner: actor.mspId,
      versions: [],
      versionCount: 0,
      registeredAt: ctx.now(),
      // Listed only once the bureau has reviewed it (Z13).
      listing: { state: 'DRAFT' },
      ...stamp(ctx, actor),
    };
    const key = await save(ctx, 'dataset', dataset.id, dataset);
    await requireOwnerAndBureau(ctx, key, dataset.owner);
    // The owner's own record of the registration: writing it needs the owner's and the bureau's peers.
    await putSecret(ctx, [dataset.owner], 'dataset', dataset.id, {
      registeredBy: actor.id,
      registeredAt: dataset.registeredAt,
      txId: ctx.stub.getTxID(),
    });
    ctx.changed(EVENTS.DATASET_REGISTERED, { type: 'dataset', id: dataset.id, state: dataset.openAttribute });
    return JSON.stringify(dataset);
  }

  /** Owner: changes a dataset's description, items or open attribute. Items granted to someone stay. */
  @Transaction()
  @Returns('string')
  public async UpdateDataset(ctx: RdxContext, datasetJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'change datasets');
    const input = parseDatasetInput(jsonArg(datasetJson, 'dataset'));
    const current = await load(ctx, 'dataset', input.id, parseDataset);
    requireOwnerOfPublic(actor, current.owner, `dataset ${current.id}`);
    const removed = current.items
      .filter((i) => !input.items.some((n) => n.name === i.name))
      .map((i) => i.name);
    if (removed.length > 0) {
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `items cannot be removed (${removed.join(', ')}): grants may name them; register a new dataset instead`,
      );
    }
    // Grants and the gateway's masking rely on what an item is: its type and personal flag stay as registered.
    const changed = current.items
      .filter((i) =>
        input.items.some((n) => n.name === i.name && (n.type !== i.type || n.personal !== i.personal)),
      )
      .map((i) => i.name);
    if (changed.length > 0) {
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `the type or personal flag of ${changed.join(', ')} cannot change; register a new dataset instead`,
      );
    }
    if (openness(input.openAttribute) < openness(current.openAttribute))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `narrowing ${current.id} from ${current.openAttribute} to ${input.openAttribute} needs the bureau's approval (Z12, Z15): propose it with catalog:ProposeAttributeChange and a reason`,
      );
    const next: Dataset = {
      ...current,
      ...input,
      // A rejected listing, corrected, goes back to the bureau.
      ...(current.listing?.state === 'REJECTED' ? { listing: { state: 'DRAFT' as const } } : {}),
      ...stamp(ctx, actor),
    };
    return saveDatasetChange(ctx, next);
  }

  /**
   * Bureau (Z13 审查同意后列入目录): lists a registered dataset in the catalogue, or rejects it with a reason
   * (transient `reason`), which the owner corrects with UpdateDataset. Only a listed dataset may be applied for,
   * shown in the gateway's catalogue or downloaded.
   */
  @Transaction()
  @Returns('string')
  public async ReviewListing(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'review catalogue listings');
    const d = oneOf(decision, 'decision', ['approve', 'reject'] as const);
    const current = await load(ctx, 'dataset', String(id), parseDataset);
    if (current.listing?.state !== 'DRAFT')
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `dataset ${current.id} is ${current.listing?.state ?? 'LISTED'}: only a DRAFT is reviewed`,
      );
    const next: Dataset = {
      ...current,
      listing:
        d === 'approve'
          ? { state: 'LISTED', reviewedBy: `${actor.mspId}/${actor.id}`, at: ctx.now() }
          : {
              state: 'REJECTED',
              reviewedBy: `${actor.mspId}/${actor.id}`,
              reason: reason(ctx.requireSecretInput('reason', 8192)),
              at: ctx.now(),
            },
      ...stamp(ctx, actor),
    };
    return saveDatasetChange(ctx, next);
  }

  /**
   * Owner: proposes a narrower open attribute (unconditional → restricted, or to prohibited) with a reason
   * (transient `reason`); the bureau approves or rejects it (Z12, Z15). Until then the dataset stays as it is.
   */
  @Transaction()
  @Returns('string')
  public async ProposeAttributeChange(ctx: RdxContext, id: string, to: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'propose open-attribute changes');
    const current = await load(ctx, 'dataset', String(id), parseDataset);
    requireOwnerOfPublic(actor, current.owner, `dataset ${current.id}`);
    const target = oneOf(to, 'to', OPEN_ATTRIBUTES);
    if (openness(target) >= openness(current.openAttribute))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `${target} is not narrower than ${current.openAttribute}: widen it with catalog:UpdateDataset`,
      );
    if (current.pendingAttribute)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `a change of ${current.id} to ${current.pendingAttribute.to} waits for the bureau already`,
      );
    const next: Dataset = {
      ...current,
      pendingAttribute: {
        to: target,
        reason: reason(ctx.requireSecretInput('reason', 8192)),
        proposedAt: ctx.now(),
        by: actor.mspId,
      },
      ...stamp(ctx, actor),
    };
    return saveDatasetChange(ctx, next);
  }

  /**
   * Bureau: approves or rejects the owner's proposed narrowing (a rejection with a reason, transient `reason`).
   * A move to prohibited suspends every active grant on the dataset in the same transaction (reason `catalogue`).
   */
  @Transaction()
  @Returns('string')
  public async DecideAttributeChange(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'decide open-attribute changes');
    const d = oneOf(decision, 'decision', ['approve', 'reject'] as const);
    const current = await load(ctx, 'dataset', String(id), parseDataset);
    const pending = current.pendingAttribute;
    if (!pending)
      throw new RdxError(ErrorCode.INVALID_STATE, `no change of ${current.id}'s open attribute is proposed`);
    if (d === 'reject') {
      reason(ctx.requireSecretInput('reason', 8192));
      return saveDatasetChange(ctx, { ...current, pendingAttribute: undefined, ...stamp(ctx, actor) });
    }
    const next: Dataset = {
      ...current,
      openAttribute: pending.to,
      pendingAttribute: undefined,
      attributeChanges: [
        ...(current.attributeChanges ?? []),
        {
          from: current.openAttribute,
          to: pending.to,
          reason: pending.reason,
          approvedBy: actor.mspId,
          at: ctx.now(),
        },
      ],
      ...stamp(ctx, actor),
    };
    const answer = await saveDatasetChange(ctx, next);
    if (pending.to === 'prohibited') {
      for (const grantId of await idsByIndex(ctx, 'grant~dataset', [current.id])) {
        const grant = await loadGrantShell(ctx, grantId);
        if (grant.state !== 'ACTIVE') continue;
        await transitionGrant(
          ctx,
          actor,
          grant,
          'SUSPENDED',
          {
            code: CATALOGUE_SUSPENSION,
            note: `dataset ${current.id} is prohibited from opening`,
            at: ctx.now(),
            by: actor.mspId,
          },
          EVENTS.DATASET_UPDATED,
        );
      }
    }
    return answer;
  }

  /** Owner: records a loaded version's content hash and row count (the data itself stays off-chain). */
  @Transaction()
  @Returns('string')
  public async RecordDatasetVersion(
    ctx: RdxContext,
    id: string,
    version: string,
    contentHash: string,
    rowCount: string,
  ): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'load dataset versions');
    const current = await load(ctx, 'dataset', String(id), parseDataset);
    requireOwnerOfPublic(actor, current.owner, `dataset ${current.id}`);
    const v = parseVersionInput(version, contentHash, rowCount);
    // The entry keeps only recent versions; this marker remembers every version ever recorded.
    const marker = indexKey(ctx, 'dataset~version', [current.id, v.version]);
    const seen = await ctx.stub.getState(marker);
    if ((seen && seen.length > 0) || current.versions.some((x) => x.version === v.version)) {
      throw new RdxError(ErrorCode.ALREADY_EXISTS, `dataset ${current.id} already has version ${v.version}`);
    }
    await ctx.stub.putState(marker, Buffer.from(ctx.stub.getTxID()));
    const entry = { ...v, loadedAt: ctx.now(), txId: ctx.stub.getTxID() };
    const next: Dataset = {
      ...current,
      versions: [...current.versions, entry].slice(-VERSIONS_KEPT),
      versionCount: current.versionCount + 1,
      ...stamp(ctx, actor),
    };
    await save(ctx, 'dataset', next.id, next);
    ctx.changed(EVENTS.DATASET_VERSION_LOADED, { type: 'dataset', id: next.id, state: v.version });
    return JSON.stringify(entry);
  }

  /**
   * Owner: records its yearly review of its catalogue (Z10 年度动态调整; L9 管理、审核本单位的开放数据目录): the year,
   * how many of its datasets it reviewed, and a note (transient `note`, optional). Once per year; a year missed
   * is an overdue item from the next 1 January.
   */
  @Transaction()
  @Returns('string')
  public async RecordCatalogueReview(ctx: RdxContext, year: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'record catalogue reviews');
    const y = intArg(year, 'year', 2000, 2100);
    if (`${y}-01-01` > today(ctx))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `the catalogue review of ${y} cannot be recorded before ${y}`,
      );
    const id = `${actor.mspId}.${y}`;
    await assertAbsent(ctx, 'catalogue-review', id);
    const datasets: string[] = [];
    for (const did of await idsOfType(ctx, 'dataset')) {
      const d = await load(ctx, 'dataset', did, parseDataset);
      if (d.owner === actor.mspId) datasets.push(d.id);
    }
    const review: CatalogueReview = {
      id,
      body: actor.mspId,
      year: y,
      datasets,
      note: optionalStr(ctx.secretInput('note', 8192), 'note', { max: 2000, freeText: true }) ?? '',
      reviewedAt: ctx.now(),
      ...stamp(ctx, actor),
    };
    await save(ctx, 'catalogue-review', id, review);
    ctx.changed(EVENTS.CATALOGUE_REVIEWED, { type: 'catalogue-review', id, state: String(y) });
    return JSON.stringify(review);
  }

  /** The catalog is public: any identity on the channel may read it. */
  @Transaction(false)
  @Returns('string')
  public async GetDataset(ctx: RdxContext, id: string): Promise<string> {
    return JSON.stringify(await load(ctx, 'dataset', String(id), parseDataset));
  }

  @Transaction(false)
  @Returns('string')
  public async ListDatasets(ctx: RdxContext): Promise<string> {
    return JSON.stringify(await allOfType(ctx, 'dataset', parseDataset));
  }
}
