import { expect } from 'chai';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFabricBinaries, FABRIC_COMMANDS, CA_COMMANDS } from './fabric-binaries.js';
import { checkFabricTree, openFabricSource } from './fabric-source.js';
import { FabricBinariesError } from './go-toolchain.js';

// These tests stand in a fake `go` and fake binaries (shell scripts that print a version) so the lookup order
// and the cache's completion run in milliseconds; the real build from the vendored Fabric archive runs in CI on
// every fresh machine, where the cache is empty.

let tmp: string;
const savedPath = process.env.PATH;

describe('Fabric binaries', () => {
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-bin-test-'));
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function fakeBinary(dir: string, name: string, version: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name}:"\necho " Version: ${version}"\n`, {
      mode: 0o755,
    });
  }

  function fakeSampleconfig(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'core.yaml'), 'peer: {}\n');
    fs.writeFileSync(path.join(dir, 'orderer.yaml'), 'General: {}\n');
  }

  /** A Fabric-looking source tree: go.mod of the module, cmd/, vendor/, sampleconfig/, the Makefile's version. */
  function fakeFabricTree(
    dir: string,
    opts: { module?: string; version?: string; omit?: string } = {},
  ): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'go.mod'),
      `module ${opts.module ?? 'github.com/hyperledger/fabric'}\n\ngo 1.26\n`,
    );
    fs.writeFileSync(path.join(dir, 'Makefile'), `FABRIC_VER ?= ${opts.version ?? '3.1.5'}\n`);
    for (const sub of ['cmd/peer', 'cmd/orderer', 'vendor']) {
      if (sub !== opts.omit) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    }
    if (opts.omit !== 'vendor') fs.writeFileSync(path.join(dir, 'vendor', 'modules.txt'), '');
    if (opts.omit !== 'sampleconfig') fakeSampleconfig(path.join(dir, 'sampleconfig'));
  }

  /**
   * A `go` that records its arguments and, for `install`, writes a fake binary per `./cmd/<name>` into GOBIN;
   * `mod download` answers as the proxy does for a module it serves (Fabric CA) or refuses (Fabric).
   */
  function fakeGo(dir: string, log: string, caDir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const script = `#!/bin/sh
echo "$@" >> ${log}
case "$1" in
  install)
    for a in "$@"; do
      case "$a" in ./cmd/*) n=\${a#./cmd/}
        v=3.1.5; case "$n" in fabric-ca-*) v=1.5.21;; esac
        printf '#!/bin/sh\\necho " Version: %s"\\n' "$v" > "$GOBIN/$n"; chmod +x "$GOBIN/$n";;
      esac
    done;;
  mod)
    case "$4" in
      github.com/hyperledger/fabric-ca@*) echo '{"Dir": "${caDir}"}';;
      *) echo '{"Error": "403 Forbidden"}'; exit 1;;
    esac;;
esac
`;
    fs.writeFileSync(path.join(dir, 'go'), script, { mode: 0o755 });
  }

  function useFakeGo(): string {
    const log = path.join(tmp, 'go.log');
    const caDir = path.join(tmp, 'fabric-ca-module');
    fs.mkdirSync(caDir, { recursive: true });
    fakeGo(path.join(tmp, 'gobin'), log, caDir);
    // Only the fake go and the shell's own tools: no real Fabric binary on PATH can be picked up.
    process.env.PATH = `${path.join(tmp, 'gobin')}:/usr/bin:/bin`;
    return log;
  }

  function makeArchive(tree: string, archive: string): void {
    execFileSync('tar', ['-c', '-z', '-f', archive, '-C', path.dirname(tree), path.basename(tree)]);
  }

  function sha256(file: string): string {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }

  it('FABRIC_BIN is used first and must be Fabric 3.1.5', async () => {
    const bin = path.join(tmp, 'release', 'bin');
    for (const n of [...FABRIC_COMMANDS, ...CA_COMMANDS])
      fakeBinary(bin, n, n.startsWith('fabric-ca') ? 'v1.5.21' : '3.1.5');
    fakeSampleconfig(path.join(tmp, 'release', 'config'));
    useFakeGo();
    const install = await ensureFabricBinaries(
      { fabricBin: bin, cacheDir: path.join(tmp, 'cache') },
      () => undefined,
    );
    expect(install.bin.peer).to.equal(path.join(bin, 'peer'));
    expect(install.bin['fabric-ca-server']).to.equal(path.join(bin, 'fabric-ca-server'));
    expect(install.configDir).to.equal(path.join(bin, '..', 'config'));

    fakeBinary(bin, 'peer', '2.5.9');
    await expect(
      ensureFabricBinaries({ fabricBin: bin, cacheDir: path.join(tmp, 'cache') }, () => undefined),
    ).to.be.rejectedWith(FabricBinariesError, /holds Fabric 2\.5\.9.*v3\.1\.5/);
  });

  it('binaries on PATH of another version are passed over, with a note', async () => {
    const log = useFakeGo();
    const other = path.join(tmp, 'other-bin');
    for (const n of FABRIC_COMMANDS) fakeBinary(other, n, '2.5.9');
    process.env.PATH = `${other}:${process.env.PATH}`;
    const notes: string[] = [];
    const src = path.join(tmp, 'src');
    fakeFabricTree(src);
    const install = await ensureFabricBinaries({ fabricSrc: src, cacheDir: path.join(tmp, 'cache') }, (l) =>
      notes.push(l),
    );
    expect(notes.join('\n')).to.match(/peer on PATH is version 2\.5\.9, not 3\.1\.5: not used/);
    expect(install.bin.peer).to.equal(path.join(tmp, 'cache', 'fabric-3.1.5', 'bin', 'peer'));
    expect(fs.readFileSync(log, 'utf8')).to.match(/install -mod=vendor -ldflags/);
  });

  it('from FABRIC_SRC every command and sampleconfig/ land in the versioned cache; a lacking command is completed alone', async () => {
    const log = useFakeGo();
    const src = path.join(tmp, 'src');
    fakeFabricTree(src);
    const cacheDir = path.join(tmp, 'cache');
    const install = await ensureFabricBinaries({ fabricSrc: src, cacheDir }, () => undefined);
    for (const n of FABRIC_COMMANDS)
      expect(path.join(cacheDir, 'fabric-3.1.5', 'bin', n)).to.satisfy(fs.existsSync);
    for (const n of CA_COMMANDS)
      expect(path.join(cacheDir, 'fabric-ca-1.5.21', 'bin', n)).to.satisfy(fs.existsSync);
    expect(install.configDir).to.equal(path.join(cacheDir, 'fabric-3.1.5', 'config'));
    expect(path.join(install.configDir, 'core.yaml')).to.satisfy(fs.existsSync);

    fs.rmSync(path.join(cacheDir, 'fabric-3.1.5', 'bin', 'osnadmin'));
    fs.writeFileSync(log, '');
    await ensureFabricBinaries({ fabricSrc: src, cacheDir }, () => undefined);
    const installs = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('install'));
    expect(installs).to.have.length(1);
    expect(installs[0]).to.match(/\.\/cmd\/osnadmin$/);
    expect(installs[0]).not.to.match(/cmd\/peer/);

    // complete cache: nothing is built
    fs.writeFileSync(log, '');
    await ensureFabricBinaries({ fabricSrc: src, cacheDir }, () => undefined);
    expect(fs.readFileSync(log, 'utf8')).not.to.match(/^install/m);
  });

  it('a cache folder holding another version is rebuilt, never used', async () => {
    useFakeGo();
    const src = path.join(tmp, 'src');
    fakeFabricTree(src);
    const cacheDir = path.join(tmp, 'cache');
    const binDir = path.join(cacheDir, 'fabric-3.1.5', 'bin');
    for (const n of FABRIC_COMMANDS) fakeBinary(binDir, n, '2.5.9');
    const install = await ensureFabricBinaries({ fabricSrc: src, cacheDir }, () => undefined);
    expect(execFileSync(install.bin.orderer, ['version']).toString()).to.match(/Version: 3\.1\.5/);
  });

  it('without FABRIC_SRC a proxy that refuses Fabric gives a message naming both ways out', async () => {
    useFakeGo();
    const err = await ensureFabricBinaries({ cacheDir: path.join(tmp, 'cache') }, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FabricBinariesError);
    expect((err as Error).message)
      .to.match(/did not serve github\.com\/hyperledger\/fabric@86c1172b/)
      .and.to.match(/FABRIC_SRC/)
      .and.to.match(/FABRIC_BIN/);
  });

  it('a tree that is not Fabric 3.1.5 is refused with what is wrong', () => {
    const cases: Array<[Parameters<typeof fakeFabricTree>[1], RegExp]> = [
      [
        { module: 'github.com/hyperledger/fabric-ca' },
        /module github\.com\/hyperledger\/fabric-ca, not github\.com\/hyperledger\/fabric/,
      ],
      [{ omit: 'cmd/peer' }, /cmd\/peer\/ is missing/],
      [{ omit: 'vendor' }, /vendor\/ is missing/],
      [{ version: '2.5.9' }, /Fabric 2\.5\.9 .*v3\.1\.5/],
    ];
    cases.forEach(([opts, message], i) => {
      const dir = path.join(tmp, `tree${i}`);
      fakeFabricTree(dir, opts);
      expect(() => checkFabricTree(dir, 'FABRIC_SRC')).to.throw(FabricBinariesError, message);
    });
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(() => checkFabricTree(path.join(tmp, 'empty'), 'FABRIC_SRC')).to.throw(/no go\.mod/);
  });

  it('an archive is checked against its .sha256 before anything is extracted', async () => {
    const tree = path.join(tmp, 'fabric-3.1.5');
    fakeFabricTree(tree);
    const archive = path.join(tmp, 'fabric-3.1.5-src.tar.gz');
    makeArchive(tree, archive);
    const work = path.join(tmp, 'work');

    fs.writeFileSync(`${archive}.sha256`, `${'0'.repeat(64)}  fabric-3.1.5-src.tar.gz\n`);
    await expect(openFabricSource(archive, work, () => undefined)).to.be.rejectedWith(
      /does not match .*nothing was extracted/,
    );
    expect(fs.existsSync(work) ? fs.readdirSync(work) : []).to.deep.equal([]);

    fs.writeFileSync(`${archive}.sha256`, `${sha256(archive)}  fabric-3.1.5-src.tar.gz\n`);
    const opened = await openFabricSource(archive, work, () => undefined);
    expect(path.join(opened.dir, 'cmd', 'peer')).to.satisfy(fs.existsSync);
    opened.dispose();
    expect(fs.existsSync(opened.dir)).to.equal(false);
  });

  it('an archive that is not a tarball, or a path that does not exist, is refused', async () => {
    const zip = path.join(tmp, 'fabric.zip');
    fs.writeFileSync(zip, 'PK');
    await expect(openFabricSource(zip, tmp, () => undefined)).to.be.rejectedWith(
      /not a folder, \.tar\.xz or \.tar\.gz/,
    );
    await expect(openFabricSource(path.join(tmp, 'nope'), tmp, () => undefined)).to.be.rejectedWith(
      /no such file or folder/,
    );
  });
});
