import { expect } from 'chai';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { listenerUids, portHeld, refuseHeldPort } from './proc.js';

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

describe('who holds a port the platform needs', () => {
  it('the uid of each listener on the port is found; a free port has none', async () => {
    const { server, port } = await listener();
    try {
      expect(listenerUids(port)).to.deep.equal([process.getuid!()]);
    } finally {
      server.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(listenerUids(port)).to.deep.equal([]);
  });

  it('another user’s process on the gateway’s port is named as one answering in its place, not as a port in use', async function () {
    // Only root can start a process as another user here.
    if (process.getuid?.() !== 0) return this.skip();
    this.timeout(20_000);
    const impostor = spawn(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        // Perl (Debian's perl-base is always there): nobody may not reach this checkout's Node.
        'perl',
        '-MIO::Socket::INET',
        '-e',
        '$| = 1; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 16) or die; print $s->sockport, "\\n"; while (my $c = $s->accept) { close $c }',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    try {
      const port = await new Promise<number>((resolve) =>
        impostor.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      const refused = await refuseHeldPort(
        { host: '127.0.0.1', port },
        'the gateway',
        'RDX_GATEWAY_PORT',
      ).then(
        () => undefined,
        (err: Error) => err.message,
      );
      expect(refused).to.match(
        new RegExp(
          `^Port ${port} on 127\\.0\\.0\\.1, needed by the gateway, is held by another user's process \\(uid 65534\\): it answers in the gateway's place`,
        ),
      );
    } finally {
      // The whole group: runuser and the listener it runs as nobody.
      process.kill(-impostor.pid!, 'SIGKILL');
    }
  });
});
