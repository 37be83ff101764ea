/**
 * Open connections per source address, capped where they are accepted. Every request on an open connection is
 * served in its turn on the one event loop, so a client holding hundreds of connections — even one whose every
 * request is refused at once, as a flood of bogus token requests is — takes hundreds of turns for each one of an
 * enterprise with a few: measured in figure 1b (docs/PERFORMANCE.md), 300 connections sending bogus secrets
 * left a data client 107 of the 2085 answers a second it asked for. A connection over the cap is closed as soon
 * as it is accepted, before a byte of it is read, which costs far less than answering it.
 *
 * The cap (RDX_MAX_CONNECTIONS_PER_ADDRESS, default 64) is far above what an enterprise's connection pool needs;
 * 0 turns it off, for a gateway that only sees a proxy's address (the proxy then limits its clients).
 */
import type { Server, Socket } from 'node:net';

export const MAX_CONNECTIONS_PER_ADDRESS_DEFAULT = 64;

/**
 * Caps `server`'s open connections per remote address at `max` (0: no cap), counted from acceptance to close;
 * `refused` is told of each connection closed on arrival.
 */
export function capConnectionsPerAddress(
  server: Server,
  max: number,
  refused: () => void = () => undefined,
): void {
  if (max === 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const n = open.get(address) ?? 0;
    if (n >= max) {
      refused();
      // Reset rather than a graceful close: nothing is owed to a connection never read from.
      socket.resetAndDestroy();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
