/**
 * What other packages may use of the gateway: the app factory and its parts that tooling (the network's demo
 * seed, the benchmarks) drives directly. The gateway itself runs from `main.ts`.
 */
export { createApp } from './app.js';
// For the network tooling, which serves the gateway over HTTPS exactly where the gateway would refuse plain HTTP.
export { isLoopbackHost } from './config.js';
// For the network tooling, the tests and the bench, which read a gateway's metrics on its host (metrics-server.ts).
export { defaultMetricsPort } from './config.js';
export { METRICS_HOST, metricsTokenFile } from './http/metrics-server.js';
export { ClientRegistry, type ClientRole } from './auth/client-registry.js';
export { AuditLog } from './audit/audit-log.js';
// For the bench's audit figures (figure 1's durable baseline, figure 4's append): their records carry request ids
// of the gateway's own kind, whose order decides what a commit writes.
export { timeOrderedUuid } from './http/security.js';
// For the bench's bare Express baseline, which compresses its page exactly as the gateway does.
export { encodedAnswer } from './http/whole-answer-encoding.js';
// For the scale bench, which writes a city-sized log directly and times a restart over it.
export { INSERT_RECORD_SQL, chainRecords, recordValues } from './audit/audit-record.js';
export { AuditTree } from './audit/audit-tree.js';
export { checkWholeLog } from './audit/chain-check.js';
export { decide, type Decision } from './enforcement/decide.js';
// For the demo's data, checked as a load would check it.
export { parseDatasetFile, type ItemType } from '@rdx/client';
export { parseFilter } from './store/filter-syntax.js';
export { DatasetStore } from './store/sqlite-dataset-store.js';
// For the bench's PostgreSQL line of figure 1: the same store on PostgreSQL, and a throwaway server.
export { PgDatasetStore } from './store/pg-dataset-store.js';
export { findPostgresBin, startPostgres, type PostgresServer } from './testing/postgres.js';
export { LedgerView } from './view/ledger-view.js';
export { readViewSnapshot, writeViewSnapshot } from './view/view-snapshot.js';
