/**
 * Running a document's shell commands exactly as written: the `sh` blocks of a section, split into commands
 * (a line, its `\` continuations, or a here-document with its body), run in order in one bash session — so a
 * variable or a `cd` of one command holds for the next — each with its exit code and output kept apart.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One command of a document and what it did. */
export interface DocStep {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** The `sh` blocks between the headings `from` and `to` (exclusive; `to` undefined: the end of the file). */
export function shellCommands(file: string, from: string, to?: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(from);
  if (start < 0) throw new Error(`${file}: no heading "${from}"`);
  const end = to === undefined ? text.length : text.indexOf(to, start);
  if (end < 0) throw new Error(`${file}: no heading "${to}" after "${from}"`);
  const commands: string[] = [];
  for (const block of text.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      // Blank lines and comment-only lines (a comment carried over from the line before) run nothing.
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const command = [line];
      const heredoc = /<<-?'?(\w+)'?\s*$/.exec(line);
      if (heredoc) {
        while (lines[++i] !== undefined && lines[i] !== heredoc[1]) command.push(lines[i]!);
        command.push(heredoc[1]!);
      } else {
        while (command.at(-1)!.trimEnd().endsWith('\\') && lines[i + 1] !== undefined)
          command.push(lines[++i]!);
      }
      commands.push(command.join('\n'));
    }
  }
  return commands;
}

/** The exit code and error code a command's comment announces (`# exit 1 INVALID_STATE …`), else 0. */
export function expectedExit(command: string): { code: number; error?: string } {
  const m = /#\s*exit (\d+)\s+\[?([A-Z][A-Z_]+)?/.exec(command);
  return m ? { code: Number(m[1]), error: m[2] } : { code: 0 };
}

/**
 * Runs `commands` in one bash session from `cwd`. Each runs as written inside a brace group (not a subshell),
 * its stdout and stderr to files of its own; a failing command does not stop the ones after it.
 */
export function runCommands(
  commands: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): { steps: DocStep[]; finalDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-doc-steps-'));
  try {
    const script = commands
      .map((c, n) => `{\n${c}\n} > "${dir}/${n}.out" 2> "${dir}/${n}.err"; echo $? > "${dir}/${n}.code"`)
      .concat(`pwd > "${dir}/final-dir"`)
      .join('\n');
    const run = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8', timeout: timeoutMs });
    if (run.error) throw run.error;
    const read = (name: string): string =>
      fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : '';
    const steps = commands.map((command, n) => ({
      command,
      code: read(`${n}.code`) === '' ? -1 : Number(read(`${n}.code`)),
      stdout: read(`${n}.out`),
      stderr: read(`${n}.err`),
    }));
    return { steps, finalDir: read('final-dir').trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
