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
import { indexKey } from '../lib/keys';
import { idsOfType } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { requireOwnerAndBureau } from '../lib/sbe';
import { putSecret } from '../lib/sealed';
import { stamp } from '../lib/stamp';
import { assertAbsent, load, save } from '../lib/store';
import { jsonArg } from '../lib/validate';
import {
  parseDataset,
  parseDatasetInput,
  parseVersionInput,
  VERSIONS_KEPT,
  type Dataset,
} from '../models/dataset';

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
    const next: Dataset = { ...current, ...input, ...stamp(ctx, actor) };
    await save(ctx, 'dataset', next.id, next);
    ctx.changed(EVENTS.DATASET_UPDATED, { type: 'dataset', id: next.id, state: next.openAttribute });
    return JSON.stringify(next);
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
    const v = parseVersionInput(version, contentHash, Number(rowCount));
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

  /** The catalog is public: any identity on the channel may read it. */
  @Transaction(false)
  @Returns('string')
  public async GetDataset(ctx: RdxContext, id: string): Promise<string> {
    return JSON.stringify(await load(ctx, 'dataset', String(id), parseDataset));
  }

  @Transaction(false)
  @Returns('string')
  public async ListDatasets(ctx: RdxContext): Promise<string> {
    const ids = await idsOfType(ctx, 'dataset');
    return JSON.stringify(await Promise.all(ids.map((id) => load(ctx, 'dataset', id, parseDataset))));
  }
}
