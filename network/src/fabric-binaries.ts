/**
 * Finds or builds the Fabric binaries. Order: FABRIC_BIN, then binaries on PATH, then the versioned cache
 * (`~/.cache/rdx/fabric-3.1.5/bin`), building it once with the Go toolchain when it is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { run, CommandError } from './proc.js';

export const FABRIC_MODULE = 'github.com/hyperledger/fabric';
/** Tag v3.1.5. The module path lacks a /v3 suffix, so the tag is not a valid module version: use the commit. */
export const FABRIC_COMMIT = '86c1172bec37e6590c6b1ae6f847833df48d65fc';
export const FABRIC_VERSION = '3.1.5';
export const FABRIC_CA_MODULE = 'github.com/hyperledger/fabric-ca';
export const FABRIC_CA_VERSION = 'v1.5.21';

export const FABRIC_COMMANDS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'cryptogen'] as const;
export const CA_COMMANDS = ['fabric-ca-server', 'fabric-ca-client'] as const;
export type FabricCommand = (typeof FABRIC_COMMANDS)[number] | (typeof CA_COMMANDS)[number];

export interface FabricInstall {
  /** Absolute path of each command. */
  bin: Record<FabricCommand, string>;
  /** Folder holding Fabric's `core.yaml` and `orderer.yaml` (the module's `sampleconfig/`). */
  configDir: string;
}

export class FabricBinariesError extends Error {
  override name = 'FabricBinariesError';
}

export type Progress = (line: string) => void;

function hasAll(dir: string, names: readonly string[]): boolean {
  return names.every((n) => fs.existsSync(path.join(dir, n)));
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function cacheBinDir(cacheDir: string): string {
  return path.join(cacheDir, `fabric-${FABRIC_VERSION}`, 'bin');
}

/** Where a `sampleconfig/` for the binaries can be found, first match wins. */
function findConfigDir(binDir: string, cacheDir: string): string | undefined {
  const candidates = [
    process.env.FABRIC_CFG_PATH,
    // release tarball layout: bin/ and config/ side by side
    path.join(binDir, '..', 'config'),
    cacheConfigDir(cacheDir),
  ].filter((c): c is string => Boolean(c));
  return candidates.find(
    (c) => fs.existsSync(path.join(c, 'core.yaml')) && fs.existsSync(path.join(c, 'orderer.yaml')),
  );
}

export function cacheConfigDir(cacheDir: string): string {
  return path.join(cacheDir, `fabric-${FABRIC_VERSION}`, 'config');
}

async function downloadModule(go: string, module: string, version: string): Promise<string> {
  const out = await run(go, ['mod', 'download', '-json', `${module}@${version}`], {
    timeoutMs: 900_000,
  }).catch((err: unknown) => {
    // go mod download -json reports a refused module as JSON with an Error field, exit code 1.
    if (err instanceof CommandError) return err.output;
    throw err;
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir)
    throw new FabricBinariesError(info.Error ?? `no folder for ${module}@${version}`);
  return info.Dir;
}

/** Locates the binaries, building them into the cache when needed. */
export async function ensureFabricBinaries(
  fabricBin: string | undefined,
  cacheDir: string,
  progress: Progress,
): Promise<FabricInstall> {
  const all = [...FABRIC_COMMANDS, ...CA_COMMANDS];
  let dir: string | undefined;
  if (fabricBin) {
    if (!hasAll(fabricBin, all)) {
      const missing = all.filter((n) => !fs.existsSync(path.join(fabricBin, n)));
      throw new FabricBinariesError(`FABRIC_BIN=${fabricBin} lacks ${missing.join(', ')}`);
    }
    dir = fabricBin;
  } else if (all.every((n) => onPath(n))) {
    dir = path.dirname(onPath('peer')!);
  } else {
    dir = cacheBinDir(cacheDir);
    if (!hasAll(dir, all)) await buildIntoCache(dir, cacheDir, progress);
  }
  const configDir = findConfigDir(dir, cacheDir);
  if (!configDir) {
    throw new FabricBinariesError(
      `Fabric's sampleconfig (core.yaml, orderer.yaml) was not found beside ${dir} nor in the Go module cache. ` +
        `Set FABRIC_CFG_PATH to the sampleconfig/ folder of Fabric v${FABRIC_VERSION}.`,
    );
  }
  const bin = Object.fromEntries(all.map((n) => [n, path.join(dir, n)])) as Record<FabricCommand, string>;
  return { bin, configDir };
}

async function buildIntoCache(binDir: string, cacheDir: string, progress: Progress): Promise<void> {
  const go = onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new FabricBinariesError(
      'Go is not installed, and the Fabric binaries must be built once with it. Install Go ≥ 1.26 ' +
        '(or set FABRIC_BIN to a folder of Fabric v3.1.5 release binaries) and run again.',
    );
  }
  fs.mkdirSync(binDir, { recursive: true });
  const started = Date.now();
  progress(
    `Building Fabric v${FABRIC_VERSION} and Fabric CA ${FABRIC_CA_VERSION} into ${binDir} (once; a few minutes)`,
  );

  progress(`  downloading ${FABRIC_MODULE}@${FABRIC_COMMIT.slice(0, 12)} …`);
  let fabricDir: string;
  try {
    fabricDir = await downloadModule(go, FABRIC_MODULE, FABRIC_COMMIT);
  } catch (err) {
    throw new FabricBinariesError(
      `The Go module proxy did not serve ${FABRIC_MODULE}@${FABRIC_COMMIT} ` +
        `(${firstLine(err)}).\nSet FABRIC_BIN to a folder holding Fabric v${FABRIC_VERSION} binaries ` +
        `(${FABRIC_COMMANDS.join(', ')}, ${CA_COMMANDS.join(', ')}) with Fabric's config/ folder beside it, ` +
        `or put them on PATH, and run again.`,
    );
  }
  // The module cache is read-only and may be cleaned: keep the module's sampleconfig/ beside the binaries.
  fs.cpSync(path.join(fabricDir, 'sampleconfig'), cacheConfigDir(cacheDir), {
    recursive: true,
  });
  const ldflags =
    `-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_VERSION} ` +
    `-X ${FABRIC_MODULE}/common/metadata.CommitSHA=${FABRIC_COMMIT.slice(0, 7)}`;
  await goInstall(
    go,
    fabricDir,
    ['-mod=vendor', '-ldflags', ldflags],
    FABRIC_COMMANDS,
    binDir,
    progress,
    started,
  );

  progress(`  downloading ${FABRIC_CA_MODULE}@${FABRIC_CA_VERSION} …`);
  const caDir = await downloadModule(go, FABRIC_CA_MODULE, FABRIC_CA_VERSION);
  // Fabric CA stores its registry in SQLite through cgo: gcc must be present.
  await goInstall(go, caDir, [], CA_COMMANDS, binDir, progress, started);
  progress(`Fabric binaries ready in ${binDir} (${elapsed(started)})`);
}

/** `go install` run inside the module's own folder, so its go.sum and vendor/ are used as released. */
function goInstall(
  go: string,
  moduleDir: string,
  flags: string[],
  commands: readonly string[],
  binDir: string,
  progress: Progress,
  started: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const pkgs = commands.map((c) => `./cmd/${c}`);
    progress(`  go install ${commands.join(' ')} …`);
    const child = spawn(go, ['install', ...flags, ...pkgs], {
      cwd: moduleDir,
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '1', GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const ticker = setInterval(() => progress(`  … still building (${elapsed(started)})`), 15_000);
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) {
        progress(`  built ${commands.join(', ')} (${elapsed(started)})`);
        resolve();
      } else {
        reject(
          new FabricBinariesError(
            `go install of ${commands.join(', ')} failed (exit ${code}). Output ends:\n${out.split('\n').slice(-20).join('\n')}\n` +
              'Check that Go ≥ 1.26 and gcc are installed, or set FABRIC_BIN to release binaries.',
          ),
        );
      }
    });
  });
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!;
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
