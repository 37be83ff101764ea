/**
 * A service's code digest follows what it loads: its workspace's compiled JavaScript, the workspaces it depends on,
 * the installed packages; not its tests, nor a workspace it does not load.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codeId } from './code-id.js';

describe("a service's code digest", () => {
  let repo: string;
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  };
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-code-id-'));
    write(
      'gateway/package.json',
      JSON.stringify({ name: '@rdx/gateway', dependencies: { '@rdx/client': '0.1.0', express: '^5' } }),
    );
    write('gateway/dist/main.js', 'serve();\n');
    write('gateway/dist/routes/records.js', 'records();\n');
    write('gateway/dist/routes/records.test.js', 'it();\n');
    write(
      'client/package.json',
      JSON.stringify({ name: '@rdx/client', dependencies: { '@rdx/errors': '0.1.0' } }),
    );
    write('client/dist/index.js', 'client();\n');
    write('client/dist/testing/ca.js', 'testCa();\n');
    write('errors/package.json', JSON.stringify({ name: '@rdx/errors' }));
    write('errors/dist/index.js', 'codes();\n');
    write(
      'clerk/package.json',
      JSON.stringify({ name: '@rdx/clerk', dependencies: { '@rdx/client': '0.1.0' } }),
    );
    write('clerk/dist/main.js', 'clerk();\n');
    write('package-lock.json', '{"lockfileVersion":3}');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('changes with the code of the workspace, of one it depends on (also through another), and the lock file', () => {
    const before = codeId(repo, 'gateway');
    expect(codeId(repo, 'gateway'), 'the same files, the same digest').to.equal(before);
    for (const [file, text] of [
      ['gateway/dist/routes/records.js', 'records(); // rebuilt\n'],
      ['client/dist/index.js', 'client2();\n'],
      ['errors/dist/index.js', 'codes2();\n'],
      ['gateway/dist/new-module.js', 'added();\n'],
      ['package-lock.json', '{"lockfileVersion":3,"packages":{}}'],
    ] as const) {
      const was = codeId(repo, 'gateway');
      write(file, text);
      expect(codeId(repo, 'gateway'), file).not.to.equal(was);
    }
  });

  it('stays when only tests, test support or a workspace it does not load change', () => {
    write('gateway/dist/audit/audit-log.suite.js', 'suite();\n');
    write('gateway/dist/testing/fake-ledger.js', 'fake();\n');
    const before = codeId(repo, 'gateway');
    write('gateway/dist/routes/records.test.js', 'it.only();\n');
    write('gateway/dist/audit/audit-log.suite.js', 'suite2();\n');
    write('gateway/dist/testing/fake-ledger.js', 'fake2();\n');
    write('client/dist/testing/ca.js', 'testCa2();\n');
    write('clerk/dist/main.js', 'clerk2();\n');
    expect(codeId(repo, 'gateway')).to.equal(before);
  });

  it('covers every kind of file Node loads from a build, and what npm installed over what the lock file asks', () => {
    for (const file of ['gateway/dist/data.json', 'gateway/dist/worker.cjs', 'gateway/dist/esm.mjs']) {
      const was = codeId(repo, 'gateway');
      write(file, '{}');
      expect(codeId(repo, 'gateway'), file).not.to.equal(was);
    }
    write('node_modules/.package-lock.json', '{"installed":1}');
    const installed = codeId(repo, 'gateway');
    write('package-lock.json', '{"lockfileVersion":3,"pulled":true}');
    expect(codeId(repo, 'gateway'), 'pulled, not installed yet').to.equal(installed);
    write('node_modules/.package-lock.json', '{"installed":2}');
    expect(codeId(repo, 'gateway'), 'installed').not.to.equal(installed);
  });

  it('a file moved to another name is other code', () => {
    const before = codeId(repo, 'errors');
    fs.renameSync(path.join(repo, 'errors/dist/index.js'), path.join(repo, 'errors/dist/main.js'));
    expect(codeId(repo, 'errors')).not.to.equal(before);
  });

  it('reads a workspace without a manifest or a build as holding nothing, rather than fail', () => {
    fs.rmSync(path.join(repo, 'clerk/package.json'));
    fs.rmSync(path.join(repo, 'clerk/dist'), { recursive: true });
    expect(codeId(repo, 'clerk')).to.match(/^[0-9a-f]{16}$/);
  });
});
