/**
 * curl sends a URL as it was typed: `?filter=district:eq:莲都区` leaves as raw UTF-8 bytes, which Node's HTTP
 * parser refuses (HPE_INVALID_URL, a bare 400) before any route runs, even with its lenient flags. Browsers and
 * HTTP libraries percent-encode. So the server reads the first bytes of each connection before its parser does
 * and percent-encodes every byte ≥ 0x80 of the request line — the bytes a browser would have sent. Nothing else
 * changes: such bytes are invalid anywhere in a request line, so no request the parser accepted before is read
 * differently now, and the framing (headers, body lengths) is the parser's alone.
 *
 * Only the first request of a connection is read this way (curl opens a connection per command); a later request
 * on a kept-alive connection goes to the parser as sent, so the hot path of keep-alive clients, which encode
 * anyway, costs nothing.
 */
import type http from 'node:http';
import type net from 'node:net';

/** The bytes of `chunk` with each byte ≥ 0x80 before its first line feed percent-encoded. */
export function encodeRequestLine(chunk: Buffer): Buffer {
  const lineEnd = chunk.indexOf(0x0a);
  const end = lineEnd < 0 ? chunk.length : lineEnd;
  let raw = 0;
  for (let i = 0; i < end; i++) if (chunk[i]! >= 0x80) raw++;
  if (raw === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + 2 * raw);
  let o = 0;
  for (let i = 0; i < end; i++) {
    const b = chunk[i]!;
    if (b < 0x80) out[o++] = b;
    else {
      out[o++] = 0x25; // '%'
      out[o++] = HEX.charCodeAt(b >> 4);
      out[o++] = HEX.charCodeAt(b & 15);
    }
  }
  chunk.copy(out, o, end);
  return out;
}
const HEX = '0123456789ABCDEF';

/**
 * Puts the first-request reading in front of `server`'s own connection handling: the server's listener is
 * taken off and called with the socket once its first chunk has been read and put back, encoded. Over HTTPS the
 * request line is what the TLS socket reads, so the reading sits on `secureConnection`, after the handshake,
 * never on the raw connection's bytes.
 */
export function acceptRawUtf8RequestLines(
  server: http.Server,
  event: 'connection' | 'secureConnection' = 'connection',
): void {
  const handlers = server.listeners(event) as ((socket: net.Socket) => void)[];
  server.removeAllListeners(event);
  server.on(event, (socket: net.Socket) => {
    let handedOver = false;
    const handOver = (): void => {
      if (handedOver) return;
      handedOver = true;
      clearTimeout(timer);
      socket.removeListener('data', first);
      socket.removeListener('end', handOver);
      socket.removeListener('error', failed);
      for (const handle of handlers) handle.call(server, socket);
      socket.resume();
    };
    const first = (chunk: Buffer): void => {
      socket.pause();
      socket.unshift(encodeRequestLine(chunk));
      handOver();
    };
    // Until handed over no parser watches the socket: its errors end it here, and a client that sends nothing
    // for a second is handed over as it is, so the server's header and request timeouts apply to it as to any.
    const failed = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(handOver, FIRST_CHUNK_WAIT_MS);
    socket.on('data', first);
    socket.once('end', handOver);
    socket.once('error', failed);
  });
}
const FIRST_CHUNK_WAIT_MS = 1000;
