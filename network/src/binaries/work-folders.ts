/**
 * The folders a Fabric build works in beside the binary cache (the extracted source, the staging of built
 * executables). Each is named for the process that made it, so that the next build removes those whose process
 * is gone: a build stopped by Ctrl-C or a kill never ran its own clean-up, and each left its 78 MB behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '../proc.js';

/** A fresh folder `<parent>/.<kind>-<pid>-XXXXXX`, after removing the `.<kind>-<pid>-…` of processes now gone. */
export function freshWorkFolder(parent: string, kind: string): string {
  fs.mkdirSync(parent, { recursive: true });
  const ours = new RegExp(`^\\.${kind}-(\\d+)-`);
  for (const name of fs.readdirSync(parent)) {
    const pid = ours.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid)))
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(parent, `.${kind}-${process.pid}-`));
}
