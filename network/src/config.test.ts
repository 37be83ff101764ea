/**
 * Where the tooling finds the vendored Fabric source when FABRIC_SRC is unset: beside the repository, or beside
 * the repository a clone was made from — a fresh clone in a temporary folder must find it as CI's does.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, sharedFabricSource } from './config.js';

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
