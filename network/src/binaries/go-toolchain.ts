/**
 * The Go toolchain as the Fabric build uses it: finding `go`, fetching a module from the Go module proxy, and
 * building commands of a module into a folder with progress shown while it runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { run, CommandError, tail } from '../proc.js';
import { freshWorkFolder } from './work-folders.js';

export type Progress = (line: string) => void;

/** Getting the Fabric binaries failed; the message says why and what to do. */
export class FabricBinariesError extends Error {
  override name = 'FabricBinariesError';
}

/** `go` on PATH, else the usual install folder; undefined when Go is not installed. */
export function findGo(): string | undefined {
  return onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Downloads `module@version` through the Go module proxy; returns its (read-only) folder in the module cache. */
export async function downloadModule(go: string, module: string, version: string): Promise<string> {
  const out = await run(go, ['mod', 'download', '-json', `${module}@${version}`], {
    timeoutMs: 900_000,
  }).catch((err: unknown) => {
    // go mod download -json reports a refused module as JSON with an Error field, exit code 1.
    if (err instanceof CommandError) return err.output;
    throw err;
  });
  let info: { Dir?: string; Error?: string };
  try {
    info = JSON.parse(out) as { Dir?: string; Error?: string };
  } catch {
    throw new FabricBinariesError(tail(out, 5) || `go mod download ${module}@${version} printed nothing`);
  }
  if (info.Error || !info.Dir)
    throw new FabricBinariesError(info.Error ?? `no folder for ${module}@${version}`);
  return info.Dir;
}

export interface GoBuild {
  go: string;
  /** Where `go install` runs: a module's root (its go.mod, go.sum and vendor/ are used as released), or any
   * folder when the packages name their module version (`…/cmd/peer@<commit>`). */
  cwd: string;
  /** Flags before the packages, e.g. `-mod=vendor`, `-ldflags …`. */
  flags: string[];
  /** The executables' names, one per package, in the same order. */
  commands: readonly string[];
  packages: readonly string[];
  /** Where the executables end up; they are written there only once all of them built. */
  binDir: string;
  progress: Progress;
  /** When the whole job started, for the elapsed time shown. */
  started: number;
}

/**
 * Builds `./cmd/<name>` of the module for each command. The executables go to a staging folder first and are
 * moved into `binDir` one rename each, so an interrupted build never leaves a half-written binary behind.
 */
export async function goBuildCommands(job: GoBuild): Promise<void> {
  const staging = freshWorkFolder(path.dirname(job.binDir), 'build');
  try {
    await goInstall(job, staging);
    fs.mkdirSync(job.binDir, { recursive: true });
    for (const name of job.commands) fs.renameSync(path.join(staging, name), path.join(job.binDir, name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function goInstall(job: GoBuild, gobin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    job.progress(`  go install ${job.commands.join(' ')} …`);
    const child = spawn(job.go, ['install', ...job.flags, ...job.packages], {
      cwd: job.cwd,
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '1', GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const ticker = setInterval(() => job.progress(`  … still building (${elapsed(job.started)})`), 15_000);
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(new FabricBinariesError(`${job.go}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) {
        job.progress(`  built ${job.commands.join(', ')} (${elapsed(job.started)})`);
        resolve();
      } else {
        reject(
          new FabricBinariesError(
            `go install of ${job.commands.join(', ')} failed (exit ${code}). Output ends:\n${tail(out, 20)}\n` +
              'Check that Go ≥ 1.26 and gcc are installed.',
          ),
        );
      }
    });
  });
}

/** `1m05s`: how long since `since`. */
export function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
