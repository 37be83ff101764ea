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

  const read = (name: string, text: string, enclosing = 0): unknown => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return readJsonFile(file, 'dataset', enclosing);
  };
  const refusal = (name: string, text: string, enclosing = 0): InputError => {
    try {
      read(name, text, enclosing);
    } catch (err) {
      expect(err).to.be.instanceOf(InputError);
      return err as InputError;
    }
    return expect.fail(`${name} was read`);
  };
  const nested = (levels: number, inside = ''): string => '['.repeat(levels) + inside + ']'.repeat(levels);

  it('nested some hundred thousand levels deep is refused as the user’s input, naming the limit, not a stack overflow', () => {
    const err = refusal('deep.json', nested(200_000));
    expect(err.code).to.equal('INVALID_ARGUMENT');
    expect(err.userError).to.equal(true);
    expect(err.message).to.match(/deep\.json nests more than 32 levels deep/);
  });

  it('is refused as the ledger would refuse it: a value inside the deepest list is a level, and so is the signed request around it', () => {
    expect(read('31+1.json', nested(31, '1'))).to.be.an('array');
    const err = refusal('32+1.json', nested(32, '1'));
    expect(err.code).to.equal('INVALID_ARGUMENT');
    expect(err.message).to.match(/32\+1\.json nests more than 32 levels deep/);
    expect(read('object32.json', `{"a":${nested(29, '{"b":1}')}}`)).to.be.an('object');
    expect(refusal('object33.json', `{"a":${nested(30, '{"b":1}')}}`).code).to.equal('INVALID_ARGUMENT');
    // The body of a signed enterprise request: the ledger reads it one level down.
    expect(read('body31.json', nested(31), 1)).to.be.an('array');
    expect(refusal('body32.json', nested(32), 1).message).to.match(/nests more than 31 levels deep/);
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
