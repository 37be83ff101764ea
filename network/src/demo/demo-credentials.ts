/**
 * The demo's saved credentials (regulator, bodies' console accounts, enterprises), kept across starts: each file
 * is read, every secret in it that still verifies against the gateway's client registry is kept, the others are
 * made again, and the file is written back owner-only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '@rdx/client';
import { ClientRegistry, type ClientRole } from '@rdx/gateway';
import type { NetworkContext } from '../context.js';
import { gatewayDataDir } from '../platform-paths.js';

/** Reads a demo credentials file; none yet (or unreadable): an empty list. */
function readKnown<T>(file: string): T[] {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T[];
  } catch {
    return [];
  }
}

/**
 * scrypt on libuv's thread pool: a kept secret's check (one scrypt, 60–130 ms) runs beside the others and beside the
 * start's ledger reads, not one after another on the start's own thread. Unbounded: the start is the only caller.
 */
const scryptOffThread = promisify(crypto.scrypt) as (
  secret: string,
  salt: string,
  length: number,
) => Promise<Buffer>;

/**
 * The secret saved for `clientId`, if it still opens that account under `role` (none saved: undefined). The
 * account's row is read at the call, so a check may still run after the registry is closed; the scrypt runs off
 * this thread.
 */
export async function keptSecret(
  clients: ClientRegistry,
  clientId: string,
  saved: string | undefined,
  role: ClientRole,
): Promise<string | undefined> {
  if (saved === undefined) return undefined;
  return (await clients.verifyAsync(clientId, saved, role, scryptOffThread)) ? saved : undefined;
}

/** Writes demo credentials owner-only, whole or not at all (a start stopped mid-write keeps the old file). */
function writeSecret(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** The gateway's client registry, in its data folder (made if missing). The caller closes it. */
export function openClientRegistry(ctx: Pick<NetworkContext, 'paths'>): ClientRegistry {
  const dataDir = gatewayDataDir(ctx);
  fs.mkdirSync(dataDir, { recursive: true });
  return ClientRegistry.open(path.join(dataDir, 'clients.db'));
}

/**
 * The frame of every demo credentials seed: the credentials saved in `file` read, the gateway's registry open while
 * `seed` keeps each account whose secret still verifies and makes the others, and its answer written back
 * owner-only. The registry is closed even under a secret check still running: it has read its row already.
 */
export async function reseedCredentials<T>(
  ctx: Pick<NetworkContext, 'paths'>,
  file: string,
  seed: (known: T[], clients: ClientRegistry) => Promise<T[]>,
): Promise<T[]> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const known = readKnown<T>(file);
  const clients = openClientRegistry(ctx);
  let out: T[];
  try {
    out = await seed(known, clients);
  } finally {
    clients.close();
  }
  writeSecret(file, out);
  return out;
}
