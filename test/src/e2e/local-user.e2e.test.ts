/**
 * What another user on the platform's host can get, tried as that user would: the command lines of every
 * process (world-readable in /proc), every log, and every file under RDX_HOME. None of them may give away a
 * secret, a key, restricted rows or a client secret hash. And what such a user can do to the services every user
 * of the host reaches on loopback: a node's operations endpoint, an org's CA.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { certificateRequest } from '@rdx/client/testing/openssl';
import {
  clerkOpsHeaders,
  gatewayDataDir,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  nodesOf,
  operationsGet,
} from '@rdx/network';
import { metricsTokenFile } from '@rdx/gateway';
import { paths, topology } from '../fabric-client.js';

/** Every file under `dir` (symbolic links not followed). */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    out.push(p);
    if (entry.isDirectory()) walk(p, out);
  }
  return out;
}

/** The secrets a run has made: every value of every org's secrets.json, and the demo's credentials and keys. */
function knownSecrets(): string[] {
  const secrets = new Set<string>();
  const orgs = path.join(paths.home, 'orgs');
  for (const org of fs.readdirSync(orgs)) {
    const file = path.join(orgs, org, 'secrets.json');
    if (!fs.existsSync(file)) continue;
    for (const v of Object.values(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>))
      secrets.add(v);
  }
  const demo = path.join(paths.home, 'demo');
  for (const name of fs.readdirSync(demo)) {
    const text = fs.readFileSync(path.join(demo, name), 'utf8');
    if (name.endsWith('.json')) {
      JSON.stringify(JSON.parse(text), (key, value: unknown) => {
        if (typeof value === 'string' && /secret|password/i.test(key)) secrets.add(value);
        return value;
      });
    } else if (name.endsWith('.pem')) {
      // The key's base64 body, the part that would show in a log however it was wrapped.
      const body = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      secrets.add(body.slice(0, 40));
    }
  }
  return [...secrets].filter((s) => s.length >= 8);
}

/** Pids of the daemons the platform recorded, and of every process in their process groups. */
function platformProcesses(): { pid: number; cmdline: string }[] {
  const leaders = new Set(
    fs
      .readdirSync(paths.runDir())
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(fs.readFileSync(path.join(paths.runDir(), f), 'utf8').trim())),
  );
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (!leaders.has(pgid) && !leaders.has(Number(entry))) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      out.push({ pid: Number(entry), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('what another local user can read', () => {
  it('no secret is on the command line of any process the platform started', () => {
    const secrets = knownSecrets();
    expect(secrets.length, 'secrets found to look for').to.be.above(10);
    const processes = platformProcesses();
    expect(processes.length, 'platform processes found').to.be.above(10);
    for (const { pid, cmdline } of processes) {
      for (const secret of secrets) {
        expect(cmdline.includes(secret), `process ${pid} (${cmdline.slice(0, 80)}…) shows a secret`).to.equal(
          false,
        );
      }
    }
  });

  it('no secret is in any log', () => {
    const secrets = knownSecrets();
    const logs = walk(path.dirname(paths.log('x'))).filter((f) => fs.statSync(f).isFile());
    expect(logs.length).to.be.above(10);
    for (const log of logs) {
      const text = fs.readFileSync(log, 'utf8');
      for (const secret of secrets) {
        expect(text.includes(secret), `${path.relative(paths.home, log)} holds a secret`).to.equal(false);
      }
    }
  });

  it('every folder under RDX_HOME is 0700 and every file 0600 or stricter (owner only)', () => {
    const open = [paths.home, ...walk(paths.home)]
      .map((p) => ({ p, st: fs.lstatSync(p) }))
      .filter(({ st }) => !st.isSymbolicLink() && (st.mode & 0o077) !== 0)
      .map(({ p, st }) => `${(st.mode & 0o777).toString(8)} ${path.relative(paths.home, p)}`);
    expect(open, 'entries that group or others may access').to.deep.equal([]);
  });

  it('another user cannot read the gateway’s stores, an org’s secrets or a private key', function () {
    if (process.getuid?.() !== 0) {
      console.log('      (skipped: only root can act as another user here)');
      this.skip();
    }
    const targets = [
      path.join(paths.home, 'gateway', 'gw1', 'datasets.db'),
      path.join(paths.home, 'gateway', 'gw1', 'clients.db'),
      path.join(paths.home, 'orgs', 'bureau', 'secrets.json'),
      path.join(paths.home, 'orgs', 'market', 'identities', 'admin', 'msp', 'keystore', 'key.pem'),
    ];
    for (const file of targets) {
      expect(fs.existsSync(file), file).to.equal(true);
      const read = spawnSync('runuser', ['-u', 'nobody', '--', 'cat', file], { encoding: 'utf8' });
      expect(read.status, `nobody read ${file}`).not.to.equal(0);
      expect(read.stderr).to.match(/Permission denied/);
    }
  });
});

/** Skips `test` unless this process is root, which alone can act as another user here. */
function asAnotherUser(test: Mocha.Context): void {
  if (process.getuid?.() === 0) return;
  console.log('      (skipped: only root can act as another user here)');
  test.skip();
}

/** `curl` run as another user of the host (nobody): the HTTP status it got (0 for none) and the body. */
function curlAsNobody(...args: string[]): { status: number; body: string } {
  const out = spawnSync(
    'runuser',
    ['-u', 'nobody', '--', 'curl', '-s', '-m', '10', '-w', '\\n%{http_code}', ...args],
    {
      encoding: 'utf8',
    },
  ).stdout;
  const end = out.lastIndexOf('\n');
  return { status: Number(out.slice(end + 1)) || 0, body: out.slice(0, end) };
}

describe('what another local user can do to the services on loopback', () => {
  it('a node’s operations endpoint: its health it may read; its log level it cannot set, nor read its metrics', async function () {
    asAnotherUser(this);
    for (const node of [...nodesOf(topology, 'peer'), ...nodesOf(topology, 'orderer')]) {
      const ops = `127.0.0.1:${node.opsPort}`;
      const setLevel = ['-X', 'PUT', '--data', '{"spec":"fatal"}'];
      expect(
        curlAsNobody('-k', ...setLevel, `https://${ops}/logspec`).status,
        `${node.name} PUT /logspec`,
      ).to.equal(401);
      expect(
        curlAsNobody(...setLevel, `http://${ops}/logspec`).status,
        `${node.name} plain HTTP`,
      ).not.to.equal(204);
      expect(curlAsNobody('-k', `https://${ops}/metrics`).status, `${node.name} /metrics`).to.equal(401);
      expect(curlAsNobody('-k', `https://${ops}/healthz`).status, `${node.name} /healthz`).to.equal(200);
      // The platform's own tooling, with the node's pair, still reads it; the level is the one it was started with.
      const level = await operationsGet(paths, topology, node, '/logspec');
      expect(level?.status, `${node.name} /logspec for the tooling`).to.equal(200);
      expect(level?.body).not.to.include('fatal');
    }
  });

  it('a CA’s operations endpoint: its health it may read, and it serves no metrics', function () {
    asAnotherUser(this);
    for (const ca of nodesOf(topology, 'ca')) {
      expect(curlAsNobody(`http://127.0.0.1:${ca.opsPort}/healthz`).status, `${ca.name} /healthz`).to.equal(
        200,
      );
      expect(curlAsNobody(`http://127.0.0.1:${ca.opsPort}/metrics`).status, `${ca.name} /metrics`).to.equal(
        404,
      );
    }
  });

  it('the gateway’s metrics and the clerk’s status and metrics: 401 without the token only the platform’s user reads; health it may read', async function () {
    asAnotherUser(this);
    const metrics = `${gatewayMetricsUrl({ topology })}/metrics`;
    const clerk = `http://${topology.clerk.host}:${topology.clerk.port}`;
    for (const url of [metrics, `${clerk}/status`, `${clerk}/metrics`]) {
      const tried = curlAsNobody(url);
      expect(tried.status, url).to.equal(401);
      expect(tried.body, url).not.to.match(/rdx_|lastRound|peer0/);
    }
    // Nor can it read the token: the files are the platform user's alone.
    for (const file of [
      metricsTokenFile(gatewayDataDir({ paths })),
      path.join(paths.home, 'clerk', 'ops.token'),
    ])
      expect(spawnSync('runuser', ['-u', 'nobody', '--', 'cat', file]).status, file).not.to.equal(0);
    expect(curlAsNobody(`${clerk}/healthz`).status).to.equal(200);
    expect(curlAsNobody(`${clerk}/readyz`).status).to.equal(200);
    // The platform's own user, showing the tokens, reads both.
    const asOwner = await fetch(metrics, { headers: gatewayMetricsHeaders({ paths }) });
    expect(asOwner.status).to.equal(200);
    expect(await asOwner.text()).to.match(/^# HELP rdx_/m);
    const status = await fetch(`${clerk}/status`, { headers: clerkOpsHeaders({ paths }) });
    expect(status.status).to.equal(200);
  });

  it('an org’s CA: wrong passwords lock no identity, so the org can still enroll it after any number of them', function () {
    asAnotherUser(this);
    const ca = topology.nodes.find((n) => n.kind === 'ca' && n.mspId === 'MarketMSP')!;
    const enroll = `https://127.0.0.1:${ca.port}/api/v1/enroll`;
    for (let i = 0; i < 12; i++) {
      const tried = curlAsNobody('-k', '-u', `reviewer:wrong-${i}`, '-X', 'POST', '--data', '{}', enroll);
      expect(tried.body, `wrong password ${i + 1}`)
        .to.include('Authentication failure')
        .and.not.include('"code":73');
    }
    // The identity's own secret still enrolls it (a new certificate beside its current one).
    const secret = (
      JSON.parse(fs.readFileSync(path.join(paths.home, 'orgs', 'market', 'secrets.json'), 'utf8')) as Record<
        string,
        string
      >
    ).reviewer!;
    const csr = certificateRequest('reviewer');
    const enrolled = spawnSync(
      'curl',
      [
        '-s',
        '-m',
        '10',
        '--cacert',
        paths.caCert('market'),
        '-u',
        `reviewer:${secret}`,
        '-X',
        'POST',
        '--data',
        JSON.stringify({ certificate_request: csr }),
        enroll,
      ],
      { encoding: 'utf8' },
    ).stdout;
    expect(enrolled).to.include('"success":true');
  });
});
