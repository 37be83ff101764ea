/**
 * Starts the gateway: config, ledger connection, then listen. SIGTERM/SIGINT close the server and the
 * ledger connection before exiting.
 */
import { createApp } from './app.js';
import { loadConfig, ConfigError } from './config.js';
import { openFabricLedger } from './ledger/fabric-ledger.js';

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`rdx gateway: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const ledger = openFabricLedger(config);
  const server = createApp({ ledger }).listen(config.port, config.host, () => {
    console.log(`rdx gateway listening on http://${config.host}:${config.port}`);
  });
  const shutdown = (): void => {
    server.close(() => ledger.close());
    setTimeout(() => ledger.close(), 5000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
