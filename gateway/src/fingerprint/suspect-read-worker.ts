/**
 * The thread that reads the marks of one suspect file (see {@link ./suspect-reader.ts}): the file's cells and the
 * marks they carry. Reading a workbook of the largest size a trace takes holds a thread for seconds. Not a module
 * to import: Node starts it as a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  MAX_TRACE_READINGS,
  readMarks,
  suspectCells,
  type MarkReading,
  type SuspectFormat,
} from '@rdx/client';

export interface SuspectReadJob {
  file: Uint8Array;
  format: SuspectFormat | undefined;
}

/** The marks read, or why the file could not be read (a SyntaxError's message: the file, not the gateway). */
export type SuspectReadReply = { readings: MarkReading[] } | { error: string; unreadable: boolean };

const { file, format } = workerData as SuspectReadJob;
let reply: SuspectReadReply;
try {
  reply = { readings: readMarks(suspectCells(file, format), MAX_TRACE_READINGS) };
} catch (err) {
  reply = { error: err instanceof Error ? err.message : String(err), unreadable: err instanceof SyntaxError };
}
parentPort!.postMessage(reply);
