/**
 * The baseline of figure 1: a bare Express route that returns the same rows from the same dataset store the
 * gateway serves them from, with nothing else (no token, no decision, no masking, no audit, no ledger): its
 * SQLite file, or with `databaseUrl` and `namespace` its PostgreSQL store.
 * `node bench/baseline-server.mjs '{"dbPath":…,"datasetId":…,"fields":[…],"limit":20,"port":3299}'`
 */
import express from 'express';
import { DatasetStore, PgDatasetStore } from '@rdx/gateway';

const { dbPath, databaseUrl, namespace, datasetId, fields, limit, port } = JSON.parse(process.argv[2]);
const store = databaseUrl ? await PgDatasetStore.open(databaseUrl, { namespace }) : DatasetStore.open(dbPath);
const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.get('/records', async (_req, res) => {
  const page = await store.query(datasetId, { fields, filters: [], limit });
  res.type('application/json').send(JSON.stringify({ data: page.rows, nextCursor: page.nextCursor ?? null }));
});
const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void Promise.resolve(store.close()).finally(() => process.exit(0));
});
