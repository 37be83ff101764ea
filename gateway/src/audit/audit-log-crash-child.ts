/**
 * Helper process for the audit log's crash test, not part of the gateway: appends to the log forever — the SQLite
 * file at argv[2], or the PostgreSQL database at that URL under the namespace argv[3] — keeping several appends
 * in flight so group commits are always under way, and prints "<seq> <requestId>" for each append once it is
 * acknowledged. The test SIGKILLs it mid-stream and checks every printed line survived.
 */
import { AuditLog } from './audit-log.js';
import { PgAuditLog } from './pg-audit-log.js';

const [where, namespace] = process.argv.slice(2);
if (where === undefined) {
  console.error('usage: audit-log-crash-child <sqlite file> | <postgres url> <namespace>');
  process.exit(2);
}
const log = /^postgres(ql)?:/.test(where)
  ? await PgAuditLog.open(where, { namespace })
  : AuditLog.open(where);
const inFlight = 16;
let next = 0;

function appendOne(): void {
  const requestId = `crash-${process.pid}-${next++}`;
  log
    .append({
      time: new Date().toISOString(),
      requestId,
      gatewayId: 'gw-crash-test',
      enterprise: '91330000000000000X',
      method: 'GET',
      path: '/v1/datasets/d1/rows',
      datasetId: 'd1',
      decision: 'allow',
      reason: 'grant g1',
      items: ['name', 'licence'],
      rowCount: next % 7,
      status: 200,
    })
    .then(
      (record) => {
        // Printed only after the commit: anything the parent reads is an acknowledged append.
        process.stdout.write(`${record.seq} ${record.requestId}\n`);
        appendOne();
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
}

for (let i = 0; i < inFlight; i++) appendOne();
