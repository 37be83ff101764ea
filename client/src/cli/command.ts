/**
 * The shape of a command handler: one file per command, declaring where it sits (`grant suspend`), who uses
 * it, its arguments and options, and what it does. The registry turns these into commander commands, so a
 * handler never touches commander and can be read on its own.
 */
import type { CliContext } from './context.js';

/** Who a command is for, shown in the help. */
export type Role = 'bureau' | 'body' | 'enterprise' | 'regulator' | 'anyone';

/** One option of a command. */
export interface OptionSpec {
  /** commander flags, e.g. `--reason <text>` or `--all`. */
  flags: string;
  description: string;
  /** The user must give it. */
  required?: boolean;
  /** Allowed values (checked before the handler runs). */
  choices?: readonly string[];
  /** May be given several times; the value is then an array. */
  repeatable?: boolean;
  defaultValue?: string | boolean;
}

/** What a handler returns: the data (printed as JSON with --json) and, for people, lines. */
export interface CommandResult {
  data: unknown;
  lines?: string[];
}

/** The parsed invocation. */
export interface Invocation {
  /** Positional arguments in declaration order (optional ones may be undefined). */
  args: (string | undefined)[];
  /** The command's own options (camelCase keys). */
  opts: Record<string, unknown>;
}

/** A command of the CLI. */
export interface CommandSpec {
  /** Words of the command, e.g. `['grant', 'suspend']`. */
  path: readonly string[];
  roles: readonly Role[];
  /** One line, with the Chinese term. */
  summary: string;
  /** commander argument syntax, e.g. `<id>`, `[decision]`. */
  args?: readonly string[];
  options?: readonly OptionSpec[];
  /** Shown after the options in --help. */
  help?: string;
  /** Does the work; returns the result, or undefined when it streamed its output itself. */
  run(ctx: CliContext, inv: Invocation): Promise<CommandResult | undefined>;
}

/** Identity function that gives a handler file its type. */
export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}

/** An option's value as a string, or undefined. */
export function optString(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

/** A required option's value (commander already refused a missing one). */
export function reqString(opts: Record<string, unknown>, key: string): string {
  const v = opts[key];
  if (typeof v !== 'string') throw new TypeError(`option ${key} was not parsed`);
  return v;
}

/** A repeatable option's values. */
export function optList(opts: Record<string, unknown>, key: string): string[] {
  const v = opts[key];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** A positional argument declared required. */
export function arg(inv: Invocation, i: number): string {
  const v = inv.args[i];
  if (v === undefined) throw new TypeError(`argument ${i} was not parsed`);
  return v;
}

/** A comma-separated list option. */
export function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
