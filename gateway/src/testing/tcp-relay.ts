/**
 * A TCP relay to a port on 127.0.0.1 for tests: it passes bytes both ways and adds nothing (a port forward, as
 * `ssh -L` is), and can be frozen, as a hung host looks from its clients: connections stay open, nothing passes.
 */
import net from 'node:net';

export interface TcpRelay {
  /** The relay's own port on 127.0.0.1. */
  port: number;
  /** While on, nothing passes either way; off, everything held passes. */
  freeze(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpRelay(port: number): Promise<TcpRelay> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => to.write(chunk));
      from.on('error', () => to.destroy());
      from.on('close', () => (to.destroy(), sockets.delete(from)));
      if (frozen) from.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: (on) => {
      frozen = on;
      for (const socket of sockets) {
        if (on) socket.pause();
        else socket.resume();
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
