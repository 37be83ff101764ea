/**
 * The gateway's ledger view saved in its data folder, so a restart replays the blocks since the save instead of
 * reading every enterprise, dataset and grant again (at 10⁵ grants, seconds per start). The file says which
 * ledger and block it holds the view of; the follower checks both against the ledger before trusting it and
 * replays every block after it before it serves restricted data (view-follower.ts).
 *
 * One JSON object per line: a header, the objects, and a trailer with their count and the SHA-256 of every line
 * before it, so a file cut short or altered by a fault is refused as a whole. Written to a temporary file,
 * flushed and renamed (a crash leaves the previous snapshot), readable by the gateway's user only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  parseDatasetView,
  parseEnterpriseView,
  parseGrantView,
  type DatasetView,
  type EnterpriseView,
  type GrantView,
  type LedgerView,
} from './ledger-view.js';

const FORMAT = 'rdx-view-snapshot 1';
/** Lines written per write call: the event loop turns between them, so a large view does not stall requests. */
const LINES_PER_WRITE = 2000;

/** Which view a snapshot holds: of which ledger, through which block. */
export interface SnapshotPoint {
  channel: string;
  chaincode: string;
  /**
   * The chaincode's release (`system:GetVersion`) when saved: a snapshot of another release is not trusted. An
   * upgrade within a release shows as a `_lifecycle` transaction among the blocks replayed (view-follower.ts).
   */
  chaincodeVersion: string;
  /** Every change up to and including this block is in the view (later ones may be too). */
  throughBlock: number;
  /** The identity of that block (`blockIdOf`): a reset or another ledger has another block there. */
  blockId: string;
}

export interface ViewSnapshot extends SnapshotPoint {
  savedAt: string;
  enterprises: EnterpriseView[];
  datasets: DatasetView[];
  grants: GrantView[];
  removedBodies: string[];
}

type Line =
  | { enterprise: EnterpriseView }
  | { dataset: DatasetView }
  | { grant: GrantView }
  | { removedBodies: string[] };

function* linesOf(view: LedgerView): Generator<string> {
  // Objects are replaced, never changed in place, so each line is one consistent version of its object even
  // while events apply during the write; a later version is caught by the replay from `throughBlock`.
  for (const enterprise of view.enterprises.values()) yield JSON.stringify({ enterprise } satisfies Line);
  for (const dataset of view.datasets.values()) yield JSON.stringify({ dataset } satisfies Line);
  for (const grant of view.grants.values()) yield JSON.stringify({ grant } satisfies Line);
  yield JSON.stringify({ removedBodies: [...view.removedBodies] } satisfies Line);
}

/** Saves the view; returns the lines of objects written and the file's size. */
export async function writeViewSnapshot(
  file: string,
  view: LedgerView,
  point: SnapshotPoint,
): Promise<{ lines: number; bytes: number }> {
  const temporary = `${file}.tmp`;
  const handle = await fs.promises.open(temporary, 'w', 0o600);
  const hash = crypto.createHash('sha256');
  let lines = 0;
  let bytes = 0;
  try {
    const write = async (lines: string[]): Promise<void> => {
      const text = lines.map((l) => `${l}\n`).join('');
      hash.update(text);
      bytes += Buffer.byteLength(text);
      await handle.write(text);
    };
    await write([JSON.stringify({ format: FORMAT, ...point, savedAt: new Date().toISOString() })]);
    let batch: string[] = [];
    for (const line of linesOf(view)) {
      batch.push(line);
      lines++;
      if (batch.length === LINES_PER_WRITE) {
        await write(batch);
        batch = [];
      }
    }
    await write(batch);
    const trailer = `${JSON.stringify({ end: FORMAT, lines, sha256: hash.digest('hex') })}\n`;
    await handle.write(trailer);
    bytes += trailer.length;
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temporary, file);
  const dir = await fs.promises.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return { lines, bytes };
}

/** The saved view, or undefined when there is none; throws, saying why, when the file cannot be trusted. */
export function readViewSnapshot(file: string): ViewSnapshot | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const end = text.lastIndexOf('\n', text.length - 2);
  if (!text.endsWith('\n') || end < 0) throw new Error('the snapshot is cut short');
  const trailer = JSON.parse(text.slice(end + 1)) as { end?: string; lines?: number; sha256?: string };
  const body = text.slice(0, end + 1);
  if (trailer.end !== FORMAT) throw new Error('the snapshot is cut short or of another format');
  if (crypto.createHash('sha256').update(body).digest('hex') !== trailer.sha256)
    throw new Error('the snapshot does not match its checksum');
  const [headerLine, ...objects] = body.slice(0, -1).split('\n');
  if (objects.length !== trailer.lines)
    throw new Error('the snapshot holds another number of lines than it says');
  const header = JSON.parse(headerLine!) as Partial<ViewSnapshot> & { format?: string };
  if (
    header.format !== FORMAT ||
    typeof header.channel !== 'string' ||
    typeof header.chaincode !== 'string' ||
    typeof header.chaincodeVersion !== 'string' ||
    !Number.isSafeInteger(header.throughBlock) ||
    typeof header.blockId !== 'string'
  )
    throw new Error('the snapshot header is malformed');
  const snapshot: ViewSnapshot = {
    channel: header.channel,
    chaincode: header.chaincode,
    chaincodeVersion: header.chaincodeVersion,
    throughBlock: header.throughBlock!,
    blockId: header.blockId,
    savedAt: String(header.savedAt),
    enterprises: [],
    datasets: [],
    grants: [],
    removedBodies: [],
  };
  for (const line of objects) {
    const object = JSON.parse(line) as Partial<Record<string, unknown>>;
    if ('enterprise' in object) snapshot.enterprises.push(parseEnterpriseView(object.enterprise));
    else if ('dataset' in object) snapshot.datasets.push(parseDatasetView(object.dataset));
    else if ('grant' in object) snapshot.grants.push(parseGrantView(object.grant));
    else if (Array.isArray(object.removedBodies)) snapshot.removedBodies = object.removedBodies.map(String);
    else throw new Error('the snapshot holds a line of no known kind');
  }
  return snapshot;
}
