/**
 * Finds or builds the Fabric binaries. Each group (Fabric's commands, Fabric CA's) is taken from the first place
 * that holds all of it at the pinned version: FABRIC_BIN, PATH, the versioned cache. What the cache lacks is
 * built into it, only the missing commands: Fabric from FABRIC_SRC (a source tree or archive) or else from the
 * Go module proxy by commit; Fabric CA from the Go module proxy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeOwnFolder } from '../home-permissions.js';
import { run } from '../proc.js';
import {
  FabricBinariesError,
  downloadModule,
  elapsed,
  findGo,
  goBuildCommands,
  isExecutable,
  onPath,
  type Progress,
} from './go-toolchain.js';
import { FABRIC_MODULE, FABRIC_VERSION, openFabricSource, type FabricSourceTree } from './fabric-source.js';

export { FabricBinariesError, type Progress } from './go-toolchain.js';
export { FABRIC_MODULE, FABRIC_VERSION } from './fabric-source.js';

/** Tag v3.1.5. The module path lacks a /v3 suffix, so the tag is not a valid module version: use the commit. */
export const FABRIC_COMMIT = '86c1172bec37e6590c6b1ae6f847833df48d65fc';
export const FABRIC_CA_MODULE = 'github.com/hyperledger/fabric-ca';
export const FABRIC_CA_VERSION = '1.5.21';

/** configtxlator computes the channel config updates that add or remove an organization. */
export const FABRIC_COMMANDS = [
  'peer',
  'orderer',
  'configtxgen',
  'configtxlator',
  'osnadmin',
  'cryptogen',
] as const;
export const CA_COMMANDS = ['fabric-ca-server', 'fabric-ca-client'] as const;
export type FabricCommand = (typeof FABRIC_COMMANDS)[number] | (typeof CA_COMMANDS)[number];

export interface FabricInstall {
  /** Absolute path of each command. */
  bin: Record<FabricCommand, string>;
  /** Folder holding Fabric's `core.yaml` and `orderer.yaml` (the release's `sampleconfig/`). */
  configDir: string;
}

export interface BinarySources {
  /** FABRIC_BIN: a folder of release binaries (Fabric's, and Fabric CA's if they are there too). */
  fabricBin?: string;
  /** FABRIC_SRC: a Fabric v3.1.5 source folder, or a .tar.xz / .tar.gz of one. */
  fabricSrc?: string;
  /** RDX_CACHE: binaries built here once, one folder per product and version. */
  cacheDir: string;
}

/** `<cache>/fabric-3.1.5/{bin,config}`: a folder per version, so versions never mix. */
export function fabricCacheDir(cacheDir: string): string {
  return path.join(cacheDir, `fabric-${FABRIC_VERSION}`);
}

export function fabricCaCacheDir(cacheDir: string): string {
  return path.join(cacheDir, `fabric-ca-${FABRIC_CA_VERSION}`);
}

/** Locates every binary, building what the cache lacks. */
export async function ensureFabricBinaries(
  sources: BinarySources,
  progress: Progress,
): Promise<FabricInstall> {
  // Made here, and asked about again once made: a folder another user made first could hold their `peer`.
  makeOwnFolder(
    sources.cacheDir,
    (why) =>
      new FabricBinariesError(
        `The binary cache ${sources.cacheDir} is no place to run Fabric from: ${why}. Set RDX_CACHE to a folder of your own.`,
      ),
  );
  const fabric = await resolveFabric(sources, progress);
  const ca = await resolveCa(sources, progress);
  return { bin: { ...fabric.bin, ...ca }, configDir: fabric.configDir };
}

interface FabricGroup {
  bin: Record<(typeof FABRIC_COMMANDS)[number], string>;
  configDir: string;
}

async function resolveFabric(sources: BinarySources, progress: Progress): Promise<FabricGroup> {
  const cache = fabricCacheDir(sources.cacheDir);
  if (sources.fabricBin) {
    const dir = sources.fabricBin;
    const missing = FABRIC_COMMANDS.filter((n) => !isExecutable(path.join(dir, n)));
    if (missing.length > 0) {
      throw new FabricBinariesError(`FABRIC_BIN=${dir} lacks ${missing.join(', ')}`);
    }
    const version = await versionOf(path.join(dir, 'peer'));
    if (version !== FABRIC_VERSION) {
      throw new FabricBinariesError(
        `FABRIC_BIN=${dir} holds Fabric ${version ?? '(unknown version)'}, but RDX runs Fabric v${FABRIC_VERSION}`,
      );
    }
    return { bin: inFolder(dir, FABRIC_COMMANDS), configDir: configDirFor(dir, cache) };
  }
  const onPathBin = await fromPath(FABRIC_COMMANDS, FABRIC_VERSION, progress);
  if (onPathBin) {
    return { bin: onPathBin, configDir: configDirFor(path.dirname(onPathBin.peer), cache) };
  }
  const binDir = path.join(cache, 'bin');
  await dropIfOtherVersion(binDir, 'peer', FABRIC_VERSION, progress);
  const missing = FABRIC_COMMANDS.filter((n) => !isExecutable(path.join(binDir, n)));
  const configMissing = !hasNodeConfig(cacheConfigDir(sources.cacheDir));
  if (missing.length > 0 || configMissing) {
    await buildFabric(sources, missing, configMissing, progress);
  }
  return { bin: inFolder(binDir, FABRIC_COMMANDS), configDir: configDirFor(binDir, cache) };
}

async function resolveCa(
  sources: BinarySources,
  progress: Progress,
): Promise<Record<(typeof CA_COMMANDS)[number], string>> {
  // Fabric CA has its own release tarball, so FABRIC_BIN may hold only Fabric's commands.
  if (sources.fabricBin && CA_COMMANDS.every((n) => isExecutable(path.join(sources.fabricBin!, n)))) {
    return inFolder(sources.fabricBin, CA_COMMANDS);
  }
  const onPathBin = await fromPath(CA_COMMANDS, FABRIC_CA_VERSION, progress);
  if (onPathBin) return onPathBin;
  const binDir = path.join(fabricCaCacheDir(sources.cacheDir), 'bin');
  await dropIfOtherVersion(binDir, 'fabric-ca-server', FABRIC_CA_VERSION, progress);
  const missing = CA_COMMANDS.filter((n) => !isExecutable(path.join(binDir, n)));
  if (missing.length > 0) await buildCa(binDir, missing, progress);
  return inFolder(binDir, CA_COMMANDS);
}

function inFolder<T extends string>(dir: string, names: readonly T[]): Record<T, string> {
  return Object.fromEntries(names.map((n) => [n, path.join(dir, n)])) as Record<T, string>;
}

/** The whole group on PATH at the pinned version, or undefined (saying why when it is there but wrong). */
async function fromPath<T extends string>(
  names: readonly T[],
  version: string,
  progress: Progress,
): Promise<Record<T, string> | undefined> {
  const found = names.map((n) => onPath(n));
  if (found.some((f) => f === undefined)) return undefined;
  const actual = await versionOf(found[0]!);
  if (actual !== version) {
    progress(`${found[0]} on PATH is version ${actual ?? '(unknown)'}, not ${version}: not used`);
    return undefined;
  }
  return Object.fromEntries(names.map((n, i) => [n, found[i]!])) as Record<T, string>;
}

/** `peer version` / `fabric-ca-server version` print ` Version: 3.1.5`; undefined when it cannot be read. */
async function versionOf(binary: string): Promise<string | undefined> {
  try {
    const out = await run(binary, ['version'], { timeoutMs: 20_000 });
    return /^\s*Version:\s*v?(\S+)/m.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** A cache folder is per version; should one hold something else (copied in by hand), it is rebuilt. */
async function dropIfOtherVersion(
  binDir: string,
  probe: string,
  version: string,
  progress: Progress,
): Promise<void> {
  const binary = path.join(binDir, probe);
  if (!isExecutable(binary)) return;
  const actual = await versionOf(binary);
  if (actual === version) return;
  progress(`${binary} is version ${actual ?? '(unknown)'}, not ${version}: rebuilding that cache folder`);
  fs.rmSync(binDir, { recursive: true, force: true });
}

export function cacheConfigDir(cacheDir: string): string {
  return path.join(fabricCacheDir(cacheDir), 'config');
}

function hasNodeConfig(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'core.yaml')) && fs.existsSync(path.join(dir, 'orderer.yaml'));
}

/** Where the nodes' `sampleconfig/` is, first match wins. */
function configDirFor(binDir: string, fabricCache: string): string {
  const candidates = [
    process.env.FABRIC_CFG_PATH,
    // release tarball layout: bin/ and config/ side by side
    path.join(binDir, '..', 'config'),
    path.join(fabricCache, 'config'),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find(hasNodeConfig);
  if (!found) {
    throw new FabricBinariesError(
      `Fabric's sampleconfig (core.yaml, orderer.yaml) was not found beside ${binDir}. ` +
        `Set FABRIC_CFG_PATH to the sampleconfig/ folder of Fabric v${FABRIC_VERSION}.`,
    );
  }
  return found;
}

function requireGo(): string {
  const go = findGo();
  if (!go) {
    throw new FabricBinariesError(
      'Go is not installed, and the Fabric binaries must be built once with it. Install Go ≥ 1.26 and gcc ' +
        '(or set FABRIC_BIN to a folder of Fabric v3.1.5 release binaries) and run again.',
    );
  }
  return go;
}

const FABRIC_LDFLAGS =
  `-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_VERSION} ` +
  `-X ${FABRIC_MODULE}/common/metadata.CommitSHA=${FABRIC_COMMIT.slice(0, 7)}`;

/** Builds the missing Fabric commands (and copies sampleconfig/) into the cache, from FABRIC_SRC or the proxy. */
async function buildFabric(
  sources: BinarySources,
  missing: readonly string[],
  configMissing: boolean,
  progress: Progress,
): Promise<void> {
  const go = requireGo();
  const cache = fabricCacheDir(sources.cacheDir);
  const binDir = path.join(cache, 'bin');
  fs.mkdirSync(cache, { recursive: true });
  const started = Date.now();
  const what = missing.length > 0 ? missing.join(', ') : 'sampleconfig/';
  const from = sources.fabricSrc
    ? `FABRIC_SRC=${sources.fabricSrc}`
    : `the Go module proxy (${FABRIC_MODULE}@${FABRIC_COMMIT.slice(0, 12)})`;
  progress(`Building Fabric v${FABRIC_VERSION} ${what} into ${cache} from ${from} (once; about 2 minutes)`);

  const tree = sources.fabricSrc
    ? await openFabricSource(sources.fabricSrc, cache, progress)
    : await fabricFromProxy(go, progress);
  try {
    if (configMissing) copySampleconfig(tree.dir, cacheConfigDir(sources.cacheDir));
    if (missing.length > 0) {
      // A source tree builds offline from its vendored dependencies, as released; a module from the proxy
      // (whose zip may lack vendor/) from its go.sum.
      const vendored = fs.existsSync(path.join(tree.dir, 'vendor', 'modules.txt'));
      await goBuildCommands({
        go,
        cwd: tree.dir,
        flags: [...(vendored ? ['-mod=vendor'] : []), '-ldflags', FABRIC_LDFLAGS],
        commands: missing,
        packages: missing.map((c) => `./cmd/${c}`),
        binDir,
        progress,
        started,
      });
    }
  } finally {
    tree.dispose();
  }
  progress(`Fabric v${FABRIC_VERSION} ready in ${binDir} (${elapsed(started)})`);
}

async function fabricFromProxy(go: string, progress: Progress): Promise<FabricSourceTree> {
  progress(`  downloading ${FABRIC_MODULE}@${FABRIC_COMMIT.slice(0, 12)} …`);
  try {
    const dir = await downloadModule(go, FABRIC_MODULE, FABRIC_COMMIT);
    return { dir, dispose: () => undefined };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
    throw new FabricBinariesError(
      `The Go module proxy did not serve ${FABRIC_MODULE}@${FABRIC_COMMIT} (${reason}).\n` +
        `Set FABRIC_SRC to a Fabric v${FABRIC_VERSION} source folder or .tar.xz/.tar.gz archive to build from, ` +
        `or FABRIC_BIN to a folder of Fabric v${FABRIC_VERSION} release binaries (${FABRIC_COMMANDS.join(', ')}) ` +
        `with Fabric's config/ folder beside it, and run again.`,
    );
  }
}

/** The module cache is read-only and may be cleaned: the nodes' configuration is kept beside the binaries. */
function copySampleconfig(treeDir: string, configDir: string): void {
  const staging = `${configDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(path.join(treeDir, 'sampleconfig'), staging, { recursive: true });
  // Copies of read-only module files are read-only too; the cache must stay deletable.
  chmodTree(staging);
  fs.rmSync(configDir, { recursive: true, force: true });
  fs.renameSync(staging, configDir);
}

function chmodTree(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(p);
    else fs.chmodSync(p, 0o644);
  }
}

async function buildCa(binDir: string, missing: readonly string[], progress: Progress): Promise<void> {
  const go = requireGo();
  fs.mkdirSync(path.dirname(binDir), { recursive: true });
  const started = Date.now();
  progress(
    `Building Fabric CA v${FABRIC_CA_VERSION} ${missing.join(', ')} into ${binDir} from the Go module proxy (once; about 2 minutes)`,
  );
  progress(`  downloading ${FABRIC_CA_MODULE}@v${FABRIC_CA_VERSION} …`);
  const moduleDir = await downloadModule(go, FABRIC_CA_MODULE, `v${FABRIC_CA_VERSION}`);
  // Built inside the module's own folder with its go.sum (`go install …@version` would also ask the proxy for
  // the module's version list, which ours refuses). Fabric CA keeps its registry in SQLite through cgo: gcc
  // must be present.
  await goBuildCommands({
    go,
    cwd: moduleDir,
    flags: [],
    commands: missing,
    packages: missing.map((c) => `./cmd/${c}`),
    binDir,
    progress,
    started,
  });
  progress(`Fabric CA v${FABRIC_CA_VERSION} ready in ${binDir} (${elapsed(started)})`);
}
