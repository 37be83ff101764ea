/**
 * CLI.md run exactly as written: the commands of "Running it" and of the walk-through, in one bash session
 * from the repository, against the platform of `npm start` — the bureau onboards an enterprise, a body loads
 * a dataset, the enterprise applies, signs and pulls data, the grant is suspended, complained about, renewed
 * and ended, the regulator seals an evidence package. Each command must exit as its comment says (0 unless
 * it names another code and the error), and what the walk-through promises must be in the files it made.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatewayUrl } from '@rdx/network';
import { INHERITED_OUT } from '../cli-helpers.js';
import { expectedExit, runCommands, shellCommands, type DocStep } from '../doc-commands.js';
import { config, repoRoot, topology } from '../fabric-client.js';

describe('CLI.md’s walk-through, run as written', function () {
  this.timeout(600_000);
  const file = path.join(repoRoot, 'docs', 'CLI.md');
  let steps: DocStep[] = [];
  let scratch = '';
  let configHome = '';

  before(function () {
    // The commands name `.rdx/…` and the default gateway: another home or port is a setup they do not describe.
    if (path.basename(config.home) !== '.rdx' || gatewayUrl({ topology }) !== 'http://127.0.0.1:3000')
      this.skip();
    const commands = [
      ...shellCommands(file, '## Running it', '### Global options'),
      ...shellCommands(file, '## Walk-through: the whole process', '## Commands by role'),
    ];
    configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-doc-config-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The pinned Node first, as `npm start` puts it; a stored login goes to a folder of this test's own.
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: configHome,
    };
    // Credentials or identities of the caller's shell would change what the commands do.
    for (const name of INHERITED_OUT) delete env[name];
    ({ steps, finalDir: scratch } = runCommands(commands, repoRoot, env, 540_000));
  });

  after(() => {
    for (const dir of [scratch, configHome])
      if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every command exits as its comment says: 0, or the exit code and the error it names', () => {
    expect(steps.length, 'commands found in CLI.md').to.be.at.least(60);
    const wrong = steps
      .filter((s) => {
        const expected = expectedExit(s.command);
        return (
          s.code !== expected.code || (expected.error !== undefined && !s.stderr.includes(expected.error))
        );
      })
      .map((s) => `${s.command.split('\n')[0]}\n  → exit ${s.code}: ${s.stderr.trim().slice(-400)}`);
    expect(wrong, 'commands that did not do what CLI.md says').to.deep.equal([]);
    expect(
      steps.filter((s) => expectedExit(s.command).code !== 0),
      'the refusals it shows',
    ).to.have.length(6);
  });

  it('the enterprise got every row of its grant, the personal item masked', () => {
    const rows = fs
      .readFileSync(path.join(scratch, 'rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.legal_rep_phone)).to.deep.equal(['138****0001', '138****0002', '138****0003']);
    expect(rows.map((r) => r.district)).to.deep.equal(['莲都区', '青田县', '莲都区']);
  });

  it('the receipt and the evidence package it made verify offline', () => {
    const receipt = JSON.parse(fs.readFileSync(path.join(scratch, 'receipt.json'), 'utf8')) as {
      status: string;
    };
    expect(receipt.status).to.equal('anchored');
    // Those it says pass (the evidence package without the bureau's CA is one of the refusals above).
    const verified = steps
      .filter((s) => /^rdx verify /.test(s.command) && expectedExit(s.command).code === 0)
      .map((s) => s.stdout);
    expect(verified).to.have.length(2);
    for (const out of verified) expect(out).to.match(/核验通过 verified/);
    // The receipt says whose record it proves: a request of the walk-through's enterprise.
    expect(verified.join('\n')).to.match(
      /记录 record: request \S+, 利用主体 enterprise \w{18}, (allow|deny) \(\w+\)/,
    );
  });

  it('the natural person is known by a person code and a masked name; the number and the name never come back', () => {
    const out = (prefix: string) => steps.find((s) => s.command.startsWith(prefix))?.stdout ?? '';
    expect(out('rdx enterprise show $P')).to.match(/自然人 natural person\s+张\*\*/);
    expect(out('rdx enterprise show $P')).to.match(/个人编码 person code\s+P-[0-9A-F]{16}/);
    expect(out('rdx application show app-p-')).to.match(/P-[0-9A-F]{16}/);
    const said = steps.map((s) => s.stdout + s.stderr).join('\n');
    expect(said, 'what the commands printed').to.not.include('33110219851120004X').and.not.include('张三丰');
  });

  it('the inboxes hold what happened: the enterprise’s agreement in force, the body’s demand received', () => {
    const out = (command: string) => steps.find((s) => s.command.startsWith(command))?.stdout ?? '';
    expect(out('rdx inbox --all  ')).to.include('application approved').and.include('agreement in force');
    expect(out('rdx inbox --all --as admin.market')).to.include('a demand for your data awaits your review');
  });

  it("the body's desk shows the walk-through's grant, its incident report and its data return", () => {
    const desk = steps.find((s) => s.command.startsWith('rdx home --as admin.market'))?.stdout ?? '';
    expect(desk).to.include('security-issue (low)').and.include('data-return');
    expect(desk).to.match(/app-\w+\.MarketMSP\.entities-\w+/);
  });
});
