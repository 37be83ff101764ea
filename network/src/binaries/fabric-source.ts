/**
 * FABRIC_SRC: a Fabric source tree, or a `.tar.xz` / `.tar.gz` of one, to build the binaries from where the Go
 * module proxy does not serve Fabric. An archive is checked against the `.sha256` file beside it before a byte
 * of it is extracted; a tree is checked to be Fabric of the version we pin before anything is built from it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../proc.js';
import { FabricBinariesError, elapsed, type Progress } from './go-toolchain.js';
import { freshWorkFolder } from './work-folders.js';

export const FABRIC_MODULE = 'github.com/hyperledger/fabric';
export const FABRIC_VERSION = '3.1.5';

const ARCHIVE_FLAGS: ReadonlyArray<[suffix: string, tarFlag: string]> = [
  ['.tar.xz', '-J'],
  ['.txz', '-J'],
  ['.tar.gz', '-z'],
  ['.tgz', '-z'],
];

export interface FabricSourceTree {
  /** Root of the tree: holds go.mod, cmd/, vendor/, sampleconfig/. */
  dir: string;
  /** Removes what was extracted (nothing for a tree given as a folder). */
  dispose(): void;
}

/** Makes `src` (folder or archive) a checked source tree; archives are extracted under `workDir`. */
export async function openFabricSource(
  src: string,
  workDir: string,
  progress: Progress,
): Promise<FabricSourceTree> {
  if (!fs.existsSync(src)) throw new FabricBinariesError(`FABRIC_SRC=${src}: no such file or folder`);
  if (fs.statSync(src).isDirectory()) {
    checkFabricTree(src, `FABRIC_SRC=${src}`);
    return { dir: src, dispose: () => undefined };
  }
  const tarFlag = ARCHIVE_FLAGS.find(([suffix]) => src.endsWith(suffix))?.[1];
  if (!tarFlag) {
    throw new FabricBinariesError(
      `FABRIC_SRC=${src}: not a folder, .tar.xz or .tar.gz; give the Fabric v${FABRIC_VERSION} source tree or an archive of it`,
    );
  }
  await verifyChecksum(src, progress);
  const into = freshWorkFolder(workDir, 'src');
  const dispose = (): void => fs.rmSync(into, { recursive: true, force: true });
  try {
    const started = Date.now();
    progress(`  extracting ${path.basename(src)} …`);
    await run('tar', ['-x', tarFlag, '-f', src, '-C', into], { timeoutMs: 600_000 });
    const root = treeRoot(into);
    checkFabricTree(root, `FABRIC_SRC=${src}`);
    progress(`  extracted (${elapsed(started)})`);
    return { dir: root, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Compares the archive's SHA-256 with `<archive>.sha256` (`<hex>  <name>`, as sha256sum writes it). */
async function verifyChecksum(archive: string, progress: Progress): Promise<void> {
  const sumFile = `${archive}.sha256`;
  if (!fs.existsSync(sumFile)) {
    progress(`  no ${path.basename(sumFile)} beside the archive: its checksum is not verified`);
    return;
  }
  const expected = fs.readFileSync(sumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new FabricBinariesError(`${sumFile} holds no SHA-256 (64 hex digits) at its start`);
  }
  progress(`  checking the SHA-256 of ${path.basename(archive)} …`);
  const actual = await sha256File(archive);
  if (actual !== expected) {
    throw new FabricBinariesError(
      `${archive} does not match ${path.basename(sumFile)}: SHA-256 is ${actual}, expected ${expected}. ` +
        'The archive is damaged or not the one the checksum was made for; nothing was extracted.',
    );
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** A `git archive` puts everything under one top folder; a plain tarball of the tree may not. */
function treeRoot(extracted: string): string {
  if (fs.existsSync(path.join(extracted, 'go.mod'))) return extracted;
  const entries = fs.readdirSync(extracted, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory());
  if (entries.length === 1 && dirs.length === 1) return path.join(extracted, dirs[0]!.name);
  return extracted; // checkFabricTree says what is missing
}

/**
 * Refuses a tree that is not Fabric v3.1.5 as we build it: the module's go.mod, the commands, the vendored
 * dependencies (the build is offline, `-mod=vendor`) and sampleconfig/ (what the nodes read).
 */
export function checkFabricTree(dir: string, what: string): void {
  const goMod = path.join(dir, 'go.mod');
  if (!fs.existsSync(goMod)) {
    throw new FabricBinariesError(`${what}: no go.mod at ${dir}; this is not a Fabric source tree`);
  }
  const module = /^module\s+(\S+)/m.exec(fs.readFileSync(goMod, 'utf8'))?.[1];
  if (module !== FABRIC_MODULE) {
    throw new FabricBinariesError(
      `${what}: go.mod is of module ${module ?? '(none)'}, not ${FABRIC_MODULE}; this is not a Fabric source tree`,
    );
  }
  for (const needed of ['cmd/peer', 'cmd/orderer', 'vendor', 'sampleconfig']) {
    if (!fs.existsSync(path.join(dir, needed))) {
      throw new FabricBinariesError(
        `${what}: ${needed}/ is missing from ${dir}; a Fabric v${FABRIC_VERSION} source tree (with vendor/ and sampleconfig/) is needed`,
      );
    }
  }
  // Fabric's Makefile names the release the tree is (`FABRIC_VER ?= 3.1.5`); binaries of another release must
  // never land in this version's cache.
  const makefile = path.join(dir, 'Makefile');
  const version = fs.existsSync(makefile)
    ? /^FABRIC_VER\s*\?=\s*v?(\S+)/m.exec(fs.readFileSync(makefile, 'utf8'))?.[1]
    : undefined;
  if (version !== undefined && version !== FABRIC_VERSION) {
    throw new FabricBinariesError(
      `${what}: this is Fabric ${version} (Makefile FABRIC_VER), but RDX runs Fabric v${FABRIC_VERSION}`,
    );
  }
}
