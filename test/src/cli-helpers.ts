/**
 * Running the `rdx` CLI as a subprocess for the end-to-end tests, the way people run it: from the repository
 * root, with a private config folder (so a stored login never touches the real home) and no RDX_* credentials
 * leaking in from the caller's shell.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import path from 'node:path';
import { repoRoot } from './fabric-client.js';

/** The built CLI entry. */
export const cliMain = path.join(repoRoot, 'client', 'dist', 'cli', 'main.js');

/** One run of the CLI. */
export interface CliRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Environment variables a test run must not inherit: they would pick identities or credentials. */
export const INHERITED_OUT = [
  'RDX_AS',
  'RDX_CLIENT_ID',
  'RDX_CLIENT_SECRET',
  'RDX_KEY_FILE',
  'RDX_WALLET',
  'RDX_DEBUG',
];

/** A CLI runner with a fixed environment (gateway URL, config folder, …). */
export class Cli {
  private readonly env: NodeJS.ProcessEnv;

  /** @param env variables added to a cleaned copy of this process's environment. */
  constructor(env: Record<string, string>) {
    this.env = { ...process.env };
    for (const name of INHERITED_OUT) delete this.env[name];
    Object.assign(this.env, env);
  }

  /** Runs `rdx <args>` and resolves with its exit code and output; never rejects on a non-zero exit. */
  run(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliMain, ...args], {
        cwd: repoRoot,
        env: { ...this.env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ args, code: code ?? -1, stdout, stderr, ms: Date.now() - started }),
      );
    });
  }

  /** Runs with --json, expects exit 0, and returns the parsed stdout. */
  async ok<T = Record<string, unknown>>(args: string[], extraEnv: Record<string, string> = {}): Promise<T> {
    const r = await this.run([...args, '--json'], extraEnv);
    expect(r.code, describeRun(r)).to.equal(0);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      expect.fail(`stdout is not JSON:\n${describeRun(r)}`);
    }
  }

  /**
   * Runs with --json, expects `exit` (1 by default) and the stable `code` in the JSON error on stdout.
   * Returns the error object.
   */
  async fails(
    args: string[],
    code: string,
    exit = 1,
    extraEnv: Record<string, string> = {},
  ): Promise<{ code: string; message: string; hint?: string; txId?: string }> {
    const r = await this.run([...args, '--json'], extraEnv);
    expect(r.code, describeRun(r)).to.equal(exit);
    const body = JSON.parse(r.stdout) as {
      error: { code: string; message: string; hint?: string; txId?: string };
    };
    expect(body.error.code, describeRun(r)).to.equal(code);
    return body.error;
  }

  /** Runs without --json and expects exit 0; returns the human output. */
  async human(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
    const r = await this.run(args, extraEnv);
    expect(r.code, describeRun(r)).to.equal(0);
    return r;
  }

  /** Retries `args` until it exits 0 (the gateway follows the ledger through events, so it lags by a moment). */
  async until(args: string[], timeoutMs: number, extraEnv: Record<string, string> = {}): Promise<CliRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.run(args, extraEnv);
      if (r.code === 0) return r;
      if (Date.now() > deadline) expect.fail(`not within ${timeoutMs} ms:\n${describeRun(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Retries `args --json` until it fails with `code` (e.g. a suspension reaching the gateway). */
  async untilFails(
    args: string[],
    code: string,
    timeoutMs: number,
    extraEnv: Record<string, string> = {},
  ): Promise<CliRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.run([...args, '--json'], extraEnv);
      if (r.code === 1 && r.stdout.includes(`"code": "${code}"`)) return r;
      if (Date.now() > deadline)
        expect.fail(`never failed with ${code} within ${timeoutMs} ms:\n${describeRun(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A run, for assertion messages. */
export function describeRun(r: CliRun): string {
  return `rdx ${r.args.join(' ')}\n→ exit ${r.code} in ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** JSON lines of a run's stdout. */
export function jsonLines(r: CliRun): Record<string, unknown>[] {
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
