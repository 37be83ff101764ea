/**
 * Ctrl-C while an org's first init enrols its identities with its CA (a host of its own: `rdx-network org init`, a
 * fresh home and port block, the real Fabric CA): the init says it was interrupted and how to go on, exits 130,
 * and the same command run again completes it, with the org's definition exported as from an init never stopped.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, nodesOf, pathsFor, runningPid, stopDaemon, topologyFor } from '@rdx/network';
import { networkCli } from '../fabric-client.js';

/** A port block of its own, clear of the platform's (7000–7200), the multi-host test's and the gateway CA test's. */
const BASE_PORT = 7800;

describe('an org init interrupted (Ctrl-C) while its CA enrols its identities', function () {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-org-init-'));
  const env = { ...process.env, RDX_HOME: home, RDX_BASE_PORT: String(BASE_PORT) };
  const config = loadConfig(env);
  const paths = pathsFor(config);
  const caNode = nodesOf(topologyFor(config), 'ca', 'BureauMSP')[0]!;
  after(async () => {
    await stopDaemon(paths, caNode.name);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('says how to go on, exits 130, and the same init then completes', async () => {
    const init = spawn(process.execPath, [networkCli, 'org', 'init', '--org', 'BureauMSP'], { env });
    let said = '';
    init.stdout.on('data', (d: Buffer) => (said += d.toString()));
    init.stderr.on('data', (d: Buffer) => (said += d.toString()));
    const exited = new Promise<number | null>((resolve) => init.on('exit', (code) => resolve(code)));
    // Interrupted once its CA runs: the enrolment of the org's identities, seconds of work, is under way.
    const deadline = Date.now() + 120_000;
    while (runningPid(paths, caNode.name) === undefined) {
      expect(Date.now(), `the CA started: ${said}`).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
    init.kill('SIGINT');
    expect(await exited, said).to.equal(130);
    expect(said).not.to.include('Initialised');
    expect(said).to.include(
      `org init interrupted (Ctrl-C). What it made is kept: RDX_HOME=${home} RDX_BASE_PORT=${BASE_PORT} rdx-network org init --org BureauMSP goes on from here.`,
    );

    const again = spawnSync(process.execPath, [networkCli, 'org', 'init', '--org', 'BureauMSP'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(again.status, again.stdout + again.stderr).to.equal(0);
    expect(again.stdout).to.include('Initialised.');
    const exported = JSON.parse(fs.readFileSync(path.join(home, 'export', 'BureauMSP.org.json'), 'utf8')) as {
      mspId?: string;
      rootCertPem?: string;
    };
    expect(exported.mspId).to.equal('BureauMSP');
    expect(exported.rootCertPem).to.equal(fs.readFileSync(paths.caCert('bureau'), 'utf8'));
  });
});
