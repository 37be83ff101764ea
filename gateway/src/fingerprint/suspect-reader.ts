/**
 * Reads the marks of a suspect file on a thread of its own ({@link ./suspect-read-worker.ts}), one thread per
 * trace: a workbook of 11 MB takes ~4 s to inflate and read, which on the event loop would hold every data call
 * that long. The thread's heap is bounded, so a file that would need more ends its thread, not the gateway.
 */
import { Worker } from 'node:worker_threads';
import type { MarkReading, SuspectFormat } from '@rdx/client';
import type { SuspectReadJob, SuspectReadReply } from './suspect-read-worker.js';

/** The heap a file's reading may use: a workbook's 256 MB of sheets as text, and its cells. */
export const SUSPECT_READ_HEAP_MB = 1536;

/**
 * The marks `file` carries (the first 5000: MAX_TRACE_READINGS).
 * @throws SyntaxError when the file cannot be read as `format`, or not within `heapMb` of heap
 */
export function readSuspectFile(
  file: Buffer,
  format: SuspectFormat | undefined,
  heapMb = SUSPECT_READ_HEAP_MB,
): Promise<MarkReading[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./suspect-read-worker.js', import.meta.url), {
      workerData: { file, format } satisfies SuspectReadJob,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    let replied = false;
    worker.once('message', (reply: SuspectReadReply) => {
      replied = true;
      if ('readings' in reply) resolve(reply.readings);
      else reject(reply.unreadable ? new SyntaxError(reply.error) : new Error(reply.error));
    });
    worker.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new SyntaxError(`the file cannot be read within the ${heapMb} MB a trace may use`)
          : err,
      ),
    );
    worker.once('exit', (code) => {
      if (!replied) reject(new Error(`the thread reading the file ended (${code}) without an answer`));
    });
  });
}
