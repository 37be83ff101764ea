import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFabricBinaries } from './binaries/fabric-binaries.js';
import { unsafeFolderReason } from './home-permissions.js';
import type { NetworkContext } from './context.js';
import { up } from './platform.js';

describe('folders for keys, secrets and binaries', () => {
  let scratch = '';
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-folders-'));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('a folder of its own, one not made yet, or one under /tmp (sticky) is fine', () => {
    expect(unsafeFolderReason(scratch)).to.equal(undefined);
    expect(unsafeFolderReason(path.join(scratch, 'not', 'yet'))).to.equal(undefined);
  });

  it('a folder anyone may write, or one below it, is refused, naming it', () => {
    const open = path.join(scratch, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    expect(unsafeFolderReason(path.join(open, '.cache', 'rdx'))).to.equal(
      `anyone may write ${open} (mode 777)`,
    );
    fs.chmodSync(open, 0o1777);
    expect(unsafeFolderReason(path.join(open, '.cache', 'rdx')), 'with the sticky bit').to.equal(undefined);
  });

  it('a folder a group not the user’s own may write is refused; the user’s own group may', function () {
    // Only root can give a folder to another group.
    if (process.getuid?.() !== 0) this.skip();
    const shared = path.join(scratch, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o775);
    expect(unsafeFolderReason(shared)).to.equal(undefined);
    fs.chownSync(shared, 0, 65534);
    expect(unsafeFolderReason(path.join(shared, 'rdx'))).to.equal(
      `group 65534 may write ${shared} (mode 775)`,
    );
  });

  it('a folder another user made first is refused, through a link too', function () {
    // Only root can give a folder away to another user.
    if (process.getuid?.() !== 0) this.skip();
    const planted = path.join(scratch, 'planted');
    fs.mkdirSync(planted);
    fs.chownSync(planted, 65534, 65534);
    expect(unsafeFolderReason(path.join(planted, 'rdx'))).to.equal(
      `${planted} belongs to another user (uid 65534)`,
    );
    const link = path.join(scratch, 'link');
    fs.symlinkSync(planted, link);
    expect(unsafeFolderReason(link)).to.equal(`${planted} belongs to another user (uid 65534)`);
    // A link another user planted, even to a folder of root's, is theirs to change.
    const theirs = path.join(scratch, 'theirs');
    fs.symlinkSync('/usr', theirs);
    fs.lchownSync(theirs, 65534, 65534);
    expect(unsafeFolderReason(path.join(theirs, 'rdx'))).to.equal(
      `${theirs} belongs to another user (uid 65534)`,
    );
  });

  it('Fabric is not run from a binary cache anyone may write', async () => {
    const open = path.join(scratch, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const err = await ensureFabricBinaries(
      { cacheDir: path.join(open, 'rdx'), fabricBin: undefined, fabricSrc: undefined },
      () => undefined,
    ).catch((e: Error) => e);
    expect(err).to.be.an('error');
    expect((err as Error).message).to.equal(
      `The binary cache ${path.join(open, 'rdx')} is no place to run Fabric from: anyone may write ${open} (mode 777). Set RDX_CACHE to a folder of your own.`,
    );
  });

  it('the network does not start in a home anyone may write: nothing in it is read or made', async () => {
    const open = path.join(scratch, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const home = path.join(open, 'rdx-bench');
    const err = await up({ paths: { home } } as unknown as NetworkContext, {
      withGateway: false,
      demo: false,
    }).catch((e: Error) => e);
    expect((err as Error).message).to.equal(
      `${home} is no place for the network's keys and secrets: anyone may write ${open} (mode 777). Set RDX_HOME to a folder of your own.`,
    );
    expect(fs.readdirSync(open)).to.deep.equal([]);
  });
});
