/**
 * What the CLI writes. Results go to stdout: JSON with `--json` (and nothing else there), lines for people
 * otherwise. Notes and progress go to stderr, so piping stdout into another program is always safe.
 */
import type { Writable } from 'node:stream';

/** The CLI's two streams (tests and embedding callers may pass their own). */
export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/**
 * The bidirectional formatting marks (U+061C, U+200E–F, U+202A–E, U+2066–9): they reorder what follows on the
 * line, so a name reads as another, or an account number backwards.
 */
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${BIDI}]`, 'g');
/** What JSON.stringify leaves as it is and a terminal acts on: DEL, the C1 controls and the bidi marks. */
const JSON_UNESCAPED = new RegExp(`[\\x7f-\\x9f${BIDI}]`, 'g');

const hex = (c: string, digits: number): string => c.charCodeAt(0).toString(16).padStart(digits, '0');

/**
 * Text for a terminal, with every control character but line ends and tabs written out (`\x1b`), and every bidi
 * mark too (`\u202e`): what people read comes from the ledger and the gateway — a product's name, a complaint, a
 * reason, an error — which its author could fill with escape sequences that move the cursor, rewrite earlier
 * lines, hide a link or set the clipboard, or with marks that reverse the text after them.
 */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, (c) => (c.charCodeAt(0) > 0xff ? `\\u${hex(c, 4)}` : `\\x${hex(c, 2)}`));
}

/**
 * `value` as JSON with what a terminal acts on escaped (`\u009b`, `\u202e`): the same data for a program that
 * parses it, nothing a terminal runs for a person who reads it. JSON.stringify escapes only C0 controls.
 */
export function jsonText(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(JSON_UNESCAPED, (c) => `\\u${hex(c, 4)}`);
}

/** Writes results and notes in the chosen mode. */
export class Output {
  /**
   * @param io where to write.
   * @param json machine output: stdout carries only JSON.
   */
  constructor(
    readonly io: Io,
    readonly json: boolean,
  ) {}

  /** A result: `data` as JSON in JSON mode, else `lines` (or `data` pretty-printed when no lines are given). */
  result(data: unknown, lines?: readonly string[]): void {
    if (this.json) this.io.stdout.write(`${jsonText(data, 2)}\n`);
    else if (lines) this.io.stdout.write(lines.length ? `${forTerminal(lines.join('\n'))}\n` : '');
    else this.io.stdout.write(`${jsonText(data, 2)}\n`);
  }

  /** One line of streamed data (JSON lines), in both modes. */
  dataLine(value: unknown): void {
    this.io.stdout.write(`${jsonText(value)}\n`);
  }

  /** A note for people, on stderr. */
  note(line: string): void {
    this.io.stderr.write(`${forTerminal(line)}\n`);
  }

  /** A progress line on stderr (see {@link Progress}). */
  progress(label: string, total?: number, unit: 'bytes' | 'rows' | 'items' = 'items'): Progress {
    return new Progress(this.io.stderr, label, total, unit);
  }
}

/**
 * A one-line progress indicator on stderr: redrawn in place on a terminal, else printed at most every few
 * seconds, so logs of long runs stay short. Shows done/total, percent and rate.
 */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  // Counting from the start means a task that ends quickly shows only its final line.
  private lastDraw = this.started;
  private drawn = false;

  /**
   * @param stream stderr.
   * @param label what is going on, e.g. `上传 upload data.csv`.
   * @param total the expected amount, when known.
   */
  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly label: string,
    private total: number | undefined,
    private readonly unit: 'bytes' | 'rows' | 'items',
  ) {}

  /** Adds `n` to the amount done and redraws when due. */
  tick(n = 1): void {
    this.done += n;
    const now = Date.now();
    const every = this.stream.isTTY ? 100 : 2000;
    if (now - this.lastDraw >= every) this.draw(now);
  }

  /**
   * Draws the final state and ends the line.
   * @param total the total, when it is known only at the end: the rows of a file its own reading counts.
   */
  finish(suffix = '', total?: number): void {
    if (total !== undefined) this.total = total;
    this.draw(Date.now(), suffix);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(now: number, suffix = ''): void {
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const amount = (n: number): string =>
      this.unit === 'bytes' ? `${(n / 1_048_576).toFixed(1)} MB` : `${n} ${this.unit}`;
    const rate =
      this.unit === 'bytes'
        ? `${(this.done / 1_048_576 / seconds).toFixed(1)} MB/s`
        : `${Math.round(this.done / seconds)}/s`;
    const of =
      this.total !== undefined && this.total > 0
        ? ` ${Math.min(100, Math.floor((this.done / this.total) * 100))
            .toString()
            .padStart(3)}% ${amount(this.done)}/${amount(this.total)}`
        : ` ${amount(this.done)}`;
    const line = `${this.label}${of} · ${rate}${suffix ? ` · ${suffix}` : ''}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
    this.drawn = true;
  }

  /** Whether anything was drawn yet. */
  get visible(): boolean {
    return this.drawn;
  }
}

/**
 * The widest a column is padded to (terminal columns). A longer cell is written whole, its row out of line: padded
 * to it, every row of a table would carry it, and one name of megabytes, from whoever answered, took the CLI to
 * gigabytes.
 */
export const MAX_COLUMN_WIDTH = 80;
/**
 * The most padding a table adds, in characters: past it, cells are written unaligned. A list of a million short
 * rows with one wide row would otherwise be padded to ten times its size, in one string.
 */
const MAX_PADDING = 8 * 1024 * 1024;

/** Formats rows as an aligned text table with a header. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const natural = headers.map((h, i) =>
    rows.reduce((w, r) => Math.max(w, Math.min(width(r[i] ?? ''), MAX_COLUMN_WIDTH)), width(h)),
  );
  const aligned = rows.length * natural.reduce((a, b) => a + b, 0) <= MAX_PADDING;
  const widths = aligned ? natural : natural.map(() => 0);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i]! - width(c)))))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

/** Display width: CJK characters take two columns on a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}

/** `label: value` lines with labels aligned. */
export function fields(pairs: readonly (readonly [string, string | number | undefined])[]): string[] {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '');
  const w = Math.max(...shown.map(([k]) => width(k)));
  return shown.map(([k, v]) => `${k}${' '.repeat(w - width(k))}  ${String(v)}`);
}
