/**
 * Each party's inbox and webhooks over HTTP: an enterprise with its token, an opening body signing with its
 * staff's Fabric identity. A party never sees, changes or tests another party's.
 */
import { expect } from 'chai';
import { signAdminRequest, verifyWebhook, type Notification, type NotificationKind } from '@rdx/client';
import { CODE, sha256Hex } from '../testing/fixtures.js';
import { assertOk, assertProblem, DATASET_OWNERS, startHarness, type Harness } from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';
import { startRawReceiver, startReceiver } from '../testing/webhook-receiver.js';
import { TESTS_AT_ONCE, webhookUrlProblem } from './inbox.js';

const AA = `enterprise:${CODE.AA}`;
const AAA = `enterprise:${CODE.AAA}`;
const BODY = DATASET_OWNERS[0];

function note(id: string, kind: NotificationKind, recipient: string): Notification {
  return {
    id,
    kind,
    title: kind,
    recipient,
    subject: { type: 'grant', id: 'g' },
    txId: `t-${id}`,
    block: 1,
    at: '2026-11-30T00:00:00Z',
  };
}

describe('inbox and webhooks (issue 13)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.notifications.record(1, [
      note('n1', 'grant.suspended', AA),
      note('n2', 'grant.restored', AA),
      note('n3', 'grant.expired', AAA),
      note('n4', 'demand.received', `body:${BODY}`),
      note('n5', 'complaint.filed', `body:${DATASET_OWNERS[1]}`),
    ]);
  });
  after(() => h.close());

  it("an enterprise pages its own inbox, marks its own read, and never sees another's", async () => {
    const first = assertOk<{ data: Notification[]; next: number; more: boolean; unread: number }>(
      await h.get('/v1/inbox?limit=1', { as: 'AA' }),
    );
    expect(first.data.map((n) => n.id)).to.deep.equal(['n1']);
    expect(first.unread).to.equal(2);
    expect(first.more, 'n2 follows').to.equal(true);
    const rest = assertOk<{ data: Notification[]; more: boolean }>(
      await h.get(`/v1/inbox?after=${first.next}`, { as: 'AA' }),
    );
    expect(rest.data.map((n) => n.id)).to.deep.equal(['n2']);
    expect(rest.more).to.equal(false);
    const marked = assertOk<{ marked: number }>(
      await h.post('/v1/inbox/read', { as: 'AA', json: { ids: ['n1', 'n3', 'n4'] } }),
    );
    expect(marked.marked, "another's ids are not marked").to.equal(1);
    expect(
      assertOk<{ data: Notification[] }>(await h.get('/v1/inbox?unread=true', { as: 'AA' })).data.map(
        (n) => n.id,
      ),
    ).to.deep.equal(['n2']);
    expect(
      assertOk<{ data: Notification[] }>(await h.get('/v1/inbox', { as: 'AAA' })).data.map((n) => [
        n.id,
        n.readAt,
      ]),
    ).to.deep.equal([['n3', undefined]]);
  });

  it('refused: no token (401), a bad page (400), a bad mark (400)', async () => {
    assertProblem(await h.get('/v1/inbox'), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/inbox?limit=0', { as: 'AA' }), 400, 'BAD_REQUEST');
    assertProblem(await h.get('/v1/inbox?after=-1', { as: 'AA' }), 400, 'BAD_REQUEST');
    assertProblem(await h.post('/v1/inbox/read', { as: 'AA', json: { ids: [] } }), 400, 'BAD_REQUEST');
    assertProblem(await h.post('/v1/inbox/read', { as: 'AA', json: { ids: [1] } }), 400, 'BAD_REQUEST');
    const extra = await h.post('/v1/inbox/read', { as: 'AA', json: { ids: ['n1'], all: true } });
    assertProblem(extra, 400, 'BAD_REQUEST');
    expect((extra.body as { detail: string }).detail).to.equal(
      'unknown field "all": marking notifications read takes ids',
    );
  });

  it('a body reads its inbox with its admin or reviewer signature; a client identity, another org or no signature is refused', async () => {
    for (const role of ['admin', 'reviewer']) {
      const page = assertOk<{ data: Notification[] }>(
        await h.signedGet('/v1/admin/inbox', testOrg(BODY).identity(role)),
      );
      expect(page.data.map((n) => n.id)).to.deep.equal(['n4']);
    }
    const other = assertOk<{ data: Notification[] }>(
      await h.signedGet('/v1/admin/inbox', testOrg(DATASET_OWNERS[1]).identity('admin')),
    );
    expect(other.data.map((n) => n.id)).to.deep.equal(['n5']);
    assertProblem(await h.signedGet('/v1/admin/inbox', testOrg(BODY).identity('probe')), 403, 'FORBIDDEN');
    assertProblem(
      await h.signedGet('/v1/admin/inbox', testOrg('LS-STRANGER').identity('admin')),
      401,
      'TOKEN_INVALID',
    );
    assertProblem(await h.get('/v1/admin/inbox'), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/admin/inbox', { as: 'AA' }), 403, 'FORBIDDEN');
    const marked = assertOk<{ marked: number }>(
      await h.signedCall('POST', '/v1/admin/inbox/read', testOrg(BODY).identity('admin'), {
        ids: ['n4', 'n5'],
      }),
    );
    expect(marked.marked).to.equal(1);
    // The signed hash must be the body's: a body swapped after signing is refused.
    const headers = signAdminRequest(testOrg(BODY).identity('admin'), {
      method: 'POST',
      path: '/v1/admin/inbox/read',
      contentSha256: sha256Hex(JSON.stringify({ ids: ['n4'] })),
    });
    assertProblem(
      await h.call('POST', '/v1/admin/inbox/read', {
        body: JSON.stringify({ ids: ['n5'] }),
        headers: { 'content-type': 'application/json', ...headers },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it(`a party's webhook tests on their way at once: ${TESTS_AT_ONCE}, and another waits for their answers (429)`, async () => {
    // A receiver that takes the request and never answers holds each test for the attempt's 10 s.
    const silent = await startRawReceiver(() => undefined);
    const { url } = silent;
    try {
      const hook = assertOk<{ id: string }>(await h.post('/v1/webhooks', { as: 'AA', json: { url } }), 201);
      const waiting = Array.from({ length: TESTS_AT_ONCE }, () =>
        h.post(`/v1/webhooks/${hook.id}/test`, { as: 'AA' }),
      );
      while (silent.opened() < TESTS_AT_ONCE) await new Promise((r) => setTimeout(r, 10));
      const refused = await h.post(`/v1/webhooks/${hook.id}/test`, { as: 'AA' });
      assertProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.headers.get('retry-after')).to.equal('10');
      // Another party is not held back by them.
      const other = assertOk<{ id: string }>(await h.post('/v1/webhooks', { as: 'AAA', json: { url } }), 201);
      const theirs = h.post(`/v1/webhooks/${other.id}/test`, { as: 'AAA' });
      while (silent.opened() < TESTS_AT_ONCE + 1) await new Promise((r) => setTimeout(r, 10));
      await silent.stop();
      for (const reply of [...(await Promise.all(waiting)), await theirs])
        expect(assertOk<{ delivered: boolean }>(reply).delivered).to.equal(false);
      // Answered, they make room again.
      const receiver = await startReceiver();
      try {
        const again = assertOk<{ id: string }>(
          await h.post('/v1/webhooks', { as: 'AA', json: { url: receiver.url } }),
          201,
        );
        expect(
          assertOk<{ delivered: boolean }>(await h.post(`/v1/webhooks/${again.id}/test`, { as: 'AA' }))
            .delivered,
        ).to.equal(true);
        for (const [id, as] of [
          [hook.id, 'AA'],
          [again.id, 'AA'],
          [other.id, 'AAA'],
        ] as const)
          expect((await h.call('DELETE', `/v1/webhooks/${id}`, { as })).status).to.equal(204);
      } finally {
        await receiver.close();
      }
    } finally {
      await silent.stop();
    }
  });

  it('webhooks: registered (the secret once), listed, tested against a real receiver, removed — each party its own', async () => {
    const receiver = await startReceiver();
    const { url, got } = receiver;
    try {
      const hook = assertOk<{ id: string; secret: string; kinds: string[] }>(
        await h.post('/v1/webhooks', { as: 'AA', json: { url, kinds: ['grant.suspended'] } }),
        201,
      );
      expect(hook.secret).to.match(/^whsec_/);
      const listed = assertOk<{ data: Record<string, unknown>[] }>(await h.get('/v1/webhooks', { as: 'AA' }));
      expect(listed.data.map((w) => w.id)).to.deep.equal([hook.id]);
      expect(JSON.stringify(listed), 'the secret is shown once, at registration').to.not.include(hook.secret);
      expect(assertOk<{ data: unknown[] }>(await h.get('/v1/webhooks', { as: 'AAA' })).data).to.deep.equal(
        [],
      );

      const tested = assertOk<{ delivered: boolean; result: string }>(
        await h.post(`/v1/webhooks/${hook.id}/test`, { as: 'AA' }),
      );
      expect(tested).to.deep.include({ delivered: true, result: 'HTTP 204' });
      expect(verifyWebhook(hook.secret, got[0]!.headers, got[0]!.body).kind).to.equal('webhook.test');

      // Another enterprise: as if it did not exist.
      assertProblem(await h.post(`/v1/webhooks/${hook.id}/test`, { as: 'AAA' }), 404, 'NOT_FOUND');
      assertProblem(await h.get(`/v1/webhooks/${hook.id}/deliveries`, { as: 'AAA' }), 404, 'NOT_FOUND');
      assertProblem(await h.call('DELETE', `/v1/webhooks/${hook.id}`, { as: 'AAA' }), 404, 'NOT_FOUND');
      // A new notification is owed to it; the delivery log shows it.
      h.notifications.record(2, [note('n6', 'grant.suspended', AA), note('n7', 'grant.restored', AA)]);
      const log = assertOk<{ data: { notificationId: string; state: string }[] }>(
        await h.get(`/v1/webhooks/${hook.id}/deliveries`, { as: 'AA' }),
      );
      expect(log.data.map((d) => [d.notificationId, d.state])).to.deep.equal([['n6', 'pending']]);
      expect((await h.call('DELETE', `/v1/webhooks/${hook.id}`, { as: 'AA' })).status).to.equal(204);
      expect(assertOk<{ data: unknown[] }>(await h.get('/v1/webhooks', { as: 'AA' })).data).to.deep.equal([]);

      // A body registers its own, signed; kinds must be a body's.
      const bodyHook = assertOk<{ id: string }>(
        await h.signedCall('POST', '/v1/admin/webhooks', testOrg(BODY).identity('admin'), {
          url,
          kinds: ['demand.received'],
        }),
        201,
      );
      assertProblem(
        await h.signedCall('POST', '/v1/admin/webhooks', testOrg(BODY).identity('admin'), {
          url,
          kinds: ['grant.suspended'],
        }),
        400,
        'BAD_REQUEST',
      );
      const bodyList = assertOk<{ data: { id: string }[] }>(
        await h.signedGet('/v1/admin/webhooks', testOrg(BODY).identity('reviewer')),
      );
      expect(bodyList.data.map((w) => w.id)).to.deep.equal([bodyHook.id]);
      assertProblem(
        await h.signedCall(
          'DELETE',
          `/v1/admin/webhooks/${bodyHook.id}`,
          testOrg(DATASET_OWNERS[1]).identity('admin'),
        ),
        404,
        'NOT_FOUND',
      );
      assertOk(
        await h.signedCall(
          'POST',
          `/v1/admin/webhooks/${bodyHook.id}/test`,
          testOrg(BODY).identity('admin'),
          {},
        ),
      );
      assertOk(
        await h.signedGet(`/v1/admin/webhooks/${bodyHook.id}/deliveries`, testOrg(BODY).identity('admin')),
      );
      expect(
        (await h.signedCall('DELETE', `/v1/admin/webhooks/${bodyHook.id}`, testOrg(BODY).identity('admin')))
          .status,
      ).to.equal(204);
    } finally {
      await receiver.close();
    }
  });

  it('a webhook address is HTTPS, or HTTP to this machine only; kinds are the party’s', async () => {
    for (const ok of [
      'https://hooks.example.cn/rdx',
      'http://127.0.0.1:9000/x',
      'http://localhost/x',
      'http://[::1]:8080/',
    ])
      expect(webhookUrlProblem(ok, { private: false, loopback: true }), ok).to.equal(undefined);
    for (const bad of [
      'http://10.0.0.8/x',
      'http://hooks.example.cn/',
      'ftp://x/',
      'https://u:p@x.cn/',
      'not a url',
      7,
      'https://x/' + 'a'.repeat(2100),
    ])
      expect(webhookUrlProblem(bad, { private: false, loopback: true }), String(bad)).to.be.a('string');
    assertProblem(
      await h.post('/v1/webhooks', { as: 'AA', json: { url: 'http://10.0.0.8/x' } }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(
      await h.post('/v1/webhooks', { as: 'AA', json: { url: 'https://x.cn/', kinds: ['demand.received'] } }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(await h.post('/v1/webhooks', { json: { url: 'https://x.cn/' } }), 401, 'TOKEN_MISSING');
    // "kind" for "kinds": taken as no kinds, it would have subscribed the webhook to every kind.
    const misspelt = await h.post('/v1/webhooks', {
      as: 'AA',
      json: { url: 'https://x.cn/', kind: ['grant.suspended'] },
    });
    assertProblem(misspelt, 400, 'BAD_REQUEST');
    expect((misspelt.body as { detail: string }).detail).to.equal(
      'unknown field "kind": a webhook takes url and kinds',
    );
    expect(assertOk<{ data: unknown[] }>(await h.get('/v1/webhooks', { as: 'AA' })).data).to.deep.equal([]);
  });

  it('a webhook address with a lone surrogate is refused, not registered as another address', async () => {
    for (const url of ['https://example.com/\ud800', 'https://example.com/?q=\udc00x']) {
      const reply = await h.post('/v1/webhooks', { as: 'AA', json: { url } });
      assertProblem(reply, 400, 'BAD_REQUEST');
      expect((reply.body as { detail: string }).detail).to.equal(
        'url must be well-formed Unicode text: it holds a lone surrogate',
      );
    }
    const signed = await h.signedCall('POST', '/v1/admin/webhooks', testOrg(BODY).identity('admin'), {
      url: 'https://example.com/\ud800',
    });
    assertProblem(signed, 400, 'BAD_REQUEST');
    expect(assertOk<{ data: unknown[] }>(await h.get('/v1/webhooks', { as: 'AA' })).data).to.deep.equal([]);
  });

  it('a complaint an enterprise files through the gateway is remembered as its own, to tell it the outcome', async () => {
    const filed = {
      id: 'c-mine',
      datasetId: 'ls-people',
      category: 'quality',
      facts: '数据中的地址字段有大量缺失。',
    };
    assertOk(
      await h.post('/v1/complaints', { as: 'AA', json: h.signer('AA').sign('FileComplaint', filed) }),
      201,
    );
    expect(h.notifications.complainantOf('c-mine')).to.equal(AA);
    expect(h.notifications.complainantOf('c-unknown')).to.equal(undefined);
  });
});
