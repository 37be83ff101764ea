import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from './errors.js';
import { readJsonFile } from './inputs.js';

describe('a JSON input file', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-inputs-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (name: string, text: string): unknown => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return readJsonFile(file, 'dataset');
  };
  const refusal = (name: string, text: string): InputError => {
    try {
      read(name, text);
    } catch (err) {
      expect(err).to.be.instanceOf(InputError);
      return err as InputError;
    }
    return expect.fail(`${name} was read`);
  };
  const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

  it('nested some hundred thousand levels deep is refused as the user’s input, naming the limit, not a stack overflow', () => {
    const err = refusal('deep.json', nested(200_000));
    expect(err.code).to.equal('INVALID_ARGUMENT');
    expect(err.userError).to.equal(true);
    expect(err.message).to.match(/deep\.json nests its objects and lists more than 32 deep/);
  });

  it('is read up to 32 levels of objects and lists, and brackets inside its strings do not count', () => {
    expect(read('32.json', nested(32))).to.be.an('array');
    expect(refusal('33.json', nested(33)).code).to.equal('INVALID_ARGUMENT');
    const brackets = `${'['.repeat(40)}\\"${'{'.repeat(40)}\\\\`;
    expect(read('strings.json', JSON.stringify({ name: brackets, list: [[{ a: '}]' }]] }))).to.deep.equal({
      name: brackets,
      list: [[{ a: '}]' }]],
    });
  });
});
