/**
 * API.md's walk-through ("Try it with the demo"), run exactly as written: every line of its shell block, in one
 * bash session, from the folder that holds the platform's home, against the running platform — curl sending
 * the Chinese filter value raw, as it was typed. Then what each command answered is checked.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gatewayUrl } from '@rdx/network';
import { config, repoRoot, topology } from '../fabric-client.js';

const MARK = '<<<rdx-doc-step>>>';

/** The lines of the first `sh` block after `heading` in a Markdown file. */
function shellBlock(file: string, heading: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const section = text.slice(text.indexOf(heading));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`${file}: no sh block after "${heading}"`);
  return match[1]!.split('\n').filter((line) => line.trim() !== '');
}

describe('API.md’s walk-through, run as written', function () {
  this.timeout(120_000);
  const lines = shellBlock(path.join(repoRoot, 'docs', 'API.md'), '## Try it with the demo');
  let outputs: string[] = [];

  before(function () {
    // The commands name `.rdx/demo/…` and port 3000, the defaults; another home or port is a setup they do not
    // describe (the port is then the one thing changed).
    if (path.basename(config.home) !== '.rdx') this.skip();
    const base = gatewayUrl({ topology });
    const script = lines
      .map((line) => `${line.replaceAll('http://127.0.0.1:3000', base)}\nprintf '\\n${MARK}\\n'`)
      .join('\n');
    const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
      cwd: path.dirname(config.home),
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
    expect(run.status, `the walk-through failed:\n${run.stderr}`).to.equal(0);
    outputs = run.stdout.split(`\n${MARK}\n`).map((o) => o.trim());
    expect(outputs.length - 1, 'one output per command').to.equal(lines.length);
  });

  const answerOf = (command: RegExp): string => {
    const i = lines.findIndex((l) => command.test(l));
    expect(i, `a command matching ${command}`).to.be.at.least(0);
    return outputs[i]!;
  };
  const json = (command: RegExp): Record<string, unknown> =>
    JSON.parse(answerOf(command)) as Record<string, unknown>;

  it('the AA enterprise logs in with curl -u and sees the catalog with its grant', () => {
    const catalog = json(/v1\/datasets'$/).data as { id: string; grant: unknown }[];
    expect(catalog.find((d) => d.id === 'market-entities')?.grant).to.not.equal(null);
  });

  it('fields and limit: two rows, the personal item masked', () => {
    const rows = json(/limit=2&fields=/).data as Record<string, string>[];
    expect(rows).to.have.length(2);
    expect(Object.keys(rows[0]!).sort()).to.deep.equal(['entity_name', 'legal_rep_phone', 'uscc']);
    expect(rows.every((r) => !/^\d{11}$/.test(r.legal_rep_phone ?? ''))).to.equal(true);
  });

  it('the filter typed in Chinese is answered with rows of that district', () => {
    const rows = json(/filter=district:eq:莲都区/).data as Record<string, string>[];
    expect(rows.length).to.be.within(1, 5);
    expect(rows.every((r) => r.district === '莲都区')).to.equal(true);
  });

  it('the unconditional dataset downloads as CSV; the restricted one is refused', () => {
    expect(answerOf(/transport-stations\/download/).split('\n').length).to.be.above(1);
    expect(json(/market-entities\/download/).code).to.equal('DOWNLOAD_FORBIDDEN');
  });

  it('the receipt of a request is pending or anchored', () => {
    const receipt = json(/audit\/receipts\/\$RID/);
    expect(receipt.status).to.be.oneOf(['pending', 'anchored']);
  });
});
