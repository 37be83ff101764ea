import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SigningKeys } from './signing-keys.js';

describe('token signing keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-keys-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Makes the current key look `ageMs` old (key ids are their creation time). */
  function age(keys: SigningKeys, ageMs: number): string {
    const kid = `k${Date.now() - ageMs}`;
    fs.renameSync(path.join(dir, `${keys.current().kid}.pem`), path.join(dir, `${kid}.pem`));
    keys.reload();
    return kid;
  }

  it('rotates on schedule and keeps an old key in the JWKS until the last token it signed has expired', () => {
    const keys = SigningKeys.open(dir);
    const old = age(keys, 25 * 3_600_000);
    const done = keys.maintain(24 * 3_600_000, 900_000);
    expect(done.rotated).to.be.a('string').and.not.equal(old);
    expect(done.removed, 'the old key still verifies tokens it signed').to.deep.equal([]);
    expect(keys.jwks().keys.map((k) => k.kid)).to.include.members([old, done.rotated!]);
    // A fresh key is not rotated again.
    expect(keys.maintain(24 * 3_600_000, 900_000).rotated).to.equal(undefined);
  });

  it('drops a key once every token it signed has expired', () => {
    const keys = SigningKeys.open(dir);
    const old = age(keys, 2 * 3_600_000);
    keys.rotate();
    expect(keys.prune(900_000), 'just superseded: its tokens still live').to.deep.equal([]);
    // The newer key was made an hour ago: the old one stopped signing then, and its tokens have expired.
    age(keys, 3_600_000);
    expect(keys.maintain(24 * 3_600_000, 900_000).removed).to.deep.equal([old]);
    expect(keys.find(old)).to.equal(undefined);
  });

  it('an unknown kid does not make every request read the folder', () => {
    const keys = SigningKeys.open(dir);
    let reads = 0;
    const readdir = fs.readdirSync;
    const counting = ((...args: Parameters<typeof fs.readdirSync>) => {
      reads++;
      return readdir(...args);
    }) as typeof fs.readdirSync;
    fs.readdirSync = counting;
    try {
      for (let i = 0; i < 100; i++) keys.find(`k${1_700_000_000_000 + i}`);
      for (let i = 0; i < 100; i++) keys.find(`not-a-kid-${i}`);
    } finally {
      fs.readdirSync = readdir;
    }
    expect(reads, 'folder reads for 200 unknown kids').to.be.at.most(1);
  });
});
