/**
 * The baseline of figure 1: a bare Express route that returns the same rows from the same dataset store the
 * gateway serves them from, with nothing else (no token, no decision, no masking, no audit, no ledger): its
 * SQLite file, or with `databaseUrl` and `namespace` its PostgreSQL store.
 * With `auditPath`, the durable baseline: the same route, which first appends a record of the call to an audit
 * log of its own at that path — the gateway's `AuditLog` (group commit, writer thread, fsync) — and answers once
 * it is durable, as the gateway does. What it adds to bare Express is what the rule "the record is durable before the response" costs
 * on this machine, whatever else a gateway does.
 * A client that asks for compression gets the page compressed by the gateway's own `encodedAnswer`
 * (gateway/src/http/whole-answer-encoding.ts): the same call, encoding and zlib settings as a data call.
 * `node bench/baseline-server.mjs '{"dbPath":…,"datasetId":…,"fields":[…],"limit":20,"port":3299}'`
 */
import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import express from 'express';
import { AuditLog, DatasetStore, PgDatasetStore, encodedAnswer, timeOrderedUuid } from '@rdx/gateway';

const { dbPath, databaseUrl, namespace, datasetId, fields, limit, port, auditPath } = JSON.parse(
  process.argv[2],
);
const store = databaseUrl ? await PgDatasetStore.open(databaseUrl, { namespace }) : DatasetStore.open(dbPath);
const audit = auditPath ? AuditLog.open(auditPath) : undefined;
const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.get('/records', async (req, res) => {
  const page = await store.query(datasetId, { fields, filters: [], limit });
  const body = JSON.stringify({ data: page.rows, nextCursor: page.nextCursor ?? null });
  // Encoded once, for the record's hash and the answer alike, as the gateway does (routes/audited.ts): hashing
  // the string encoded the page's Chinese text a second time, work the durable record does not need.
  const bytes = Buffer.from(body);
  if (audit) {
    // A record of the gateway's shape, with the fields a data call fills in; its hash and chain are the log's.
    // The request id is of the gateway's kind too: random ones land all over the log's request-id index, and
    // cost the writer thread three times the CPU per record that the gateway's time-ordered ids do.
    await audit.append({
      time: new Date().toISOString(),
      requestId: timeOrderedUuid(),
      gatewayId: 'bench-durable-baseline',
      method: 'GET',
      path: req.path,
      datasetId,
      decision: 'allow',
      reason: 'OK',
      items: fields,
      rowCount: page.rows.length,
      responseHash: crypto.hash('sha256', bytes, 'hex'),
      status: 200,
    });
  }
  const sent = await encodedAnswer(req, bytes);
  res.type('application/json');
  if (sent.encoding) res.set({ 'Content-Encoding': sent.encoding, Vary: 'Accept-Encoding' });
  res.send(sent.body);
});
const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([store.close(), audit?.close()]).finally(() => process.exit(0));
});
