/**
 * Prometheus metrics in text format: requests by route and status, access decisions by reason, anchoring
 * lag and ledger event lag, the audit log's commit times and its records' waits, the event loop's lag. No
 * client library: the format is a few lines.
 */
type Labels = Record<string, string>;

/** What a histogram has counted: the sum and count of what it observed, and per bucket how many were at most its bound. */
export interface HistogramCounts {
  sum: number;
  count: number;
  /** Cumulative, one per bound. */
  atMost: readonly number[];
}

/** A histogram its owner counts into and /metrics reads at scrape time. */
export class Histogram {
  private sum = 0;
  private count = 0;
  private readonly atMost: number[];

  /** @param bounds the buckets' upper bounds, ascending. */
  constructor(readonly bounds: readonly number[]) {
    this.atMost = bounds.map(() => 0);
  }

  /** Counts `value` into the sum, the count and every cumulative bucket whose bound it is within. */
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = this.bounds.length - 1; i >= 0 && value <= this.bounds[i]!; i--) this.atMost[i]!++;
  }

  /** What was counted so far: a copy, which does not move with the histogram. */
  read(): HistogramCounts {
    return { sum: this.sum, count: this.count, atMost: [...this.atMost] };
  }
}

/** Label sets seen, as written in the text: counters are counted on every request, label sets are few. */
const written = new Map<string, string>();
const MAX_WRITTEN = 10_000;

function key(labels: Labels): string {
  // Length-prefixed, so no two label sets give the same text whatever their values hold.
  let seen = '';
  for (const name in labels) seen += `${name.length}:${name}${labels[name]!.length}:${labels[name]}`;
  let k = written.get(seen);
  if (k === undefined) {
    k = Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([n, v]) => `${n}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',');
    if (written.size < MAX_WRITTEN) written.set(seen, k);
  }
  return k;
}

export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();
  private readonly histograms = new Map<
    string,
    { help: string; bounds: readonly number[]; read: () => HistogramCounts }
  >();

  counter(name: string, help: string): (labels: Labels, by?: number) => void {
    const entry = { help, values: new Map<string, number>() };
    this.counters.set(name, entry);
    return (labels, by = 1) => {
      const k = key(labels);
      entry.values.set(k, (entry.values.get(k) ?? 0) + by);
    };
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** A histogram kept by its owner and read at scrape time; `bounds` are the buckets' upper bounds, ascending. */
  histogram(name: string, help: string, bounds: readonly number[], read: () => HistogramCounts): void {
    this.histograms.set(name, { help, bounds, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values) lines.push(`${name}{${labels}} ${value}`);
    }
    for (const [name, { help, read }] of this.gauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    for (const [name, { help, bounds, read }] of this.histograms) {
      const { sum, count, atMost } = read();
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      bounds.forEach((le, i) => lines.push(`${name}_bucket{le="${le}"} ${atMost[i] ?? 0}`));
      lines.push(`${name}_bucket{le="+Inf"} ${count}`, `${name}_sum ${sum}`, `${name}_count ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
