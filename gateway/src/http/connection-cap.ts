/**
 * Open connections per source address (an IPv6 caller's /64: http/caller-address.ts), capped where they are
 * accepted. Every request on an open connection is served in its turn on the one event loop, so a client holding
 * hundreds of connections — even one whose every request is refused at once, as a flood of bogus token requests
 * is — takes hundreds of turns for each one of an enterprise with a few: measured in figure 1b
 * (docs/PERFORMANCE.md), 300 connections sending bogus secrets left a data client 107 of the 2085 answers a
 * second it asked for.
 *
 * A connection over the cap reaches none of the server's own handling: nothing of it is read, and it is reset
 * after being held as long as a late refusal is (RDX_RATE_REFUSAL_DELAY_MS, http/late-refusal.ts) — reset at
 * once, a flooding client reconnected at once, and accepting and resetting ~6000 connections a second was most
 * of what the flood still cost (figure 1b). At most {@link MAX_HELD_CONNECTIONS} are held at a time, so a flood
 * of many connections cannot run the gateway out of file descriptors; past that they are reset at once.
 *
 * The cap (RDX_MAX_CONNECTIONS_PER_ADDRESS, default 64) is far above what an enterprise's connection pool needs;
 * 0 turns it off. A trusted reverse proxy's connections (RDX_GATEWAY_TRUSTED_PROXIES) are not counted: they carry
 * many callers, whom the proxy limits.
 */
import type { Server, Socket } from 'node:net';
import { addressNetwork, plainAddress } from './caller-address.js';

export const MAX_CONNECTIONS_PER_ADDRESS_DEFAULT = 64;
/** Over-cap connections held at once, all addresses together; more are reset as they arrive. */
export const MAX_HELD_CONNECTIONS = 256;

export interface ConnectionCapOptions {
  /** Open connections one address may hold (0: no cap). */
  max: number;
  /** How long a connection over the cap is held, unread, before its reset (ms; 0: reset at once). */
  holdMs: number;
  /** Told of each connection refused. */
  refused?: () => void;
  /**
   * Addresses not capped: the trusted reverse proxies (http/caller-address.ts), each carrying many callers over
   * its connections; the proxy limits its own clients.
   */
  uncapped?: (address: string) => boolean;
}

/**
 * Caps `server`'s open connections per remote address, counted from acceptance to close. The server's own
 * connection listeners (the HTTP parser's, and any put in front of it) are taken off and called only for the
 * connections let in, so call this after them.
 */
export function capConnectionsPerAddress(server: Server, opts: ConnectionCapOptions): void {
  if (opts.max === 0) return;
  const admit = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const open = new Map<string, number>();
  let held = 0;
  server.on('connection', (socket: Socket) => {
    const remote = plainAddress(socket.remoteAddress);
    if (opts.uncapped?.(remote) === true) {
      for (const listener of admit) listener.call(server, socket);
      return;
    }
    const address = addressNetwork(remote);
    const n = open.get(address) ?? 0;
    if (n >= opts.max) {
      opts.refused?.();
      if (opts.holdMs === 0 || held >= MAX_HELD_CONNECTIONS) return void socket.resetAndDestroy();
      held++;
      hold(socket, opts.holdMs, () => held--);
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
    for (const listener of admit) listener.call(server, socket);
  });
}

/**
 * Keeps `socket` unread for `ms`, then resets it (a reset rather than a close: nothing is owed to it). Unread, it
 * does not notice a client that hangs up first: its place is free when the hold ends, not before.
 */
function hold(socket: Socket, ms: number, released: () => void): void {
  socket.pause();
  // No parser listens to it: an error (the client resetting first) would otherwise be thrown.
  socket.on('error', () => undefined);
  const timer = setTimeout(() => socket.resetAndDestroy(), ms);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    released();
  });
}
