/**
 * Where the tooling finds the vendored Fabric source when FABRIC_SRC is unset: beside the repository, or beside
 * the repository a clone was made from — a fresh clone in a temporary folder must find it as CI's does.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  commandForThisNetwork,
  loadConfig,
  sharedFabricSource,
  startForThisNetwork,
} from './config.js';

describe('the shared Fabric source archive', () => {
  let base: string;
  let archive: string;
  const git = (cwd: string, ...args: string[]): void =>
    void execFileSync('git', args, { cwd, stdio: 'ignore' });
  before(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-shared-'));
    archive = path.join(base, 'work', 'shared', 'fabric', 'fabric-3.1.5-src.tar.xz');
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    fs.writeFileSync(archive, '');
    const main = path.join(base, 'work', 'main');
    fs.mkdirSync(main);
    git(main, 'init', '-q');
    git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x');
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('is found beside the repository', () => {
    expect(sharedFabricSource(path.join(base, 'work', 'main'))).to.equal(archive);
  });

  it('is found from a clone elsewhere, and from a clone of that clone, through their origins', () => {
    const clone = path.join(base, 'tmp', 'clone');
    fs.mkdirSync(path.dirname(clone), { recursive: true });
    git(base, 'clone', '-q', path.join(base, 'work', 'main', '.'), clone);
    expect(sharedFabricSource(clone)).to.equal(archive);
    const second = path.join(base, 'tmp2', 'clone');
    fs.mkdirSync(path.dirname(second), { recursive: true });
    git(base, 'clone', '-q', clone, second);
    expect(sharedFabricSource(second)).to.equal(archive);
  });

  it('is not found where nothing leads to it', () => {
    const lone = path.join(base, 'lone');
    fs.mkdirSync(lone);
    git(lone, 'init', '-q');
    expect(sharedFabricSource(lone)).to.equal(undefined);
  });
});

describe('the ordering a network was created with', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-home-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const recordBft = (): void =>
    fs.writeFileSync(path.join(home, 'state.json'), JSON.stringify({ phases: ['crypto'], consensus: 'bft' }));

  it('is Raft for a new network unless RDX_CONSENSUS says bft', () => {
    expect(loadConfig({ RDX_HOME: home }).consensus).to.equal('raft');
    expect(loadConfig({ RDX_HOME: home, RDX_CONSENSUS: 'bft' }).consensus).to.equal('bft');
    expect(() => loadConfig({ RDX_HOME: home, RDX_CONSENSUS: 'pbft' })).to.throw(ConfigError, /raft or bft/);
  });

  it('is kept by later commands run without RDX_CONSENSUS (npm stop must stop all four consenters)', () => {
    recordBft();
    expect(loadConfig({ RDX_HOME: home }).consensus).to.equal('bft');
    expect(loadConfig({ RDX_HOME: home, RDX_CONSENSUS: 'bft' }).consensus).to.equal('bft');
  });

  it('cannot be switched by the environment on an existing network', () => {
    recordBft();
    expect(() => loadConfig({ RDX_HOME: home, RDX_CONSENSUS: 'raft' })).to.throw(
      ConfigError,
      /created with bft ordering; RDX_CONSENSUS=raft does not match/,
    );
  });
});

describe('the commands a start tells its operator to run in another shell', () => {
  it('are the plain commands for the default network', () => {
    expect(commandForThisNetwork('npm stop', { HOME: '/root', RDX_CACHE: '/tmp/c' })).to.equal('npm stop');
  });

  it("carry a second network's home and ports, so npm stop does not stop the first", () => {
    const bench = {
      RDX_HOME: '/tmp/rdx-bench',
      RDX_BASE_PORT: '9000',
      RDX_GATEWAY_PORT: '3200',
      FABRIC_SRC: '/x',
    };
    expect(commandForThisNetwork('npm stop', bench)).to.equal(
      'RDX_HOME=/tmp/rdx-bench RDX_BASE_PORT=9000 RDX_GATEWAY_PORT=3200 npm stop',
    );
  });

  it("carry into a start that resumes the nodes' settings: its peers keep the time window the others run with", () => {
    const e2e = {
      RDX_HOME: '/tmp/rdx-e2e',
      RDX_PEER_TIME_WINDOW: '72h',
      RDX_FABRIC_LOGGING_SPEC: 'info:gossip=debug',
      RDX_BATCH_TIMEOUT: '2s',
      RDX_CACHE: '/tmp/c',
      RDX_CLIENT_SECRET: 'not to be echoed',
    };
    expect(startForThisNetwork(e2e)).to.equal(
      'RDX_HOME=/tmp/rdx-e2e RDX_PEER_TIME_WINDOW=72h RDX_FABRIC_LOGGING_SPEC=info:gossip=debug RDX_BATCH_TIMEOUT=2s npm start',
    );
    expect(startForThisNetwork({ HOME: '/root' })).to.equal('npm start');
    // Which network a stop acts on is all it needs.
    expect(commandForThisNetwork('npm stop', e2e)).to.equal('RDX_HOME=/tmp/rdx-e2e npm stop');
  });

  it('quote a value so that a shell gives back exactly what was set', () => {
    const home = "/tmp/丽水 data/it's $HOME";
    const orgHosts = 'BureauMSP=10.0.0.2,MarketMSP=10.0.0.3';
    const line = commandForThisNetwork('printenv RDX_HOME RDX_ORG_HOSTS', {
      RDX_HOME: home,
      RDX_ORG_HOSTS: orgHosts,
    });
    expect(
      execFileSync('sh', ['-c', line], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ).to.equal(`${home}\n${orgHosts}\n`);
  });
});
