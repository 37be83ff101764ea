/**
 * A signed action whose answer is lost: the gateway closes the connection once the request is in (killed on the
 * way), or says the ledger did not complete it. The SDK sends the same signed request again, so the ledger,
 * which uses each nonce once, records it at most once; told that the nonce was used, it reports the lost attempt
 * as recorded, and the CLI as done, so that nobody runs the command again and records it twice.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { EnterpriseSigner } from '../enterprise-signer.js';
import { runCli } from '../cli/program.js';
import { EnterpriseSession } from './gateway-api.js';
import { GatewayProblemError, GatewayUnavailableError, RecordedEarlierError } from './errors.js';

const CREDIT_CODE = '91331100MA2A8QN43L';
const USED_BY = 'a1'.repeat(32);

/** What the fake gateway does with the n-th signed action it receives (from 1). */
type Behaviour = (n: number, res: http.ServerResponse) => void;

const problem = (res: http.ServerResponse, status: number, code: string, detail: string): void => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: `urn:rdx:problem:${code.toLowerCase()}`, status, code, detail }));
};
/** The gateway process dies once the request is in: no status line, the socket closed. */
const dropped: Behaviour = (_n, res) => res.socket?.destroy();
const replayed: Behaviour = (_n, res) =>
  problem(res, 409, 'REPLAYED', `[REPLAYED] this signed request was already used by transaction ${USED_BY}`);
const recorded: Behaviour = (_n, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ data: { id: 'duty-1', detail: { complaints: ['sec-1'] } }, txId: 'b2'.repeat(32) }),
  );
};

describe('a signed action whose answer was lost is sent again as the same request', () => {
  let server: http.Server;
  let base: string;
  let behaviours: Behaviour[];
  /** The bodies of the signed actions received, in order. */
  let received: string[];
  const { privateKeyPem } = EnterpriseSigner.generateKeyPair();
  /** Resends within 4 s here (30 s by default): attempts 1 s, 2 s apart, three in all. */
  const session = (): EnterpriseSession =>
    EnterpriseSession.withClientSecret(
      base,
      CREDIT_CODE,
      'secret',
      new EnterpriseSigner(CREDIT_CODE, privateKeyPem),
      { resendWithinMs: 4000 },
    );
  const report = (s: EnterpriseSession) =>
    s.reportSecurityIssue({ agreementId: 'ag-1', severity: 'low', descriptionHash: 'c3'.repeat(32) });
  /** A complaint filed that must fail: its error. */
  const complaintFailure = (): Promise<unknown> =>
    session()
      .fileComplaint({ datasetId: 'ds-1', kind: 'complaint', category: 'unlawful-opening', facts: 'facts' })
      .then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
  /** The complaint's id and receipt hash as the first sending carried them. */
  const firstSentComplaint = (): { id: string; receiptHash: string } =>
    (
      JSON.parse((JSON.parse(received[0]!) as { request: string }).request) as {
        body: { id: string; receiptHash: string };
      }
    ).body;
  const hashOf = (receipt: string): string => crypto.createHash('sha256').update(receipt).digest('hex');

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/oauth/token') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ access_token: 'a-token', token_type: 'Bearer', expires_in: 900 }));
        }
        received.push(Buffer.concat(chunks).toString('utf8'));
        const n = received.length;
        (behaviours[n - 1] ?? behaviours[behaviours.length - 1]!)(n, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    received = [];
  });
  after(() => server.close());

  it('the gateway dies with the request in, and the resend is refused as used: recorded once, by that transaction', async () => {
    behaviours = [dropped, replayed];
    const err = await report(session()).then(
      () => expect.fail('resolved'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RecordedEarlierError);
    expect((err as RecordedEarlierError).code).to.equal('RECORDED_EARLIER');
    expect((err as RecordedEarlierError).txId).to.equal(USED_BY);
    expect((err as Error).message).to.match(/ReportSecurityIssue was recorded by an earlier attempt/);
    expect(received).to.have.length(2);
    expect(received[1], 'the same signed request, nonce and signature').to.equal(received[0]);
  });

  it('the ledger could not complete it (503), then could: the answer of the same request', async () => {
    behaviours = [(_n, res) => problem(res, 503, 'LEDGER_UNAVAILABLE', 'the peer did not answer'), recorded];
    const w = await report(session());
    expect(w.data.id).to.equal('duty-1');
    expect(received).to.have.length(2);
    expect(received[1]).to.equal(received[0]);
  });

  it('an answer that says what happened is not resent: a refusal, or REPLAYED on the first send', async () => {
    for (const behaviour of [
      (_n: number, res: http.ServerResponse) =>
        problem(res, 409, 'INVALID_STATE', 'agreement ag-1 is TERMINATED'),
      replayed,
    ]) {
      received = [];
      behaviours = [behaviour];
      const err = await report(session()).then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(GatewayProblemError);
      expect(err).not.to.be.instanceOf(RecordedEarlierError);
      expect(received).to.have.length(1);
    }
  });

  it('a proxy’s HTML 504 before the gateway is an unknown outcome too: sent again', async () => {
    behaviours = [
      (_n, res) => {
        res.writeHead(504, { 'content-type': 'text/html' });
        res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      },
      recorded,
    ];
    expect((await report(session())).data.id).to.equal('duty-1');
    expect(received).to.have.length(2);
  });

  it('a resend refused as used by a ledger that does not name the transaction: recorded all the same', async () => {
    behaviours = [
      dropped,
      (_n, res) => problem(res, 409, 'REPLAYED', 'this signed request was already used'),
    ];
    const err = await report(session()).then(
      () => expect.fail('resolved'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RecordedEarlierError);
    expect((err as RecordedEarlierError).txId).to.equal(undefined);
  });

  it('no answer at all: sent again for a bounded time, then reported unreachable, and as perhaps recorded', async () => {
    behaviours = [dropped];
    const err = await report(session()).then(
      () => expect.fail('resolved'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(GatewayUnavailableError);
    // Either cause named: a gateway that stopped meanwhile, or one that takes HTTPS only.
    expect((err as Error).message).to.match(
      /closed the connection unanswered: it stopped or restarted meanwhile/,
    );
    expect(received).to.have.length(3);
    expect((err as GatewayUnavailableError).code).to.equal('OUTCOME_UNKNOWN');
    expect((err as Error).message).to.match(
      /ReportSecurityIssue was sent 3 times as the same signed request, and a sending got no answer: it may have been recorded$/,
    );
    expect(new Set(received).size).to.equal(1);
  });

  it('a gateway that is not there: nothing was sent, so nothing is sent again and nothing is said to be perhaps recorded', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    const err = await EnterpriseSession.withClientSecret(
      `http://127.0.0.1:${port}`,
      CREDIT_CODE,
      'secret',
      new EnterpriseSigner(CREDIT_CODE, privateKeyPem),
    )
      .reportSecurityIssue({ agreementId: 'ag-1', severity: 'low', descriptionHash: 'c3'.repeat(32) })
      .then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
    expect((err as GatewayUnavailableError).code).to.equal('GATEWAY_UNAVAILABLE');
    expect((err as Error).message).to.match(/cannot be reached \(ECONNREFUSED/);
    expect((err as Error).message).not.to.match(/may have been recorded/);
    expect(Date.now() - started, 'ms: no resends').to.be.below(1000);
  });

  it('after a sending got no answer, another refusal still says the action may have been recorded', async () => {
    behaviours = [dropped, (_n, res) => problem(res, 401, 'TOKEN_INVALID', 'The access token has expired.')];
    const notes: string[] = [];
    const err = await EnterpriseSession.withClientSecret(
      base,
      CREDIT_CODE,
      'secret',
      new EnterpriseSigner(CREDIT_CODE, privateKeyPem),
      { resendWithinMs: 4000, onResend: (n) => notes.push(n) },
    )
      .reportSecurityIssue({ agreementId: 'ag-1', severity: 'low', descriptionHash: 'c3'.repeat(32) })
      .then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
    expect((err as GatewayUnavailableError).code).to.equal('OUTCOME_UNKNOWN');
    expect((err as Error).message).to.match(/^The access token has expired\.; .* it may have been recorded$/);
    expect(notes, 'the resend said before its wait').to.have.length(1);
    expect(notes[0]).to.match(
      /^# ReportSecurityIssue: no answer .*sending the same signed request again in 1 s$/,
    );
    // Sent and unanswered: the gateway was reached, whatever kept its answer.
    expect(notes[0]).to.include('did not answer').and.not.include('cannot be reached');
  });

  it('rdx report security: the lost attempt reported as done (exit 0, the transaction named), not as a failure to retry', async () => {
    behaviours = [dropped, replayed];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-resend-'));
    try {
      const keyFile = path.join(dir, 'key.pem');
      const description = path.join(dir, 'issue.txt');
      fs.writeFileSync(keyFile, privateKeyPem);
      fs.writeFileSync(description, 'a leaked export');
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      const code = await runCli(
        ['node', 'rdx', 'report', 'security', 'ag-1', '--severity', 'low', '--description-file', description],
        { stdout, stderr },
        {
          RDX_HOME: dir,
          RDX_GATEWAY_URL: base,
          RDX_CLIENT_ID: CREDIT_CODE,
          RDX_CLIENT_SECRET: 'secret',
          RDX_KEY_FILE: keyFile,
        },
      );
      expect(out).to.match(/recorded by an earlier attempt/);
      expect(out).to.include(USED_BY);
      expect(code).to.equal(0);
      expect(received).to.have.length(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a complaint perhaps filed, no answer ever came: the error says its id and the receipt to keep', async () => {
    behaviours = [dropped];
    const err = await complaintFailure();
    expect(err).to.be.instanceOf(GatewayUnavailableError);
    const sent = firstSentComplaint();
    const said = /if it was filed, it is complaint (c-[0-9a-f]+), and its receipt \(keep it\) is (\S+)$/.exec(
      (err as Error).message,
    );
    expect(said?.[1]).to.equal(sent.id);
    expect(hashOf(said![2]!)).to.equal(sent.receiptHash);
  });

  it('a complaint filed, its answer lost: the id and the receipt only this client holds come with the error', async () => {
    behaviours = [dropped, replayed];
    const err = await complaintFailure();
    expect(err).to.be.instanceOf(RecordedEarlierError);
    const { complaint } = (err as RecordedEarlierError).made as {
      complaint: { id: string; receipt: string };
    };
    const sent = firstSentComplaint();
    expect(complaint.id).to.equal(sent.id);
    expect(hashOf(complaint.receipt)).to.equal(sent.receiptHash);
  });
});

describe('a read refused for the caller’s rate', () => {
  /** A gateway refusing the first `refusals` reads with 429 and `retryAfter`, then answering; reads asked. */
  async function refusing(
    refusals: number,
    retryAfter: string | undefined,
    read: (s: EnterpriseSession) => Promise<unknown>,
  ): Promise<{ asked: number; ms: number; outcome: unknown }> {
    let asked = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ access_token: 'a-token', token_type: 'Bearer', expires_in: 900 }));
      }
      if (++asked <= refusals) {
        res.writeHead(429, {
          'content-type': 'application/problem+json',
          ...(retryAfter ? { 'retry-after': retryAfter } : {}),
        });
        return res.end(JSON.stringify({ status: 429, code: 'RATE_LIMITED', detail: 'slow down' }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [], nextCursor: null, requestId: 'r', grantId: 'g' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const started = Date.now();
      const outcome = await read(EnterpriseSession.withClientSecret(base, CREDIT_CODE, 'secret')).catch(
        (e: unknown) => e,
      );
      return { asked, ms: Date.now() - started, outcome };
    } finally {
      server.close();
    }
  }

  it('is asked again once its Retry-After has passed, instead of failing a loop of reads', async () => {
    const r = await refusing(1, '1', (s) => s.applications());
    expect(r.outcome).to.deep.equal([]);
    expect(r.asked).to.equal(2);
    expect(r.ms).to.be.at.least(990);
  });

  it('is not asked again without a short Retry-After (a quota), past three retries, or for a data call', async () => {
    for (const [retryAfter, refusals, read, asked] of [
      [undefined, 1, (s: EnterpriseSession) => s.applications(), 1],
      ['60', 1, (s: EnterpriseSession) => s.applications(), 1],
      ['1', 10, (s: EnterpriseSession) => s.applications(), 4],
      // Each refusal of a data call is a denial of the grant, counted toward a misuse signal: not sought.
      ['1', 1, (s: EnterpriseSession) => s.records('ds-1'), 1],
    ] as const) {
      const r = await refusing(refusals, retryAfter, read);
      expect(r.outcome, `Retry-After ${retryAfter}`).to.be.instanceOf(GatewayProblemError);
      expect((r.outcome as GatewayProblemError).status).to.equal(429);
      expect(r.asked, `Retry-After ${retryAfter}, ${refusals} refusals`).to.equal(asked);
    }
  });
});
