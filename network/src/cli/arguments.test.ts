/**
 * `rdx-network`'s command lines are checked before anything runs: help asked anywhere prints the usage and does
 * nothing, and a mistyped option is refused rather than ignored (`reset --help` removed the home; `start
 * --nodemo` seeded the demo on a production host).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkCommandLine, UsageError } from './arguments.js';

const refusal = (argv: string[]): string => {
  try {
    checkCommandLine(argv);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return (err as Error).message;
  }
  return expect.fail(`${argv.join(' ')} was taken`);
};

describe('rdx-network command lines', () => {
  it('help, anywhere on the line, is help: the command does not run', () => {
    for (const argv of [[], ['help'], ['reset', '--help'], ['stop', '-h'], ['start', '--detach', '--help']])
      expect(checkCommandLine(argv).command, argv.join(' ')).to.equal('help');
    expect(checkCommandLine(['certs', '--help']).command).to.equal('help');
  });

  it('the command lines the docs and tests use are taken', () => {
    for (const argv of [
      ['start'],
      ['start', '--detach'],
      ['start', '--org', 'OrdererMSP,BureauMSP', '--detach', '--no-demo'],
      ['stop'],
      ['reset'],
      ['org', 'init', '--org', 'HealthMSP'],
      [
        'org',
        'import',
        'a.json',
        'b.json',
        '--fingerprint',
        'MarketMSP=AB:CD',
        '--fingerprint=TransportMSP=EF',
      ],
      ['channel', 'add-org', 'HealthMSP', '--out', 'add.pb'],
      ['channel', 'sign', 'add.pb', '--org', 'MarketMSP'],
      ['channel', 'submit', '--file', 'add.pb'],
      ['chaincode', 'approve'],
      ['certs', 'revoke', 'reviewer', '--org', 'MarketMSP'],
    ])
      expect(checkCommandLine(argv).command, argv.join(' ')).to.be.a('string').and.not.equal('help');
  });

  it('a mistyped or unknown option, a missing value, a word too many: refused by name', () => {
    expect(refusal(['start', '--nodemo'])).to.equal(
      'start: unknown option --nodemo; it takes --detach, --no-demo, --org <value>',
    );
    expect(refusal(['reset', '--force'])).to.equal('reset: unknown option --force; it takes none');
    expect(refusal(['start', '--org'])).to.equal('--org needs a value');
    expect(refusal(['start', '--org', '--detach'])).to.equal('--org needs a value');
    expect(refusal(['start', '--detach=yes'])).to.match(/unknown option --detach/);
    expect(refusal(['start', '--org=MarketMSP', '--detach'])).to.equal(
      'write --org and its value apart: --org MarketMSP',
    );
    expect(refusal(['channel', 'sign', 'f.pb', '--org=MarketMSP'])).to.match(
      /^write --org and its value apart/,
    );
    expect(refusal(['stop', 'now'])).to.equal('stop takes no argument such as "now"');
    expect(refusal(['start', '--org', 'MarketMSP', '--org', 'HealthMSP'])).to.equal(
      '--org is given twice; give it once (MSPs joined by commas)',
    );
    expect(refusal(['channel', 'add-org', 'HealthMSP', 'MarketMSP', '--out', 'f'])).to.equal(
      'channel add-org takes <MSP>; "MarketMSP" is one too many',
    );
    expect(refusal(['certs', 'frob'])).to.equal(
      'unknown command: certs frob; certs takes status, renew, revoke',
    );
    expect(refusal(['frob'])).to.equal('unknown command: frob');
  });

  it('over the real program: reset --help prints the usage, exits 0, and leaves the home; start --nodemo exits 1 having done nothing', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-args-'));
    const kept = path.join(home, 'orgs', 'kept.txt');
    fs.mkdirSync(path.dirname(kept), { recursive: true });
    fs.writeFileSync(kept, 'an org CA key would be here');
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [main, ...args], {
        env: { ...process.env, RDX_HOME: home },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    try {
      const help = await run('reset', '--help');
      expect(help.code).to.equal(0);
      expect(help.out).to.match(/^usage: rdx-network start/);
      expect(fs.existsSync(kept), 'the home after reset --help').to.equal(true);
      const typo = await run('start', '--nodemo');
      expect(typo.code).to.equal(1);
      expect(typo.out).to.include('start: unknown option --nodemo');
      expect(fs.readdirSync(home)).to.deep.equal(['orgs']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
