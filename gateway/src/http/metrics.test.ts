/** The Prometheus text of counters: one line per label set, labels sorted and escaped, counts exact. */
import { expect } from 'chai';
import { Metrics } from './metrics.js';

describe('metrics', () => {
  it('counts each label set on its own line, whatever order its labels were given in', () => {
    const m = new Metrics();
    const count = m.counter('rdx_test_total', 'A test counter');
    count({ status: '200', route: '/v1/x' });
    count({ route: '/v1/x', status: '200' }, 2);
    count({ route: '/v1/x', status: '403' });
    count({ route: 'a "quoted"\\path\nwith a break', status: '200' });
    // Values that would run into each other if label sets were merely joined are kept apart.
    count({ route: '1:x', status: '1' });
    count({ route: '1', status: ':x1' });
    expect(m.render().split('\n')).to.include.members([
      'rdx_test_total{route="/v1/x",status="200"} 3',
      'rdx_test_total{route="/v1/x",status="403"} 1',
      'rdx_test_total{route="a _quoted__path_with a break",status="200"} 1',
      'rdx_test_total{route="1:x",status="1"} 1',
      'rdx_test_total{route="1",status=":x1"} 1',
    ]);
  });

  it('writes a histogram as Prometheus does: cumulative buckets, +Inf as the count, the sum', () => {
    const m = new Metrics();
    m.histogram('rdx_test_seconds', 'A test histogram', [0.001, 0.01], () => ({
      sum: 0.5,
      count: 4,
      atMost: [1, 3],
    }));
    expect(m.render()).to.include(
      [
        '# HELP rdx_test_seconds A test histogram',
        '# TYPE rdx_test_seconds histogram',
        'rdx_test_seconds_bucket{le="0.001"} 1',
        'rdx_test_seconds_bucket{le="0.01"} 3',
        'rdx_test_seconds_bucket{le="+Inf"} 4',
        'rdx_test_seconds_sum 0.5',
        'rdx_test_seconds_count 4',
      ].join('\n'),
    );
  });

  it('stays exact past the label sets it remembers written out', () => {
    const m = new Metrics();
    const count = m.counter('rdx_many_total', 'Many label sets');
    for (let round = 0; round < 2; round++) for (let n = 0; n < 12_000; n++) count({ n: String(n) });
    const lines = m
      .render()
      .split('\n')
      .filter((l) => l.startsWith('rdx_many_total{'));
    expect(lines).to.have.length(12_000);
    expect(lines.every((l) => l.endsWith(' 2'))).to.equal(true);
  });
});
