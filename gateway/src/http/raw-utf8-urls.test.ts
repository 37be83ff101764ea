/**
 * A URL typed with Chinese characters, sent by curl as raw UTF-8, is answered as if it had been percent-encoded;
 * nothing else about a request is read differently.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { DS } from '../testing/fixtures.js';
import { startHarness, type Harness } from '../testing/harness.js';
import { encodeRequestLine } from './raw-utf8-urls.js';

const curl = async (...args: string[]): Promise<{ status: number; body: string }> => {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
};

/** Writes raw bytes on one connection and returns everything the server answered until it closed. */
function rawExchange(base: string, bytes: Buffer[]): Promise<string> {
  const { port, hostname } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      for (const b of bytes) socket.write(b);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('raw UTF-8 in a request line', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('curl with a Chinese filter value as typed gets the rows of that district', async () => {
    const token = h.tokenFor('AA');
    const typed = `${h.base}/v1/datasets/${DS.PEOPLE}/records?filter=district:eq:莲都区&limit=5&fields=district`;
    const asTyped = await curl('-H', `Authorization: Bearer ${token}`, typed);
    expect(asTyped.status, asTyped.body).to.equal(200);
    const rows = (JSON.parse(asTyped.body) as { data: { district: string }[] }).data;
    expect(rows).to.have.length(5);
    expect(rows.every((r) => r.district === '莲都区')).to.equal(true);
    // The same question percent-encoded gets the same rows.
    const encoded = await curl('-H', `Authorization: Bearer ${token}`, encodeURI(typed));
    expect((JSON.parse(encoded.body) as { data: unknown[] }).data).to.deep.equal(rows);
  });

  it('a kept-alive second request and a body with raw UTF-8 are read as sent', async () => {
    const body = Buffer.from('{"grant_type":"莲都区"}');
    const answer = await rawExchange(h.base, [
      Buffer.from(`GET /v1/public/recipients?q=莲 HTTP/1.1\r\nHost: x\r\n\r\n`),
      Buffer.from(
        `POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]);
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    // The first request is served; the token request is refused for what its body says, not for its bytes.
    expect(statuses).to.deep.equal([200, 400]);
    expect(answer).to.contain('unsupported_grant_type');
  });

  it('encoding touches only bytes ≥ 0x80 before the first line feed, whatever the chunk holds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const chunk = Buffer.from(bytes);
        const out = encodeRequestLine(chunk);
        const lineEnd = chunk.indexOf(0x0a);
        const end = lineEnd < 0 ? chunk.length : lineEnd;
        // After the line: the same bytes. In the line: nothing ≥ 0x80 left, and decoding gives the line back.
        expect(out.subarray(out.length - (chunk.length - end)).equals(chunk.subarray(end))).to.equal(true);
        const line = out.subarray(0, out.length - (chunk.length - end));
        expect(line.every((b) => b < 0x80)).to.equal(true);
        const decoded = Buffer.from(
          line
            .toString('latin1')
            .replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        );
        // A '%' the client sent itself decodes too; compare after decoding the original the same way.
        const original = Buffer.from(
          chunk
            .subarray(0, end)
            .toString('latin1')
            .replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        );
        expect(decoded.equals(original)).to.equal(true);
      }),
    );
  });
});
