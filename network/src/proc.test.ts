import { expect } from 'chai';
import net from 'node:net';
import { portHeld } from './proc.js';

/** A listener on a free loopback port. */
async function listener(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

describe('whether a port is held by another program', () => {
  it('a port its process lets go of within the release time is free: a service restarted at once starts', async () => {
    const { server, port } = await listener();
    // As a process just stopped, whose exiting threads still hold its sockets a moment.
    setTimeout(() => server.close(), 400);
    expect(await portHeld('127.0.0.1', port, 5000)).to.equal(false);
  });

  it('a port still taken when the release time is up is held, and a free one is not', async () => {
    const { server, port } = await listener();
    try {
      expect(await portHeld('127.0.0.1', port, 300)).to.equal(true);
    } finally {
      server.close();
    }
    expect(await portHeld('127.0.0.1', port, 300)).to.equal(false);
  });
});
