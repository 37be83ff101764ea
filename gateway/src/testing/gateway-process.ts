/**
 * The gateway's own main.js run as a process, as the supervisor starts it, over dummy identity files: for what
 * a start refuses before it reaches the ledger (a port taken, a file of its data folder that will not open).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the gateway's main.js with `settings` over dummy identity files in `dir`; its exit code and stderr. With
 * `asUser`, as that user of the host (through runuser: the caller is root and has given it `dir`).
 */
export async function startGateway(
  dir: string,
  settings: Record<string, string>,
  asUser?: string,
): Promise<{ code: number | null; stderr: string }> {
  for (const f of ['cert.pem', 'key.pem', 'peer-tls.pem']) fs.writeFileSync(path.join(dir, f), 'x');
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const [cmd, args] = asUser
    ? ['runuser', ['-u', asUser, '--', process.execPath, main]]
    : [process.execPath, [main]];
  const child = spawn(cmd, args, {
    env: {
      PATH: process.env.PATH,
      RDX_GATEWAY_CERT: path.join(dir, 'cert.pem'),
      RDX_GATEWAY_KEY: path.join(dir, 'key.pem'),
      RDX_PEER_TLS_ROOT: path.join(dir, 'peer-tls.pem'),
      RDX_PEER_ENDPOINT: '127.0.0.1:1',
      RDX_GATEWAY_DATA: path.join(dir, 'data'),
      RDX_GATEWAY_PORT: '0',
      ...settings,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A start that went on would wait for a ledger that is not there: fail, not hang.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  return { code, stderr };
}
