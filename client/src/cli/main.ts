#!/usr/bin/env node
/**
 * Entry of the `rdx` command (bin of @rdx/client). Everything happens in program.ts; this file only sets the
 * exit code, letting pending output drain instead of calling process.exit.
 */
import { runCli } from './program.js';

// `rdx records … | head` closes the pipe early: the reader has what it wanted, so stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv);
