/**
 * The clerk process (`npm start` runs one, under the supervisor): connects to the bureau's peer as the clerk
 * identity, serves its operations endpoint, and runs rounds until SIGTERM/SIGINT.
 */
import { connectIdentity, RdxLedger, readLedgerIdentity } from '@rdx/client';
import { Clerk } from './clerk.js';
import { ConfigError, loadClerkConfig } from './config.js';
import { operationsToken } from '@rdx/client/operations-token';
import { startOpsServer } from './ops-server.js';
import { ClerkService } from './service.js';

const log = (line: string): void => console.log(`${new Date().toISOString()} clerk: ${line}`);

/** The operations token, made at the first start; a file others may read stops the start, naming it. */
function opsToken(file: string): string {
  try {
    return operationsToken(file, log);
  } catch (err) {
    throw new ConfigError(`RDX_CLERK_OPS_TOKEN_FILE: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function main(): Promise<void> {
  const config = loadClerkConfig();
  const connection = connectIdentity(readLedgerIdentity({ ...config, name: 'clerk' }));

  const ledger = new RdxLedger(connection);
  const service = new ClerkService(
    new Clerk(ledger, { pageSize: config.pageSize, log }),
    config.intervalMs,
    log,
  );
  const ops = await startOpsServer(
    config.host,
    config.port,
    service.status,
    opsToken(config.opsTokenFile),
    log,
  );
  log(
    `operations endpoint ${ops.url} (/healthz /readyz; /status /metrics for the token in ${config.opsTokenFile}); a round at least every ${config.intervalMs / 1000} s and after midnight China time`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('stopping after the transaction in flight');
    void service
      .stop()
      .then(() => ops.close())
      .finally(() => {
        ledger.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  service.start();
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `clerk: ${err.message}` : err);
  process.exit(1);
});
