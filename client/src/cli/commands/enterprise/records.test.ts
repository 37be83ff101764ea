/**
 * `rdx records --all` cut short (the gateway restarted 70 pages into a pull, in a review): it names where to go on,
 * and `--cursor` goes on from there, so the pages already pulled do not count against the grant's quota twice.
 */
import { expect } from 'chai';
import type { CliContext } from '../../context.js';
import { Output, type Io } from '../../output.js';
import { GatewayUnavailableError } from '../../../sdk/errors.js';
import type { RecordsPage, RecordsQuery } from '../../../sdk/gateway-api.js';
import records from './records.js';

const page = (n: number, next: string | null): RecordsPage => ({
  data: [{ row: n }],
  nextCursor: next,
  requestId: `req-${n}`,
  grantId: 'g-1',
});

/** Runs `rdx records` against a session serving `served`, then failing; what it printed and the query it sent. */
async function pulled(
  opts: Record<string, unknown>,
  served: RecordsPage[],
): Promise<{ stdout: string; stderr: string; asked?: RecordsQuery; failed?: unknown }> {
  const c: { stdout: string; stderr: string; asked?: RecordsQuery; failed?: unknown } = {
    stdout: '',
    stderr: '',
  };
  const session = {
    async *pages(_dataset: string, query: RecordsQuery) {
      c.asked = query;
      for (const p of served) yield p;
      await Promise.resolve();
      throw new GatewayUnavailableError(
        'GATEWAY_UNAVAILABLE',
        'the gateway closed the connection unanswered',
      );
    },
  };
  const ctx = {
    out: new Output(
      {
        stdout: { isTTY: false, write: (s: string) => (c.stdout += s) },
        stderr: { isTTY: false, write: (s: string) => (c.stderr += s) },
      } as unknown as Io,
      false,
    ),
    enterprise: () => session,
  } as unknown as CliContext;
  await records.run(ctx, { args: ['entities'], opts }).catch((err: unknown) => (c.failed = err));
  return c;
}

describe('rdx records --all, cut short', () => {
  it('each page names the next cursor, and a pull that fails says how to go on from the last page received', async () => {
    const r = await pulled({ all: true }, [page(1, 'c2'), page(2, 'c3')]);
    expect(r.failed).to.be.instanceOf(GatewayUnavailableError);
    expect(r.stdout.trim().split('\n')).to.deep.equal(['{"row":1}', '{"row":2}']);
    expect(r.stderr).to.include('# page 2: 1 rows · requestId=req-2 · grantId=g-1 · next=c3');
    expect(r.stderr).to.include('# stopped after page 2: go on with the same command and --all --cursor c3');
  });

  it('--cursor starts the pull at that page', async () => {
    const r = await pulled({ all: true, cursor: 'c3' }, [page(3, null)]);
    expect(r.asked?.cursor).to.equal('c3');
  });
});
