/**
 * Misuse signals on the real network (issue 17): an enterprise walks a restricted dataset of Market's end to end
 * through the real gateway; Market's inbox gets a strong `misuse.signal` proposing a suspension, the regulator
 * lists it over plain HTTP, and the grant keeps serving until a person of Market confirms — with the command
 * the proposal names, run by `rdx` with Market's admin identity — after which the next call is refused.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signAdminRequest } from '@rdx/client';
import { gatewayUrl, orgAdminIdentity, regulatorsFile, type RegulatorCredentials } from '@rdx/network';
import { Cli } from '../cli-helpers.js';
import { networkContext, paths, topology } from '../fabric-client.js';
import { eventually, getJson, regulatorToken, tokenFor } from '../gateway-client-e2e.js';
import { applyAndGetGrants, demand, onboard, Parties, runId, type TestEnterprise } from '../workflow.js';

const base = gatewayUrl({ topology });
const DATASET = 'market-penalties';
/** 600 rows: a walk of it is a few pages of 500. */
const ITEMS = ['case_no', 'uscc', 'entity_name', 'violation', 'fine_amount'];

interface Note {
  kind: string;
  subject: { id: string };
  detail?: { signal?: string; strength?: string; proposal?: { command: string } };
}

describe('misuse signals on the real network: a walked dataset, told to its body, a suspension a person confirms', () => {
  let p: Parties;
  let walker: TestEnterprise;
  let grantId: string;
  let token: string;
  const cliConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-cfg-'));

  before(async () => {
    p = new Parties();
    walker = await onboard(p, 'AA');
    ({
      grants: [grantId = ''],
    } = await applyAndGetGrants(p, walker.signer, `misuse-${runId}`, [demand(DATASET, 'MarketMSP', ITEMS)]));
    await eventually(
      async () => {
        token = await tokenFor(base, walker.creditCode, walker.privateKeyPem).catch(() => '');
        return (
          token !== '' &&
          (await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status === 200
        );
      },
      20_000,
      'the gateway serves the new grant',
    );
  });
  after(() => {
    fs.rmSync(cliConfig, { recursive: true, force: true });
    p.close();
  });

  it('walking the dataset raises a strong signal in Market’s inbox and the regulator’s list; the grant still serves', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await getJson(
        `${base}/v1/datasets/${DATASET}/records?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token,
      );
      expect(status).to.equal(200);
      cursor = (body.nextCursor as string | null) ?? null;
      pages++;
    } while (cursor);
    expect(pages).to.be.within(2, 3);

    const target = '/v1/admin/inbox?limit=200&unread=true';
    let told: Note | undefined;
    await eventually(
      async () => {
        let after = 0;
        // Market's unread notifications, page by page (it has many from other tests on a kept network).
        for (;;) {
          const url = `${target}&after=${after}`;
          const res = await fetch(`${base}${url}`, {
            headers: signAdminRequest(orgAdminIdentity(networkContext, 'MarketMSP'), {
              method: 'GET',
              path: url,
              contentSha256: crypto.createHash('sha256').digest('hex'),
            }),
          });
          const page = (await res.json()) as { data: Note[]; next: number };
          told ??= page.data.find((n) => n.kind === 'misuse.signal' && n.subject.id === grantId);
          if (told || page.data.length === 0 || page.next === after) break;
          after = page.next;
        }
        return told !== undefined;
      },
      10_000,
      "Market's misuse signal",
    );
    expect([told?.detail?.signal, told?.detail?.strength]).to.deep.equal(['walk', 'strong']);
    expect(told?.detail?.proposal?.command).to.match(
      new RegExp(`^rdx grant suspend ${grantId.replace(/\./g, '\\.')} `),
    );

    const regulator = await getJson(
      `${base}/v1/regulator/misuse-signals?body=MarketMSP`,
      await regulatorToken(base),
    );
    expect(regulator.status).to.equal(200);
    const listed = (regulator.body.data as { grantId?: string; kind: string }[]).filter(
      (s) => s.grantId === grantId,
    );
    expect(listed.map((s) => s.kind)).to.deep.equal(['walk']);
    // The same with rdx and the demo regulator's client credentials.
    const [inspector] = JSON.parse(
      fs.readFileSync(regulatorsFile({ paths }), 'utf8'),
    ) as RegulatorCredentials[];
    const byCli = await new Cli({
      RDX_GATEWAY_URL: base,
      XDG_CONFIG_HOME: cliConfig,
      RDX_CLIENT_ID: inspector!.clientId,
      RDX_CLIENT_SECRET: inspector!.clientSecret,
    }).ok<{ grantId?: string; strength: string }[]>(['misuse-signals', '--body', 'MarketMSP']);
    expect(byCli.filter((s) => s.grantId === grantId).map((s) => s.strength)).to.deep.equal(['strong']);
    // Nothing was suspended by the signal: the grant serves until a person decides.
    expect((await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status).to.equal(200);

    // Market's admin confirms with the command the proposal names: the next call is refused.
    const command = told!.detail!.proposal!.command.replace("<the body's admin>", 'admin.market');
    const args = command
      .match(/"[^"]*"|\S+/g)!
      .slice(1)
      .map((a) => a.replace(/^"|"$/g, ''));
    await new Cli({ RDX_GATEWAY_URL: base, XDG_CONFIG_HOME: cliConfig }).ok(args);
    await eventually(
      async () => (await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status === 403,
      10_000,
      'the confirmed suspension reaches the gateway',
    );
  });
});
