/**
 * A gateway whose stores are on PostgreSQL (`RDX_DATABASE_URL`), on the real network: it enforces a grant as the
 * SQLite gateway does; with its database frozen it says so and refuses at once instead of hanging; killed with -9
 * under load while the database holds its commits up, it has acknowledged no call whose audit record was not
 * committed (the record first, then the answer), and once restarted it anchors them: every receipt's proof
 * verifies against the Merkle root recorded on the ledger under its id. Skipped, saying so, where PostgreSQL is
 * not installed (CI installs it).
 */
import { expect } from 'chai';
import pg from 'pg';
import { canonicalJson, leafHash, verifyInclusion } from '@rdx/client';
import { findPostgresBin, startPostgres, type PostgresServer } from '@rdx/gateway';
import { loadDemoVersion } from '@rdx/network';
import { expectGrantedPage } from '../expectations.js';
import { startGateway, stopGateway, type ExtraGateway } from '../extra-gateway.js';
import { networkContext, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  runId,
  type TestEnterprise,
} from '../workflow.js';

const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'legal_rep_phone'];
const GATEWAY_ID = `gw-pg-${runId}`;
const PORT = topology.gateway.port + 11;

describe('a gateway on PostgreSQL on the real network: enforcement, a frozen database, a kill -9 under load, receipts anchored', () => {
  let server: PostgresServer | undefined;
  let gateway: ExtraGateway | undefined;
  let p: Parties | undefined;
  let aa: TestEnterprise;
  let grantId: string;
  let token: string;
  const start = (): Promise<ExtraGateway> =>
    startGateway(GATEWAY_ID, PORT, { RDX_DATABASE_URL: server!.url });
  const records = (query: string): Promise<{ status: number; body: Record<string, unknown> }> =>
    getJson(`${gateway!.url}/v1/datasets/${DATASET}/records?${query}`, token);

  before(async function () {
    const found = findPostgresBin();
    if ('missing' in found) {
      console.log(`      skipped: PostgreSQL not installed: ${found.missing}`);
      this.skip();
    }
    server = await startPostgres(found.bin);
    p = new Parties();
    aa = await onboard(p, 'AA');
    const { grants } = await applyAndGetGrants(p, aa.signer, `pg-app-${runId}`, [
      demand(DATASET, 'MarketMSP', ITEMS),
    ]);
    grantId = grants[0]!;
    gateway = await start();
    await loadDemoVersion(networkContext, DATASET, gateway.url);
    token = await tokenFor(gateway.url, aa.creditCode, aa.privateKeyPem);
    // The gateway learns of the grant from the ledger's events.
    await eventually(
      async () => (await records('limit=1')).status === 200,
      15_000,
      'the gateway sees the grant',
    );
  });
  after(async () => {
    if (gateway) await stopGateway(gateway);
    await server?.stop();
    p?.close();
  });

  it('granted items are served, personal items masked; an item not granted is refused', async () => {
    expectGrantedPage(await records('limit=20'), grantId, ITEMS, 20);
    const other = await records('fields=legal_rep_id');
    expect(other.status).to.equal(403);
    expect(other.body.code).to.equal('ITEMS_NOT_GRANTED');
  });

  it('its database frozen (every process stopped, as on a hung host), it is not ready within seconds and refuses data calls at once; thawed, it serves again', async () => {
    expect((await records('limit=1')).status).to.equal(200);
    server!.freeze(true);
    try {
      await eventually(
        async () => (await getJson(`${gateway!.url}/readyz`)).body.code === 'STORE_UNAVAILABLE',
        15_000,
        'readiness says the database does not answer',
      );
      const asked = Date.now();
      const refused = await records('limit=1');
      expect(Date.now() - asked, "refused at once, not after the pool's minute").to.be.below(2_000);
      expect(refused.status).to.equal(503);
      expect(refused.body.code).to.equal('STORE_UNAVAILABLE');
      expect(refused.body, 'no row leaves').not.to.have.property('data');
    } finally {
      server!.freeze(false);
    }
    await eventually(
      async () => (await records('limit=1')).status === 200,
      15_000,
      'served again once thawed',
    );
    expect((await getJson(`${gateway!.url}/readyz`)).status).to.equal(200);
  });

  it('killed with -9 while its database holds its commits up, it has acknowledged no call it had not committed; restarted, each receipt verifies against the root on the ledger', async () => {
    const db = new pg.Client({ connectionString: server!.url });
    await db.connect();
    const locker = new pg.Client({ connectionString: server!.url });
    await locker.connect();
    const acknowledged: string[] = [];
    let loading = true;
    try {
      const load = Array.from({ length: 8 }, async () => {
        while (loading) {
          try {
            const r = await records('limit=5');
            if (r.status === 200) acknowledged.push(String(r.body.requestId));
          } catch {
            return; // the connection was cut by the kill
          }
        }
      });
      await eventually(() => Promise.resolve(acknowledged.length >= 20), 10_000, 'calls answered');
      // Another connection locks the records table: the gateway's next commit waits for it, and calls keep
      // coming. A call answered from now on would be one whose record is not committed.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE rdx_audit_records IN SHARE MODE');
      await eventually(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO rdx_audit_records%'`,
            )
          ).rows.length > 0,
        10_000,
        'a commit of the gateway waits for the lock',
      );
      await new Promise((r) => setTimeout(r, 500));
      loading = false;
      await stopGateway(gateway!, 'SIGKILL');
      await locker.query('ROLLBACK');
      await Promise.all(load);
      // Every acknowledged call's record is in PostgreSQL, before any restart.
      const { rows } = await db.query<{ request_id: string }>(
        'SELECT request_id FROM rdx_audit_records WHERE log = $1 AND request_id = ANY($2)',
        [GATEWAY_ID, acknowledged],
      );
      expect(rows.length, `of ${acknowledged.length} acknowledged calls, those with a record`).to.equal(
        acknowledged.length,
      );
    } finally {
      loading = false;
      await locker.end();
      await db.end();
    }

    gateway = await start();
    token = await tokenFor(gateway.url, aa.creditCode, aa.privateKeyPem);
    const anchorsChecked = new Set<number>();
    for (const requestId of acknowledged) {
      let receipt: Record<string, unknown> = {};
      await eventually(
        async () => {
          const r = await getJson(`${gateway!.url}/v1/audit/receipts/${requestId}`, token);
          receipt = r.body;
          return r.status === 200;
        },
        60_000,
        `the receipt of ${requestId}`,
      );
      const { hash, ...unhashed } = receipt.record as Record<string, unknown> & { hash: string };
      const proof = receipt.proof as { leafIndex: number; treeSize: number; hashes: string[] };
      const anchor = receipt.anchor as { sequence: number; merkleRoot: string };
      expect(leafHash(canonicalJson(unhashed)), 'the record hashes to its leaf').to.equal(hash);
      expect(
        verifyInclusion(hash, proof.leafIndex, proof.treeSize, proof.hashes, anchor.merkleRoot),
        `${requestId}'s inclusion proof`,
      ).to.equal(true);
      if (anchorsChecked.has(anchor.sequence)) continue;
      const onLedger = (await evaluate(
        p!.regulator,
        'audit',
        'GetAnchor',
        GATEWAY_ID,
        String(anchor.sequence),
      )) as {
        merkleRoot: string;
      };
      expect(onLedger.merkleRoot, `anchor ${anchor.sequence} on the ledger`).to.equal(anchor.merkleRoot);
      anchorsChecked.add(anchor.sequence);
    }
  });
});
