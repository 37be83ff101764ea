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
import { problemBody } from '../problem.js';

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
 * What Node refuses before Express (a malformed request line, oversized headers), answered as a problem. A TLS
 * client that failed or never finished its handshake gets nothing: an answer written to it would wait for a
 * handshake that is not coming, and hold the connection open.
 */
function answerUnreadable(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || /^ERR_(TLS|SSL)_/.test(err.code ?? '')) return void socket.destroy();
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    ...problemBody('BAD_REQUEST', 'The request could not be read.'),
    // Node answers these before any route: the status says which (431 headers too large, 408 too slow).
    status,
  });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'none'\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the connection either.
  setTimeout(() => socket.destroy(), 1000).unref();
}
