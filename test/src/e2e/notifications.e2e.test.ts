/**
 * Notifications on the real network (issue 13): an enterprise and two opening bodies register webhooks with a
 * receiver on loopback that verifies every signature; a whole workflow runs while the gateway is killed with -9
 * half way (the supervisor starts it again). Every notification of the workflow arrives at least once, every
 * repeat under the same id; each party gets its own and nothing of another's; the inboxes hold the same ones,
 * read through the SDK and `rdx inbox` as the enterprise and as Market's admin. The enterprise also has a webhook
 * at a hostile receiver that answers `101 Switching Protocols`, which once stopped every party's deliveries.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  EnterpriseSession,
  PublicGatewayApi,
  RdxLedger,
  verifyWebhook,
  type Notification,
} from '@rdx/client';
import { chinaToday, gatewayUrl, orgAdminIdentity, readPid, waitForBlock } from '@rdx/network';
import { Cli } from '../cli-helpers.js';
import { defined } from '../expectations.js';
import { paths, topology } from '../fabric-client.js';
import { eventually, tokenFor } from '../gateway-client-e2e.js';
import { applyAndGetGrants, demand, onboard, Parties, runId, type TestEnterprise } from '../workflow.js';

const base = gatewayUrl({ topology });
const plusDays = (day: string, n: number): string =>
  new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);
const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name'];

interface Received {
  hook: string;
  id: string;
  notification: Notification;
}

/** A webhook receiver: one path per registration, each checked with its own secret; fails the first `failFirst`. */
async function receiver(failFirst: number): Promise<{
  url: (name: string) => string;
  secrets: Map<string, string>;
  got: Received[];
  rejected: string[];
  close(): Promise<void>;
}> {
  const secrets = new Map<string, string>();
  const got: Received[] = [];
  const rejected: string[] = [];
  let toFail = failFirst;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const hook = (req.url ?? '').slice(1);
      try {
        const notification = verifyWebhook(
          defined(secrets.get(hook), `a secret for ${hook}`),
          req.headers,
          body,
        );
        if (toFail-- > 0) return void res.writeHead(503).end();
        got.push({ hook, id: String(req.headers['webhook-id']), notification });
        res.writeHead(204).end();
      } catch (err) {
        rejected.push(`${hook}: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    secrets,
    got,
    rejected,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A receiver that answers every request `101 Switching Protocols` and keeps the connection open. */
async function upgrader(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let hits = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket.on('error', () => undefined));
    socket.once('data', () => {
      hits++;
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/upgrade`,
    hits: () => hits,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('notifications: webhooks and inboxes, through a gateway killed half way (real network)', () => {
  let p: Parties;
  let acme: TestEnterprise;
  let bystander: TestEnterprise;
  let r: Awaited<ReturnType<typeof receiver>>;
  let hostile: Awaited<ReturnType<typeof upgrader>>;
  let hostileHook = '';
  let grantId = '';
  let complaintId = '';
  /** The bodies' webhooks this run registered, removed at the end. */
  const bodyHooks: [string, string][] = [];
  const appId = `notify-${runId}`;
  const agreementId = `${appId}.MarketMSP`;
  const gateway = new PublicGatewayApi(base);
  const market = () => gateway.bodyNotifications(orgAdminIdentity({ paths, topology }, 'MarketMSP'));
  const transport = () => gateway.bodyNotifications(orgAdminIdentity({ paths, topology }, 'TransportMSP'));

  before(async () => {
    p = new Parties();
    r = await receiver(3);
    hostile = await upgrader();
    [acme, bystander] = [await onboard(p, 'AA'), await onboard(p, 'AA')];
    // The gateway knows an enterprise a moment after onboarding.
    for (const e of [acme, bystander])
      await eventually(
        async () => (await tokenFor(base, e.creditCode, e.privateKeyPem).catch(() => '')) !== '',
        15_000,
        'the gateway sees the enterprise',
      );
    // The bodies outlive a run on a reused network: their webhooks from earlier runs (receivers long gone, on
    // loopback) go first, or ten runs would reach a body's limit of ten.
    for (const body of [market(), transport()])
      for (const hook of await body.webhooks())
        if (hook.url.startsWith('http://127.0.0.1:')) await body.removeWebhook(hook.id);
    const register = async (name: string, add: (url: string) => Promise<{ id: string; secret: string }>) => {
      const hook = await add(r.url(name));
      r.secrets.set(name, hook.secret);
      if (name === 'market' || name === 'transport') bodyHooks.push([name, hook.id]);
    };
    const session = (e: TestEnterprise) =>
      EnterpriseSession.withPrivateKey(base, e.creditCode, e.privateKeyPem);
    await register('acme', (url) => session(acme).notifications.addWebhook({ url }));
    hostileHook = (await session(acme).notifications.addWebhook({ url: hostile.url })).id;
    await register('bystander', (url) => session(bystander).notifications.addWebhook({ url }));
    await register('market', (url) =>
      market().addWebhook({ url, kinds: ['demand.received', 'agreement.signed', 'complaint.filed'] }),
    );
    await register('transport', (url) => transport().addWebhook({ url }));
  });
  after(async () => {
    for (const [name, id] of bodyHooks) await (name === 'market' ? market() : transport()).removeWebhook(id);
    p?.close();
    await r?.close();
    await hostile?.close();
  });

  it('every notification of the workflow arrives, signed, at least once, though the gateway is killed half way', async () => {
    // A grant that ends in 20 days: once the restarted gateway has its view, it tells the holder (30-day notice).
    const { grants } = await applyAndGetGrants(p, acme.signer, appId, [demand(DATASET, 'MarketMSP', ITEMS)], {
      validUntil: plusDays(chinaToday(), 20),
      dailyQuota: 1000,
    });
    grantId = defined(grants[0], 'a grant');
    // Killed with -9 while the next changes are committed; the supervisor starts it again.
    const pid = defined(readPid(paths, 'gateway'), 'the gateway is running');
    process.kill(pid, 'SIGKILL');
    const grant = new RdxLedger(p.market).grant;
    await waitForBlock(
      BigInt((await grant.suspend({ id: grantId, reason: 'violation', note: '核查使用情况' })).blockNumber),
    );
    await waitForBlock(BigInt((await grant.restore({ id: grantId, note: '核查完毕' })).blockNumber));
    await eventually(
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true,
      60_000,
      'the gateway is back and follows the ledger',
    );
    // An enterprise's complaint about the data, through the restarted gateway; Market answers it.
    const filed = await EnterpriseSession.withPrivateKey(
      base,
      acme.creditCode,
      acme.privateKeyPem,
    ).fileComplaint({
      datasetId: DATASET,
      grantId,
      category: 'quality',
      facts: '地址字段缺失较多,请核实后更新。',
    });
    complaintId = filed.complaint.id;
    await waitForBlock(
      BigInt(
        (
          await new RdxLedger(p.market).complaint.resolve({
            id: complaintId,
            decision: 'upheld',
            note: '已补全地址字段',
          })
        ).blockNumber,
      ),
    );

    const expected: [string, string, string][] = [
      ['acme', 'application.approved', appId],
      ['acme', 'agreement.awaiting-signature', agreementId],
      ['acme', 'agreement.in-force', agreementId],
      ['acme', 'grant.suspended', grantId],
      ['acme', 'grant.restored', grantId],
      ['acme', 'grant.expiring', grantId],
      ['market', 'demand.received', appId],
      ['market', 'agreement.signed', agreementId],
      ['market', 'complaint.filed', complaintId],
      ['acme', 'complaint.resolved', complaintId],
    ];
    const arrived = (): [string, string, string][] =>
      r.got.map((g) => [g.hook, g.notification.kind, g.notification.subject.id]);
    await eventually(
      () => Promise.resolve(expected.every((e) => arrived().some((a) => a.join() === e.join()))),
      90_000,
      'every expected notification delivered',
    );
    expect(r.rejected, 'deliveries whose signature did not verify').to.deep.equal([]);
    // The same notifications went to the hostile receiver too: each attempt failed there, and held back nothing.
    expect(hostile.hits(), 'attempts at the receiver answering 101').to.be.at.least(1);
    const attempts = await EnterpriseSession.withPrivateKey(
      base,
      acme.creditCode,
      acme.privateKeyPem,
    ).notifications.deliveries(hostileHook);
    expect(
      attempts.filter((d) => d.lastResult === 'HTTP 101').length,
      JSON.stringify(attempts),
    ).to.be.at.least(1);
    expect(attempts.every((d) => d.state !== 'delivered')).to.equal(true);
    // Repeats (a delivery in flight at the kill, the receiver's first refusals) carry the same id and content.
    const byId = new Map<string, string>();
    for (const g of r.got) {
      const seen = byId.get(g.id);
      if (seen !== undefined) expect(JSON.stringify(g.notification), `repeat of ${g.id}`).to.equal(seen);
      byId.set(g.id, JSON.stringify(g.notification));
      expect(g.notification.id).to.equal(g.id);
    }
  });

  it('each party gets only its own: nothing of this workflow reaches the bystander or Transport; Market only the kinds it chose', () => {
    const about = (g: Received) =>
      [appId, agreementId, grantId, complaintId].includes(g.notification.subject.id);
    expect(
      r.got.filter((g) => g.hook === 'bystander' && about(g)).map((g) => g.notification.kind),
    ).to.deep.equal([]);
    expect(
      r.got.filter((g) => g.hook === 'transport' && about(g)).map((g) => g.notification.kind),
    ).to.deep.equal([]);
    for (const g of r.got) {
      const owner = {
        acme: `enterprise:${acme.creditCode}`,
        bystander: `enterprise:${bystander.creditCode}`,
        market: 'body:MarketMSP',
        transport: 'body:TransportMSP',
      }[g.hook];
      expect(g.notification.recipient, `${g.hook} got ${g.notification.kind}`).to.equal(owner);
    }
    expect(new Set(r.got.filter((g) => g.hook === 'market').map((g) => g.notification.kind))).to.satisfy(
      (kinds: Set<string>) =>
        [...kinds].every((k) => ['demand.received', 'agreement.signed', 'complaint.filed'].includes(k)),
    );
  });

  it('the inboxes hold the same notifications, and the enterprise lists its own applications and agreements', async () => {
    const session = EnterpriseSession.withPrivateKey(base, acme.creditCode, acme.privateKeyPem);
    // Its own business in one place: the application approved, the agreement in force with its next duty.
    const apps = await session.applications();
    expect(apps.find((a) => a.id === appId)).to.deep.include({ state: 'APPROVED' });
    const agreements = await session.agreements();
    const inForce = defined(
      agreements.find((a) => a.id === agreementId),
      'the agreement listed',
    );
    expect([inForce.state, inForce.next.by]).to.deep.equal(['IN_FORCE', 'you']);
    expect(inForce.next.what).to.match(/rdx report product/);
    const page = await session.notifications.inbox({ limit: 200 });
    const delivered = new Set(r.got.filter((g) => g.hook === 'acme').map((g) => g.id));
    expect(page.data.map((n) => n.id).filter((id) => delivered.has(id)).length).to.equal(delivered.size);
    const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-inbox-cfg-'));
    try {
      const keyFile = path.join(cfg, 'acme.key.pem');
      fs.writeFileSync(keyFile, acme.privateKeyPem, { mode: 0o600 });
      const cli = new Cli({ RDX_GATEWAY_URL: base, XDG_CONFIG_HOME: cfg });
      const mine = await cli.ok<{ data: Notification[]; unread: number }>([
        'inbox',
        '--client-id',
        acme.creditCode,
        '--key-file',
        keyFile,
      ]);
      expect(mine.data.map((n) => n.kind)).to.include.members([
        'application.approved',
        'grant.suspended',
        'grant.restored',
      ]);
      const marked = await cli.ok<{ marked: number }>([
        'inbox',
        '--mark-read',
        mine.data.map((n) => n.id).join(','),
        '--client-id',
        acme.creditCode,
        '--key-file',
        keyFile,
      ]);
      expect(marked.marked).to.equal(mine.data.length);
      const after = await cli.ok<{ data: Notification[]; unread: number }>([
        'inbox',
        '--client-id',
        acme.creditCode,
        '--key-file',
        keyFile,
      ]);
      expect([after.data.length, after.unread]).to.deep.equal([0, 0]);
      const body = await everyNotification(cli, 'admin.market');
      expect(body.filter((n) => n.subject.id === appId).map((n) => n.kind)).to.deep.equal([
        'demand.received',
      ]);
      const other = await everyNotification(cli, 'admin.transport');
      expect(other.filter((n) => [appId, agreementId].includes(n.subject.id))).to.deep.equal([]);
    } finally {
      fs.rmSync(cfg, { recursive: true, force: true });
    }
  });
});

/**
 * Every notification of a body's inbox, read and unread, page after page (`rdx inbox --all --after <next>`) while
 * the gateway says more follow: a network kept from earlier runs holds more than one page, oldest first.
 */
async function everyNotification(cli: Cli, as: string): Promise<Notification[]> {
  const all: Notification[] = [];
  const page = (after: number) =>
    cli.ok<{ data: Notification[]; next: number; more: boolean }>([
      'inbox',
      '--all',
      '--after',
      String(after),
      '--as',
      as,
    ]);
  for (let after = 0; ;) {
    const { data, next, more } = await page(after);
    all.push(...data);
    after = next;
    if (!more) return all;
  }
}
