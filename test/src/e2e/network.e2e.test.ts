/**
 * End to end on the real Fabric network started by `npm start`: the path from a client through peers and
 * orderers (Raft, or SmartBFT with RDX_CONSENSUS=bft) to every org's ledger, through the gateway, and through faults and a full restart.
 * Tests in this file run in order and share the network.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { GatewayClient } from '@rdx/client';
import { errorCode } from '../errors.js';
import { defined, rejectionOf } from '../expectations.js';
import {
  gatewayUrl,
  nodesOf,
  readPid,
  startProcess,
  ensureFabricBinaries,
  peerHeight,
  seedDemo,
  processNames,
  codeId,
  CODE_ID,
  runningEnvironment,
  GATEWAY_PROCESS,
  type NetworkContext,
} from '@rdx/network';
import {
  config,
  connectAs,
  decode,
  networkCli,
  paths,
  repoRoot,
  topology,
  type Connection,
} from '../fabric-client.js';
import { eventually } from '../gateway-client-e2e.js';
import { chaincodeQuery } from '../peer-cli.js';

const execFileAsync = promisify(execFile);
const runId = crypto.randomBytes(4).toString('hex');
const gatewayClient = new GatewayClient(gatewayUrl({ topology }));
const open: Connection[] = [];
const as = (mspId: string, identity: string): Connection => {
  const c = connectAs(mspId, identity);
  open.push(c);
  return c;
};

async function install(): Promise<Awaited<ReturnType<typeof ensureFabricBinaries>>> {
  return ensureFabricBinaries(config, () => undefined);
}

describe('the Fabric network end to end: peers, orderers, the gateway, a killed orderer and a restart', () => {
  after(() => open.forEach((c) => c.close()));

  it('the gateway is ready and reports the channel height and the deployed chaincode version', async () => {
    const ready = await gatewayClient.ready();
    expect(ready.ledger.channel).to.equal('opendata');
    expect(ready.ledger.blockHeight).to.be.at.least(1);
    expect(ready.ledger.chaincode.name).to.equal('rdx');
    expect(ready.ledger.chaincode.version).to.match(/^\d+\.\d+\.\d+$/);
  });

  it("a probe submitted by one org is committed and read back from another org's peer", async () => {
    const before = (await gatewayClient.ready()).ledger.blockHeight;
    const market = as('MarketMSP', 'prober');
    const id = `e2e-${runId}-1`;
    const submitted = decode(
      await market.system.submitTransaction('RecordProbe', id, '市场监管局 probe'),
    ) as {
      recordedBy: string;
      txId: string;
    };
    expect(submitted.recordedBy).to.equal('MarketMSP');

    const transport = as('TransportMSP', 'prober');
    const read = decode(await transport.system.evaluateTransaction('ReadProbe', id)) as {
      note: string;
      txId: string;
    };
    expect(read.note).to.equal('市场监管局 probe');
    expect(read.txId).to.equal(submitted.txId);

    // The gateway sees the new block too.
    const afterHeight = (await gatewayClient.ready()).ledger.blockHeight;
    expect(afterHeight, `height ${afterHeight} should exceed ${before}`).to.be.above(before);
  });

  it('the peer CLI reads the same state directly from the bureau peer', async () => {
    const id = `e2e-${runId}-cli`;
    await as('BureauMSP', 'prober').system.submitTransaction('RecordProbe', id, 'via cli');
    const out = await chaincodeQuery(await install(), 'BureauMSP', 'BureauMSP', ['system:ReadProbe', id]);
    const lastLine = out.trim().split('\n').pop()!;
    expect((JSON.parse(lastLine) as { note: string }).note).to.equal('via cli');
  });

  it('a rejected transaction leaves no state: a probe id cannot be rewritten', async () => {
    const id = `e2e-${runId}-dup`;
    const bureau = as('BureauMSP', 'prober');
    await bureau.system.submitTransaction('RecordProbe', id, 'first');
    const err = (await rejectionOf(bureau.system.submitTransaction('RecordProbe', id, 'second'))) as Error & {
      details?: { message: string }[];
    };
    expect(JSON.stringify(err.details ?? err.message)).to.include('[ALREADY_EXISTS]');
    const read = decode(await as('MarketMSP', 'prober').system.evaluateTransaction('ReadProbe', id)) as {
      note: string;
    };
    expect(read.note).to.equal('first');
  });

  /**
   * Submits a probe the way a client rides out an ordering-service fault: it retries until committed (an earlier
   * attempt that committed late shows up as ALREADY_EXISTS) and fails only when `withinMs` has passed.
   */
  async function commitProbe(conn: Connection, id: string, note: string, withinMs = 30_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        const tx = await conn.system.submitAsync('RecordProbe', { arguments: [id, note] });
        const status = await tx.getStatus({ deadline: Date.now() + 10_000 });
        if (status.successful) return;
        throw new Error(`probe ${id} committed invalid (code ${status.code})`);
      } catch (err) {
        if (errorCode(err) === 'ALREADY_EXISTS') return;
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  it('with one orderer killed (-9), a transaction still commits on every peer', async () => {
    // Start from a cluster that orders (earlier test files kill and restart orderers too).
    await commitProbe(as('TransportMSP', 'prober'), `e2e-${runId}-warmup`, 'cluster ready', 60_000);
    const victim = nodesOf(topology, 'orderer')[0]!;
    const pid = defined(readPid(paths, victim.name), `${victim.name} should be running`);
    process.kill(pid, 'SIGKILL');
    try {
      const id = `e2e-${runId}-orderer-down`;
      await commitProbe(as('TransportMSP', 'prober'), id, 'one orderer down');
      // Committed on Transport's peer; the others receive the block from the remaining orderers shortly.
      for (const mspId of ['BureauMSP', 'MarketMSP', 'TransportMSP']) {
        const deadline = Date.now() + 15_000;
        let note: string | undefined;
        while (note === undefined) {
          try {
            note = (
              decode(await as(mspId, 'prober').system.evaluateTransaction('ReadProbe', id)) as {
                note: string;
              }
            ).note;
          } catch (err) {
            if (Date.now() > deadline) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
        expect(note, `${mspId} sees the probe`).to.equal('one orderer down');
      }
    } finally {
      // Bring it back the way the tooling would, so later tests have the full cluster.
      await startProcess({ config, paths, topology, install: await install(), log: () => undefined }, victim);
    }
  });

  it('after npm stop and npm start, the ledger state survived and every peer is at the same height', async () => {
    const id = `e2e-${runId}-restart`;
    await commitProbe(as('MarketMSP', 'prober'), id, 'before restart', 60_000);
    open.splice(0).forEach((c) => c.close());

    await execFileAsync(process.execPath, [networkCli, 'stop'], { timeout: 120_000 });
    expect(await gatewayClient.alive(), 'the gateway is down after npm stop').to.equal(false);
    await execFileAsync(process.execPath, [networkCli, 'start', '--detach'], { timeout: 300_000 });
    // Ready means writable: the start overlaps the orderers' leader election with its checks, but says Ready
    // only after it, and after the peers found each other (another org endorses this probe).
    // One attempt, no retry: a refusal here ("no Raft leader", no endorser found) is the failure.
    const first = await as('TransportMSP', 'prober').system.submitAsync('RecordProbe', {
      arguments: [`${id}-after`, 'right after the start'],
    });
    expect((await first.getStatus()).successful, 'the first write after Ready commits').to.equal(true);

    const read = decode(await as('BureauMSP', 'prober').system.evaluateTransaction('ReadProbe', id)) as {
      note: string;
    };
    expect(read.note).to.equal('before restart');
    const ctx = { config, paths, topology, install: await install(), log: () => undefined };
    const heights = await Promise.all(nodesOf(topology, 'peer').map((p) => peerHeight(ctx, p)));
    expect(heights[0], `peer heights ${heights.join(', ')}`).not.to.equal(undefined);
    for (const h of heights) expect(h, `peer heights ${heights.join(', ')}`).to.equal(heights[0]);
    expect((await gatewayClient.ready()).ledger.blockHeight).to.be.at.least(heights[0]!);
  });

  it('after a rebuild, a start restarts only the gateway and the clerk onto the new code and replaces the supervisor, which keeps the gateway up', async function () {
    this.timeout(300_000);
    // A rebuild that changes the SDK the gateway and the clerk load (a module added to its build), and not the
    // chaincode: nothing else loads it.
    const added = path.join(repoRoot, 'client', 'dist', `e2e-rebuild-${runId}.js`);
    const pids = (): Record<string, number | undefined> =>
      Object.fromEntries(
        [...processNames({ topology } as NetworkContext), 'supervisor'].map((n) => [n, readPid(paths, n)]),
      );
    const before = pids();
    fs.writeFileSync(added, `'use strict';\n// ${runId}\n`);
    try {
      const { stdout } = await execFileAsync(process.execPath, [networkCli, 'start', '--detach'], {
        timeout: 300_000,
      });
      // The gateway and the clerk restart side by side: either may be logged first.
      expect(
        stdout
          .split('\n')
          .filter((l) => / restart |^Replacing /.test(l))
          .sort(),
      ).to.deep.equal([
        "  restart clerk: it runs otherwise than this release starts it (its code is not this build's)",
        "  restart gateway: it runs otherwise than this release starts it (its code is not this build's)",
        `Replacing the supervisor (pid ${before.supervisor}): its code is not this build's.`,
      ]);
      const after = pids();
      for (const [name, pid] of Object.entries(before)) {
        if (['gateway', 'clerk', 'supervisor'].includes(name)) expect(after[name], name).not.to.equal(pid);
        else expect(after[name], `${name} left be`).to.equal(pid);
      }
      expect(fs.readFileSync(paths.log('supervisor'), 'utf8')).to.include(
        'replaced by the supervisor of another build; every process runs on',
      );
      // The chaincode servers, left be, carry the digest of the chaincode's code as this build has it.
      for (const server of nodesOf(topology, 'chaincode'))
        expect(runningEnvironment(after[server.name]!)?.get(CODE_ID), server.name).to.equal(
          codeId(repoRoot, 'chaincode'),
        );
      // One supervisor at a time: a start now leaves the new one be, and says which it is.
      const again = await execFileAsync(process.execPath, [networkCli, 'start', '--detach'], {
        timeout: 300_000,
      });
      expect(again.stdout).to.include(`Running in the background, supervised by pid ${after.supervisor}.`);
      expect(again.stdout).not.to.match(/ restart |^Replacing /m);
      expect(readPid(paths, 'supervisor')).to.equal(after.supervisor);
      // The new supervisor keeps the gateway up.
      process.kill(after.gateway!, 'SIGKILL');
      await eventually(
        async () => {
          const now = readPid(paths, GATEWAY_PROCESS);
          return now !== undefined && now !== after.gateway && (await gatewayClient.alive());
        },
        60_000,
        'the new supervisor restarted the gateway',
      );
    } finally {
      fs.rmSync(added, { force: true });
      // Back on the build the other tests run: the same three are restarted again.
      await execFileAsync(process.execPath, [networkCli, 'start', '--detach'], { timeout: 300_000 });
    }
  });

  it("a start's check of the seeded demo data sends no write, so it does not wait for the ordering service", async () => {
    // A start checks the demo while a restarted Raft cluster may still be electing its leader: its writes wait for
    // that, its reads do not. On a platform already seeded nothing is missing, so with writes that can never be
    // sent it must still finish, and say it added nothing.
    const said: string[] = [];
    const ctx = { config, paths, topology, install: await install(), log: (line: string) => said.push(line) };
    const never = new Promise<never>(() => undefined);
    const checked = seedDemo(ctx, never).then(() => 'finished');
    const outcome = await Promise.race([checked, sleep(120_000, 'still waiting', { ref: false })]);
    expect(outcome, 'the check waited for a write').to.equal('finished');
    expect(said, 'the check added something to a seeded platform').to.deep.equal([]);
  });
});
