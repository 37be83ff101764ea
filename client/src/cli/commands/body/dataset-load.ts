/**
 * `rdx dataset load`: an opening body loads a version of its dataset. The file is read once, hashed, and its bytes
 * read as the gateway will load them, against the dataset's items; then their SHA-256 and row count are recorded
 * on the ledger (catalog:RecordDatasetVersion); the gateway then accepts exactly those bytes.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { arg, defineCommand, reqString } from '../../command.js';
import { txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { checkDatasetFile, readDatasetFile } from '../../../sdk/dataset-file.js';
import { MAX_VERSION_FILE_BYTES } from '../../../dataset-format/index.js';
import { GatewayProblemError, InputError } from '../../../sdk/errors.js';
import type { AdminIdentity } from '../../../sdk/admin-signature.js';
import type { PublicGatewayApi } from '../../../sdk/gateway-api.js';
import type { Progress } from '../../output.js';

/** Files from this size on show progress (smaller ones finish before anyone would look). */
const PROGRESS_FROM_BYTES = 4 * 1024 * 1024;
/** How long the gateway may take to learn of the version from the ledger's events. */
const GATEWAY_SEES_VERSION_MS = 30_000;

/**
 * Waits until the gateway knows the version: an empty upload answers CONTENT_HASH_MISMATCH once it does and
 * NOT_FOUND before, which costs nothing, where a real upload would send the whole file to be refused.
 */
async function waitForGateway(
  gateway: PublicGatewayApi,
  id: string,
  version: string,
  upload: { contentType: string; contentSha256: string; signer: AdminIdentity },
): Promise<boolean> {
  const deadline = Date.now() + GATEWAY_SEES_VERSION_MS;
  for (;;) {
    try {
      await gateway.uploadVersion(id, version, { ...upload, body: new Uint8Array(0) });
      return true; // the recorded content is the empty file itself: loaded already
    } catch (err) {
      if (err instanceof GatewayProblemError && err.code === 'CONTENT_HASH_MISMATCH') return false;
      if (!(err instanceof GatewayProblemError && err.code === 'NOT_FOUND') || Date.now() > deadline)
        throw err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Bytes handed to the upload at a time: progress moves as they are taken. */
const UPLOAD_PIECE_BYTES = 1 << 20;

/**
 * The held bytes as the upload's body: the very bytes hashed, checked and recorded. Read from the file again, a
 * file changed since was sent as other bytes, which the gateway refuses (CONTENT_HASH_MISMATCH) with the version's
 * name already spent on the ledger.
 */
function heldStream(
  bytes: Buffer,
  progress: Progress | undefined,
): { body: ReadableStream<Uint8Array>; stop(): void } {
  const pieces = function* (): Generator<Buffer> {
    for (let at = 0; at < bytes.length; at += UPLOAD_PIECE_BYTES) {
      const piece = bytes.subarray(at, at + UPLOAD_PIECE_BYTES);
      progress?.tick(piece.length);
      yield piece;
    }
  };
  const source = Readable.from(pieces());
  // Stopped once the upload failed: read on, it went on printing progress under the error.
  return { body: Readable.toWeb(source) as ReadableStream<Uint8Array>, stop: () => source.destroy() };
}

export default defineCommand({
  path: ['dataset', 'load'],
  roles: ['body'],
  summary:
    '加载数据版本 load a version: check the file against the dataset items, record its SHA-256 and row count on the ledger, then upload it to the gateway',
  args: ['<id>'],
  options: [
    { flags: '--version <name>', description: '版本 version name, e.g. v2 (new each time)', required: true },
    {
      flags: '--file <data>',
      description: 'the data: CSV with a header of item names, or a JSON array (per the dataset format)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const id = arg(inv, 0);
    const version = reqString(inv.opts, 'version');
    const file = reqString(inv.opts, 'file');
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (err) {
      throw new InputError('FILE_UNREADABLE', `cannot read the data file ${file}: ${(err as Error).message}`);
    }
    // Recorded and then refused at the upload, its version name would be spent for good.
    if (size > MAX_VERSION_FILE_BYTES)
      throw new InputError(
        'INVALID_ARGUMENT',
        `${file} is ${size} bytes; the gateway takes a version file of at most ${MAX_VERSION_FILE_BYTES} (200 MB): load the dataset in a version of fewer rows, or ask the bureau`,
      );
    const ledger = ctx.ledger();
    const dataset = await ledger.catalog.get(id);
    const big = size >= PROGRESS_FROM_BYTES;

    const hashing = big ? ctx.out.progress(`哈希 hashing ${file}`, size, 'bytes') : undefined;
    // Held for the check below, which reads these very bytes: what is recorded is one reading of the file.
    const held = await readDatasetFile(file, (n) => hashing?.tick(n));
    hashing?.finish(`sha256 ${held.contentHash.slice(0, 16)}…`);

    const existing = dataset.versions.find((v) => v.version === version);
    // A load interrupted after the ledger step resumes with the upload; other bytes need a new version name.
    if (existing && existing.contentHash !== held.contentHash)
      throw new InputError(
        'ALREADY_EXISTS',
        `dataset ${id} already has version ${version} with sha256 ${existing.contentHash}, not this file's ${held.contentHash}: choose a new version name`,
      );

    // Before anything is recorded: a version recorded for a file the gateway then refuses keeps its name for
    // good, and counts as an update of the dataset in the regulator's figures.
    // Its rows are known once it is read: counting them beforehand would cost another reading.
    const checking = big ? ctx.out.progress(`检查 checking ${file}`, undefined, 'rows') : undefined;
    const rowCount = checkDatasetFile(held, dataset, (n) => checking?.tick(n));
    checking?.finish(`each row fits the ${dataset.items.length} items`, rowCount);

    let recorded: { txId: string; blockNumber?: number };
    if (existing) {
      ctx.out.note(
        `${TERMS.version} ${version} is on the ledger already (tx ${existing.txId}); uploading it again`,
      );
      recorded = { txId: existing.txId };
    } else {
      const c = await ledger.catalog.recordVersion({
        datasetId: id,
        version,
        contentHash: held.contentHash,
        rowCount,
      });
      recorded = { txId: c.txId, blockNumber: c.blockNumber };
    }

    const gateway = ctx.publicGateway();
    const contentType = dataset.format === 'csv' ? 'text/csv' : 'application/json';
    // The upload is signed with the same identity that recorded the version: the body's admin.
    const upload = { contentType, contentSha256: held.contentHash, signer: ledger.connection.identity };
    const emptyLoaded = await waitForGateway(gateway, id, version, upload);
    let loaded = emptyLoaded
      ? { dataset: id, version, contentHash: held.contentHash, rowCount: 0 }
      : undefined;
    if (!loaded) {
      const uploading = big ? ctx.out.progress(`上传 upload ${file}`, size, 'bytes') : undefined;
      const stream = heldStream(held.bytes, uploading);
      try {
        loaded = await gateway.uploadVersion(id, version, { ...upload, body: stream.body });
      } catch (err) {
        stream.stop();
        throw err;
      }
      uploading?.finish(`${loaded.rowCount} rows`);
    }
    if (loaded.rowCount !== rowCount)
      ctx.out.note(`注意 note: the gateway parsed ${loaded.rowCount} rows; the ledger records ${rowCount}`);
    const data = {
      datasetId: id,
      version,
      contentHash: held.contentHash,
      rowCount,
      bytes: held.bytes.length,
      txId: recorded.txId,
      blockNumber: recorded.blockNumber,
      gateway: loaded,
    };
    return {
      data,
      lines: [
        `${TERMS.dataset} ${id} ${TERMS.version} ${version} 已加载 loaded: ${rowCount} rows, ${held.bytes.length} bytes`,
        `  sha256 ${held.contentHash}`,
        `  网关 gateway: ${loaded.rowCount} rows loaded`,
        txLine(recorded),
      ],
    };
  },
});
