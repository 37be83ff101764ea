/**
 * The stored login of `rdx login`: one access token per gateway in `~/.config/rdx/token.json`, readable by
 * the user only (0600 in a 0700 folder). Tokens live at most 15 minutes, so a stolen file is worth little;
 * no secret or key is ever written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { configDir } from './paths.js';

/** One stored login. */
export interface StoredToken {
  clientId: string;
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

type TokenFile = Record<string, StoredToken>;

/** The token file of this user. */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'token.json');
}

function readAll(file: string): TokenFile {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TokenFile;
  } catch {
    return {};
  }
}

function writeAll(file: string, all: TokenFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
}

/** The unexpired login for a gateway, if any. */
export function loadToken(gateway: string, env: NodeJS.ProcessEnv = process.env): StoredToken | undefined {
  const t = readAll(tokenFile(env))[gateway];
  return t && t.expiresAt > Date.now() ? t : undefined;
}

/** Stores the login for a gateway; returns the file written. */
export function saveToken(gateway: string, token: StoredToken, env: NodeJS.ProcessEnv = process.env): string {
  const file = tokenFile(env);
  const all = readAll(file);
  all[gateway] = token;
  writeAll(file, all);
  return file;
}

/** Forgets the login for a gateway; true when there was one. */
export function removeToken(gateway: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = tokenFile(env);
  const all = readAll(file);
  if (!(gateway in all)) return false;
  delete all[gateway];
  writeAll(file, all);
  return true;
}
