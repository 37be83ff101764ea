/**
 * The demo, seeded by `npm start` where missing: the synthetic Lishui datasets registered by their bodies,
 * versions recorded on the ledger and loaded into the gateway; demo enterprises rated A, AA and AAA with
 * keys and client credentials in `.rdx/demo/`; and live grants for AA and AAA through the full workflow.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EnterpriseSigner, signAdminRequest, type AdminIdentity } from '@rdx/client';
import { parseDatasetFile } from '@rdx/gateway';
import { DEMO_ENTERPRISES, type DemoDataset } from './demo-data.js';
import { keptDemoDatasets } from './kept-datasets.js';
import { seedBodyAccounts, seedConsoleAccounts } from './console-accounts.js';
import { keptSecret, reseedCredentials } from './demo-credentials.js';
import type { NetworkContext } from '../context.js';
import { gatewayUrl } from '../platform-paths.js';
import { trustGatewayRoot } from '../gateway-trust.js';
import { sendingAfter } from '../ledger-setup.js';
import { awaitedLater, sleep } from '../proc.js';
import { orgOf } from '../topology.js';
import { applyAndGetGrants, find, Parties, submit } from '../workflow-driver.js';

export interface DemoEnterpriseCredentials {
  name: string;
  creditCode: string;
  rating: string;
  clientId: string;
  clientSecret: string;
  /** The enterprise's ES256 private key (PEM): signs its applications and agreements, or a private_key_jwt. */
  privateKeyFile: string;
}

export function demoDir(ctx: NetworkContext): string {
  return path.join(ctx.paths.home, 'demo');
}

/** Demo grants: which enterprise gets which items of which dataset. */
const DEMO_GRANTS: {
  level: 'AA' | 'AAA';
  appId: string;
  demands: { datasetId: string; mspId: string; items: string[] }[];
}[] = [
  {
    level: 'AA',
    appId: 'demo-credit-profile',
    demands: [
      {
        datasetId: 'market-entities',
        mspId: 'MarketMSP',
        items: [
          'uscc',
          'entity_name',
          'entity_type',
          'legal_rep_name',
          'legal_rep_phone',
          'district',
          'registered_capital',
          'registered_on',
          'status',
        ],
      },
    ],
  },
  {
    level: 'AAA',
    appId: 'demo-logistics-risk',
    demands: [
      {
        datasetId: 'market-penalties',
        mspId: 'MarketMSP',
        items: [
          'case_no',
          'uscc',
          'entity_name',
          'violation',
          'penalty_type',
          'fine_amount',
          'decided_on',
          'district',
        ],
      },
      {
        datasetId: 'transport-vehicles',
        mspId: 'TransportMSP',
        items: [
          'plate_no',
          'vehicle_type',
          'operator_uscc',
          'operator_name',
          'owner_name',
          'owner_phone',
          'seats',
          'tonnage',
          'inspection_due',
          'district',
        ],
      },
    ],
  },
];

/** The certificate and key of an org's admin, as enrolled by its CA: it signs the body's admin requests. */
export function orgAdminIdentity(
  ctx: Pick<NetworkContext, 'paths' | 'topology'>,
  mspId: string,
): AdminIdentity {
  const msp = ctx.paths.identityMsp(orgOf(ctx.topology, mspId).short, 'admin');
  return {
    certificatePem: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: fs.readFileSync(path.join(msp, 'keystore', 'key.pem'), 'utf8'),
  };
}

/** A demo dataset with its file's bytes and their SHA-256: what the ledger records and the gateway is sent. */
interface DemoFile {
  demo: DemoDataset;
  bytes: Buffer;
  hash: string;
}

function fileOf(demo: DemoDataset): DemoFile {
  const bytes = Buffer.from(demo.csv, 'utf8');
  return { demo, bytes, hash: crypto.createHash('sha256').update(bytes).digest('hex') };
}

/** {@link submit}, sent once the start's `writable` settles ({@link sendingAfter}). */
type Write = typeof submit;

/** The dataset on the ledger: registered by its body, listed by the bureau, its version v1 recorded. */
async function recordDataset(
  ctx: NetworkContext,
  p: Parties,
  write: Write,
  { demo, bytes, hash }: DemoFile,
): Promise<void> {
  const { dataset, owner } = demo;
  const body = p.body(owner);
  if (!(await find(p.bureau, 'catalog', 'GetDataset', dataset.id))) {
    ctx.log(`  dataset ${dataset.id} (${dataset.name}) registered by ${owner}`);
    await write(body, 'catalog', 'RegisterDataset', JSON.stringify(dataset));
  }
  // Listed once the bureau has reviewed it (Z13); the demo's bureau approves its own demo data.
  const listing = (await find(p.bureau, 'catalog', 'GetDataset', dataset.id)) as {
    listing?: { state: string };
  };
  if (listing.listing?.state === 'DRAFT') {
    ctx.log(`  dataset ${dataset.id} listed in the catalogue by the bureau`);
    await write(p.bureau, 'catalog', 'ReviewListing', dataset.id, 'approve');
  }
  const current = (await find(p.bureau, 'catalog', 'GetDataset', dataset.id)) as {
    versions: { version: string }[];
  };
  if (!current.versions.some((v) => v.version === 'v1')) {
    const rows = parseDatasetFile(bytes, 'csv', dataset.items).length;
    await write(body, 'catalog', 'RecordDatasetVersion', dataset.id, 'v1', hash, String(rows));
  }
}

/**
 * The version's rows loaded into the gateway at `url` (it takes two uploads at a time: one after another here).
 */
/**
 * What a gateway's answer to the upload of a demo version means: loaded (now or before); a newer version is
 * served, which the body loaded since — the demo's v1 is history and stays so (a start after that exited 2 with
 * its demo step cut short); not there yet (the gateway's view has not caught up with the recording: ask again);
 * or refused.
 */
export function demoUploadOutcome(
  status: number,
  code: string | undefined,
): 'loaded' | 'not yet' | 'refused' {
  if (status >= 200 && status < 300) return 'loaded';
  // INVALID_STATE is the version upload's one refusal for a version older than the one served (routes/admin.ts).
  if (status === 409 && code === 'INVALID_STATE') return 'loaded';
  return status === 404 ? 'not yet' : 'refused';
}

async function loadIntoGateway(
  ctx: NetworkContext,
  { demo, bytes, hash }: DemoFile,
  url = gatewayUrl(ctx),
): Promise<void> {
  const { dataset, owner } = demo;
  // The gateway accepts the bytes once its view shows the version the body recorded; the upload is signed
  // by the body's admin, the identity that recorded it.
  const urlPath = `/v1/admin/datasets/${dataset.id}/versions/v1`;
  const admin = orgAdminIdentity(ctx, owner);
  trustGatewayRoot(ctx);
  for (let attempt = 0; ; attempt++) {
    const signature = signAdminRequest(admin, { method: 'PUT', path: urlPath, contentSha256: hash });
    const res = await fetch(`${url}${urlPath}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', ...signature },
      body: bytes,
    });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      // not a problem answer: its status says enough
    }
    const outcome = demoUploadOutcome(res.status, code);
    if (outcome === 'loaded') return;
    if (outcome === 'refused' || attempt > 100)
      throw new Error(`loading ${dataset.id} into ${url}: ${res.status} ${text}`);
    await sleep(200);
  }
}

/**
 * Loads version v1 of a demo dataset into another gateway of the bureau (at `url`), signed by its owner's admin:
 * the bytes whose hash the body recorded on the ledger.
 * @throws when there is no such demo dataset or the gateway refuses the file.
 */
export async function loadDemoVersion(ctx: NetworkContext, datasetId: string, url: string): Promise<void> {
  const demo = keptDemoDatasets(ctx.paths).find((d) => d.dataset.id === datasetId);
  if (!demo) throw new Error(`no demo dataset ${datasetId}`);
  await loadIntoGateway(ctx, fileOf(demo), url);
}

async function seedEnterprises(
  ctx: NetworkContext,
  p: Parties,
  write: Write,
): Promise<DemoEnterpriseCredentials[]> {
  const dir = demoDir(ctx);
  const keyFile = (creditCode: string): string => path.join(dir, `${creditCode}.key.pem`);
  return reseedCredentials<DemoEnterpriseCredentials>(
    ctx,
    path.join(dir, 'enterprises.json'),
    async (known, clients) => {
      // The saved secrets are checked while the ledger is read: each check reads its row now, then runs one
      // scrypt off this thread.
      const checks = awaitedLater(
        Promise.all(
          DEMO_ENTERPRISES.map((e) => {
            const saved = known.find((k) => k.creditCode === e.creditCode)?.clientSecret;
            return keptSecret(clients, e.creditCode, saved, 'enterprise');
          }),
        ),
      ); // awaited after the onboarding, whose failure comes first
      // Onboarded all at once (each enterprise's keys are its own), so they share a block.
      await Promise.all(
        DEMO_ENTERPRISES.map(async (e) => {
          if (!fs.existsSync(keyFile(e.creditCode)))
            fs.writeFileSync(keyFile(e.creditCode), EnterpriseSigner.generateKeyPair().privateKeyPem, {
              mode: 0o600,
            });
          const publicKey = crypto
            .createPublicKey(fs.readFileSync(keyFile(e.creditCode)))
            .export({ type: 'spki', format: 'pem' })
            .toString();
          if (!(await find(p.bureau, 'enterprise', 'GetEnterprise', e.creditCode))) {
            ctx.log(`  enterprise ${e.name} (${e.rating.level}) onboarded by the bureau`);
            await write(p.bureau, 'enterprise', 'OnboardEnterprise', JSON.stringify({ ...e, publicKey }));
          }
        }),
      );
      const kept = await checks;
      return DEMO_ENTERPRISES.map((e, i) => ({
        name: e.name,
        creditCode: e.creditCode,
        rating: e.rating.level,
        clientId: e.creditCode,
        clientSecret: kept[i] ?? clients.register(e.creditCode),
        privateKeyFile: keyFile(e.creditCode),
      }));
    },
  );
}

/**
 * Whether a demo application was left on its way by a seed cut short (a start interrupted): still in review or
 * approved, and some body's agreement not drafted or not signed. One that ran its course and was then changed by
 * a user (an agreement terminated, the application returned or rejected) is theirs, not the seed's to redo: a
 * seed that went on with it failed every start after.
 */
async function cutShort(
  p: Parties,
  appId: string,
  state: string,
  demands: readonly { mspId: string }[],
): Promise<boolean> {
  if (!['FORMAL_REVIEW', 'OWNER_REVIEW', 'RE_REVIEW', 'APPROVED'].includes(state)) return false;
  const agreements = await Promise.all(
    [...new Set(demands.map((d) => d.mspId))].map(async (body) => {
      const found = await find(p.body(body), 'agreement', 'GetAgreement', `${appId}.${body}`);
      return (found as { state: string } | undefined)?.state;
    }),
  );
  return agreements.every((a) => a !== 'TERMINATED') && agreements.some((a) => a !== 'IN_FORCE');
}

/**
 * Seeds what of the demo is missing. Its ledger writes wait for `writable` (given by a start that has not seen
 * the ordering service's leader yet); its reads, the gateway's uploads and the files do not.
 */
export async function seedDemo(
  ctx: NetworkContext,
  writable: Promise<unknown> = Promise.resolve(),
): Promise<DemoEnterpriseCredentials[]> {
  const p = new Parties(ctx.paths, ctx.topology);
  // Each write waits for the ordering service's leader and gossip; the reads go at once, so a restart, which finds
  // everything there, waits for neither.
  const write = sendingAfter(writable, submit);
  try {
    // The console accounts need only the gateway's registry: checked beside everything else.
    const accounts = awaitedLater(Promise.all([seedConsoleAccounts(ctx), seedBodyAccounts(ctx)]));
    const files = keptDemoDatasets(ctx.paths).map(fileOf);
    // Datasets and enterprises touch keys of their own, and so do the two applications: each group is sent at
    // once and shares blocks, where one after another each transaction waited for a block of its own.
    const [, enterprises] = await Promise.all([
      Promise.all(files.map((f) => recordDataset(ctx, p, write, f))),
      seedEnterprises(ctx, p, write),
    ]);
    for (const f of files) await loadIntoGateway(ctx, f);
    await accounts;
    await Promise.all(
      DEMO_GRANTS.map(async (g) => {
        const e = enterprises.find((x) => x.rating === g.level)!;
        const begun = (await find(p.bureau, 'application', 'GetApplication', g.appId)) as
          { state: string } | undefined;
        if (begun && !(await cutShort(p, g.appId, begun.state, g.demands))) return;
        ctx.log(
          `  ${e.name} ${begun ? 'goes on with its application' : 'applies'} for ${g.demands.map((d) => d.datasetId).join(', ')}; reviews, agreement, grants`,
        );
        const signer = new EnterpriseSigner(e.creditCode, fs.readFileSync(e.privateKeyFile, 'utf8'));
        await writable;
        await applyAndGetGrants(p, signer, g.appId, g.demands);
      }),
    );
    return enterprises;
  } finally {
    p.close();
  }
}
