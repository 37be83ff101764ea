/**
 * The table `npm run bench` prints (bench/table.mjs), over the result files the repository keeps: each figure a
 * run measured is a row with the values it wrote, and what an older file did not read is left out or "n/a",
 * never printed as a value.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
const resultsDir = path.join(bench, 'results');

/** What these tests read or change of a result file (its shape grew run by run; the table reads the rest). */
interface Result {
  kind?: string;
  machine: { cpuModel: string; node: string };
  figures: {
    dataCall: {
      addedP99Ms: number;
      addedP99MsRange: number[];
      burstAddedP99Ms: number | null;
      gateway: { burstLatencyMs?: { p99: number }; atMax?: { mainThreadWaiting: number | null } };
      baseline: { burstLatencyMs: { p99: number } };
    };
  };
}

function read(name: string): Result {
  return JSON.parse(fs.readFileSync(path.join(resultsDir, name), 'utf8')) as Result;
}

/** The table's rows as cells (the title line and the rule left out). */
function rowsOf(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trimEnd()),
    );
}

/** The cells of the row whose first cell is `figure`. */
function row(table: string, figure: string): string[] {
  const found = rowsOf(table).find((cells) => cells[0] === figure);
  expect(found, `a row "${figure}"`).to.not.equal(undefined);
  return found!;
}

describe("the bench's result table", () => {
  let resultTable: (result: unknown) => string;
  before(async () => {
    ({ resultTable } = (await import(pathToFileURL(path.join(bench, 'table.mjs')).href)) as {
      resultTable: typeof resultTable;
    });
  });

  it('a full run: a row per figure, with the values the run measured', () => {
    const result = read('2026-12-01-full-busy-at-max.json');
    const table = resultTable(result);
    expect(table.split('\n')[0]).to.equal(
      `RDX bench (full) — ${result.machine.cpuModel}, 2 cores, Node ${result.machine.node}, 2026-12-01T16:53:24.506Z`,
    );
    expect(row(table, '1 data call: max throughput')).to.deep.equal([
      '1 data call: max throughput',
      '3423 req/s',
      '5662 req/s bare Express',
      '0.605 (0.597–0.689)',
      '≥ 0.70; median of 3',
    ]);
    expect(row(table, '1 data call: busy at max, loop / machine').slice(1, 3)).to.deep.equal([
      '89 % / 73 % (steal 0.2 %)',
      '96 % / 73 % bare Express',
    ]);
    expect(row(table, '1 data call: p99 at same load').slice(1, 4)).to.deep.equal([
      '12.4 ms @ 1711/s',
      '3.04 ms',
      '+9.36 ms (6.72–11.35)',
    ]);
    expect(row(table, '1 data call: bare + durable record, p99').slice(3)).to.deep.equal([
      '+6.91 ms (-3.22–7.05)',
      "of the gateway's +9.36 ms",
    ]);
    expect(row(table, '1 data call: its audit commits then').slice(1, 4)).to.deep.equal([
      'mean 0.555 ms, 99 % ≤ 3 ms',
      '',
      '13496 commits',
    ]);
    expect(row(table, '1p data call on PostgreSQL: max throughput')[3]).to.equal('0.663 (0.518–0.665)');
    expect(row(table, '1b data call p99, token endpoint flooded').slice(1, 4)).to.deep.equal([
      '169.94 ms',
      '12.4 ms idle',
      '13.7×',
    ]);
    expect(row(table, '4 anchoring on vs off')[3]).to.equal('0.914 (0.903–1.012)');
    expect(row(table, '6 start --detach to ready').slice(1, 4)).to.deep.equal([
      '7426 ms',
      '2006 ms Fabric nodes healthy',
      '3.7',
    ]);
    for (const figure of ['2 decision vs ledger read', '3 revocation reach p50/p99', '5 ledger tx/s'])
      row(table, figure);
  });

  it("figure 4 gives the data call's p99 at half load with anchoring on and off; runs before it print no such row", () => {
    const figure = '4 anchoring on vs off: p99 at half load';
    expect(
      row(resultTable(read('2026-12-08-quick-only-4-anchoring-tail.json')), figure).slice(1),
    ).to.deep.equal([
      '34.8 ms @ 2428/s (p90 8.05 ms)',
      '16.81 ms off (p90 7.41 ms)',
      '+17.99 ms (1.78–23.36)',
      "the ledger's blocks on the same cores; median of 3",
    ]);
    const before = rowsOf(resultTable(read('2026-12-08-full-documented-operations.json')));
    expect(before.map((cells) => cells[0]))
      .to.include('4 anchoring on vs off')
      .and.not.include(figure);
  });

  it("each side's maximum names the connections it was reached with; a run of 16 only says nothing", () => {
    const table = resultTable(read('2026-12-04-full-max-at-48-connections.json'));
    const maxima: [figure: string, measured: string, baseline: string][] = [
      ['1 data call: max throughput', '5635 req/s (48 conns)', '8790 req/s bare Express (48 conns)'],
      [
        '1 data call: bare + durable record, max',
        '7260 req/s (48 conns)',
        '9542 req/s bare Express (16 conns)',
      ],
      [
        '1p data call on PostgreSQL: max throughput',
        '2632 req/s (48 conns)',
        '4290 req/s bare Express (16 conns)',
      ],
    ];
    for (const [figure, ...cells] of maxima)
      expect(row(table, figure).slice(1, 3), figure).to.deep.equal(cells);
    const before = resultTable(read('2026-12-04-full-view-read-together.json'));
    expect(row(before, '1 data call: max throughput')[1]).to.match(/^\d+ req\/s$/);
  });

  it("the loops' wait for a CPU at their maximum prints where a run read it; an older run has no such row", () => {
    const result = read('2026-12-04-quick-only-1-loop-waiting.json');
    expect(row(resultTable(result), '1 data call: loop waiting for a CPU at max').slice(1, 3)).to.deep.equal([
      '8.3 %',
      '9.3 % bare Express',
    ]);
    // A kernel without scheduler statistics gives no reading: NaN, written as null.
    result.figures.dataCall.gateway.atMax!.mainThreadWaiting = null;
    expect(row(resultTable(result), '1 data call: loop waiting for a CPU at max')[1]).to.equal('n/a');
    const before = resultTable(read('2026-12-04-full-max-at-48-connections.json'));
    expect(rowsOf(before).map((cells) => cells[0])).to.not.include(
      '1 data call: loop waiting for a CPU at max',
    );
  });

  it('a partial run prints only the figures it measured', () => {
    const table = resultTable(read('2026-12-01-quick-only-1-busy-at-max.json'));
    expect(table.split('\n')[0]).to.match(/^RDX bench \(quick\) — /);
    const figures = rowsOf(table)
      .slice(1)
      .map((cells) => cells[0]);
    expect(figures).to.include('1 data call: max throughput');
    expect(figures.every((name) => name!.startsWith('1 data call: '))).to.equal(true);
  });

  it('repeated restarts print as their median, with the spread and how many missed 10 s', () => {
    const table = resultTable(read('2026-12-02-only-6-restarts-40-run1.json'));
    expect(row(table, '6 start --detach to ready').slice(1)).to.deep.equal([
      '8102 ms',
      '1667 ms Fabric nodes healthy',
      '4.86',
      'median of 40 restarts (6870–9697 ms), 0 over 10 s; stop 2081 ms',
    ]);
    expect(
      row(resultTable(read('2026-12-02-full-restarts-10.json')), '6 start --detach to ready')[4],
    ).to.equal('median of 10 restarts (7443–12352 ms), 1 over 10 s; stop 2027 ms');
  });

  it('a difference below zero keeps its sign, and a reading the run could not take is n/a', () => {
    const result = read('2026-12-01-quick-only-1-busy-at-max.json');
    const dataCall = result.figures.dataCall;
    dataCall.addedP99Ms = -0.4;
    dataCall.addedP99MsRange = [-1.5, 0.8];
    dataCall.burstAddedP99Ms = null;
    delete dataCall.gateway.burstLatencyMs;
    const table = resultTable(result);
    expect(row(table, '1 data call: p99 at same load')[3]).to.equal('-0.4 ms (-1.5–0.8)');
    expect(row(table, "1 data call: p99 in autocannon's bursts").slice(1, 4)).to.deep.equal([
      'n/a',
      `${dataCall.baseline.burstLatencyMs.p99} ms`,
      'n/a',
    ]);
  });

  it('every result file kept prints, its rows aligned, with no missing reading printed as a value', () => {
    const files = fs.readdirSync(resultsDir).filter((name) => name.endsWith('.json'));
    expect(files.length).to.be.greaterThan(50);
    let tables = 0;
    for (const name of files) {
      const result = read(name);
      if (result.kind !== undefined) {
        // The scale figures' own runs print their tables; this one refuses them, saying so.
        expect(() => resultTable(result), name).to.throw(TypeError, `a --${result.kind} result`);
        continue;
      }
      const lines = resultTable(result).split('\n').slice(1);
      tables++;
      expect(new Set(lines.map((line) => line.length)).size, `${name}: rows of one width`).to.equal(1);
      for (const line of lines) expect(line, name).to.not.match(/undefined|null|NaN|\[object|\+-|\+n\/a/);
    }
    expect(tables).to.be.greaterThan(50);
  });

  it('a file that is not a bench result is refused, saying why', () => {
    expect(() => resultTable({ startedAt: '2026-12-01T00:00:00Z' })).to.throw(TypeError, /no "figures"/);
    expect(() => resultTable(null)).to.throw(TypeError, /no "figures"/);
  });
});
