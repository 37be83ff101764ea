/**
 * The gateway's listening server around its Express app: plain HTTP on loopback, HTTPS wherever its callers
 * reach it over a network (config.ts decides which). Either way slow clients are cut off, curl's raw UTF-8 URLs
 * are read, one address's open connections are capped, each connection has one request in the app at a time,
 * and what Node refuses before Express still answers as a problem.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { capConnectionsPerAddress, type ConnectionCapOptions } from './connection-cap.js';
import { oneRequestPerConnection } from './one-request-per-connection.js';
import { acceptRawUtf8RequestLines } from './raw-utf8-urls.js';
import { problemBody, PROBLEMS, type ProblemCode } from '../problem.js';

export interface GatewayServerOptions {
  /** The PEM files of the certificate chain and key to serve HTTPS with; plain HTTP without. */
  https?: { certPath: string; keyPath: string };
  connectionCap: ConnectionCapOptions;
  /** How long a TLS client has to finish its handshake (ms; default 10 s). */
  handshakeTimeoutMs?: number;
}

/** Slow clients are cut off: headers within 10 s, the whole request within 30 s, checked every second. */
export const SLOW_CLIENT_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1000,
} as const;

export function createGatewayServer(express: RequestListener, opts: GatewayServerOptions): http.Server {
  const app = oneRequestPerConnection(express);
  // With HTTPS, the TLS handshake within 10 s too (handshakeTimeoutMs).
  const server = opts.https
    ? https.createServer(
        {
          ...SLOW_CLIENT_LIMITS,
          cert: fs.readFileSync(opts.https.certPath),
          key: fs.readFileSync(opts.https.keyPath),
          minVersion: 'TLSv1.2',
          handshakeTimeout: opts.handshakeTimeoutMs ?? 10_000,
        },
        app,
      )
    : http.createServer(SLOW_CLIENT_LIMITS, app);
  acceptRawUtf8RequestLines(server, opts.https ? 'secureConnection' : 'connection');
  // Counted on the raw connection, before any TLS handshake: a flood costs no handshakes either.
  capConnectionsPerAddress(server, opts.connectionCap);
  server.on('clientError', answerUnreadable);
  return server;
}

/**
 * What Node's HTTP parser refused, by its error code, said as a problem: the part of the request that was wrong.
 * (`llhttp`'s codes: https://github.com/nodejs/llhttp, `HPE_*`.)
 */
function unreadable(parserCode: string | undefined): { code: ProblemCode; detail: string } {
  switch (parserCode) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'HEADERS_TOO_LARGE',
        detail: 'The request line and headers are larger than the gateway reads (16 KB in all).',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        code: 'REQUEST_TIMEOUT',
        detail: 'The request did not arrive in time: its headers are read for 10 s, all of it for 30 s.',
      };
    case 'HPE_INVALID_URL':
      return {
        code: 'BAD_REQUEST',
        detail: "The request line's target is not a URL: it holds a control character, such as a NUL.",
      };
    case 'HPE_INVALID_METHOD':
      return { code: 'BAD_REQUEST', detail: "The request line's method is not one HTTP/1.1 knows." };
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED':
      return {
        code: 'BAD_REQUEST',
        detail: 'The request line is not "<method> <target> HTTP/1.1" ended by CR LF.',
      };
    case 'HPE_INVALID_HEADER_TOKEN':
      return {
        code: 'BAD_REQUEST',
        detail: 'A header holds a character HTTP does not allow in its name or value.',
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return {
        code: 'BAD_REQUEST',
        detail: "The body's framing is invalid: its Content-Length, Transfer-Encoding or chunk sizes.",
      };
    default:
      return {
        code: 'BAD_REQUEST',
        detail: `The request is not HTTP/1.1 the gateway can read (${parserCode ?? 'no code'}).`,
      };
  }
}

/**
 * What Node refuses before Express (a malformed request line, oversized headers), answered as a problem. A TLS
 * client that failed or never finished its handshake gets nothing: an answer written to it would wait for a
 * handshake that is not coming, and hold the connection open.
 */
function answerUnreadable(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || /^ERR_(TLS|SSL)_/.test(err.code ?? '')) return void socket.destroy();
  const { code, detail } = unreadable(err.code);
  const { status } = PROBLEMS[code];
  const body = JSON.stringify(problemBody(code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'none'\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the connection either.
  setTimeout(() => socket.destroy(), 1000).unref();
}
