/**
 * How late the gateway's event loop runs a timer: every request waits for the loop, so a stall of this process
 * (a long task, a collection, a synchronous call) shows here as a lag of its length. A stall outside the process
 * (the machine, the network) does not: the two are told apart by comparing this with the requests' latency.
 */
import { Histogram, type HistogramCounts } from './metrics.js';

/** The bounds (seconds) of the lag histogram: a loop that keeps up runs its timers within a few milliseconds. */
export const LOOP_LAG_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1] as const;

export class LoopLag {
  private readonly lags = new Histogram(LOOP_LAG_BUCKETS);
  private timer: NodeJS.Timeout | undefined;

  /** Starts measuring: a timer due every `everyMs`, unref'd so that it keeps no process alive. */
  constructor(private readonly everyMs = 10) {
    this.arm();
  }

  /** What was counted so far: one observation per timer, its lag in seconds. */
  read(): HistogramCounts {
    return this.lags.read();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const due = performance.now() + this.everyMs;
    this.timer = setTimeout(() => {
      this.lags.observe(Math.max(0, performance.now() - due) / 1000);
      this.arm();
    }, this.everyMs).unref();
  }
}
