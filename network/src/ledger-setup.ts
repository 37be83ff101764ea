/**
 * What the ledger needs before anyone can work on it, done by the bureau's admin at every start and only
 * where missing: the channel's opening bodies registered (and those that left recorded as gone), the
 * working-day calendar seeded (2025–2027), and the gateway's id registered to its certificate so that it may
 * anchor its audit log.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { CALENDAR_SEED } from '@rdx/chaincode';
import type { NetworkContext } from './context.js';
import { connectAs, decodeJson } from './ledger-client.js';
import { channelMembers } from './consortium/channel-config.js';
import { GATEWAY_ID } from './platform-paths.js';
import { orgOf, peerOrgs } from './topology.js';

/** The two calls of a contract that the set-up makes. */
type LedgerContract = Pick<Contract, 'evaluateTransaction' | 'submitTransaction'>;

/** The certificate of the bureau's gateway identity, which every gateway of this network runs as. */
export function gatewayCertificate(ctx: Pick<NetworkContext, 'paths' | 'topology'>): string {
  const bureau = orgOf(ctx.topology, 'BureauMSP');
  return fs.readFileSync(
    path.join(ctx.paths.identityMsp(bureau.short, 'gateway'), 'signcerts', 'cert.pem'),
    'utf8',
  );
}

/**
 * Registers `gatewayId` to the gateway identity's certificate, as the bureau's admin, unless the ledger already
 * has exactly that registration (a renewed certificate is registered anew).
 */
export async function registerGateway(
  ctx: Pick<NetworkContext, 'paths' | 'topology' | 'log'>,
  gatewayId: string,
): Promise<void> {
  const bureau = connectAs(ctx.paths, ctx.topology, 'BureauMSP', 'admin');
  try {
    await registerGatewayWith(ctx, bureau.contract('audit'), gatewayId);
  } finally {
    bureau.close();
  }
}

async function registerGatewayWith(
  ctx: Pick<NetworkContext, 'paths' | 'topology' | 'log'>,
  audit: LedgerContract,
  gatewayId: string,
): Promise<void> {
  // RegisterGateway answers an unchanged registration without writing; reading first saves the transaction.
  const pem = gatewayCertificate(ctx);
  const current = await audit
    .evaluateTransaction('GetGateway', gatewayId)
    .then((bytes) => JSON.parse(Buffer.from(bytes).toString()) as { certificate: string })
    .catch(() => undefined);
  if (current?.certificate === fingerprintOf(pem)) return;
  ctx.log(`  register gateway ${gatewayId} with its certificate`);
  await audit.submitTransaction('RegisterGateway', gatewayId, pem);
}

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

/**
 * `send`, called only once `writable` settles (and not at all if it fails): a start's writes wait for the ordering
 * service's leader and for gossip, its reads do not.
 */
export function sendingAfter<A extends unknown[], R>(
  writable: Promise<unknown>,
  send: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    await writable;
    return send(...args);
  };
}

/** `contract`, whose reads go at once and whose writes wait for `writable`. */
export function writingAfter(contract: Contract, writable: Promise<unknown>): LedgerContract {
  return {
    evaluateTransaction: (name, ...args) => contract.evaluateTransaction(name, ...args),
    submitTransaction: sendingAfter(writable, (name: string, ...args: string[]) =>
      contract.submitTransaction(name, ...args),
    ),
  };
}

/**
 * `writable`, given by a start, settles once the ordering service takes transactions and the peers know each
 * other (a restarted Raft cluster elects its leader meanwhile). The set-up reads at once, the channel's members
 * from the bureau's own peer as the orderers may not answer yet, and only a write waits: on a restart there
 * is usually none.
 */
export async function setUpLedger(ctx: NetworkContext, writable?: Promise<unknown>): Promise<void> {
  const bureau = connectAs(ctx.paths, ctx.topology, 'BureauMSP', 'admin');
  try {
    const contract = (name: string): LedgerContract =>
      writingAfter(bureau.contract(name), writable ?? Promise.resolve());
    const platform = contract('platform');
    const bodies = JSON.parse(Buffer.from(await platform.evaluateTransaction('ListBodies')).toString()) as {
      mspId: string;
      removedAt?: string;
    }[];
    // Each write below touches keys of its own: sent together they share blocks instead of waiting for one each
    // (a block is cut every RDX_BATCH_TIMEOUT).
    const writes: Promise<unknown>[] = [];
    // The channel's members are the bodies: founding ones, and those that joined by a configuration update.
    // Read after the bodies: a peer only moves forward, so a body registered on the ledger is a member here.
    const members = await channelMembers(ctx, writable ? 'peer' : 'orderers');
    for (const org of peerOrgs(ctx.topology).filter((o) => members.includes(o.mspId))) {
      if (org.mspId === 'BureauMSP' || bodies.some((b) => b.mspId === org.mspId)) continue;
      ctx.log(`  register opening body ${org.mspId}`);
      writes.push(platform.submitTransaction('RegisterBody', org.mspId, org.displayName));
    }
    // A body the channel's members removed: recorded as gone, so it acts no more and its grants stop.
    for (const b of bodies.filter((x) => !x.removedAt && !members.includes(x.mspId))) {
      ctx.log(`  opening body ${b.mspId} left the channel`);
      writes.push(platform.submitTransaction('RemoveBody', b.mspId));
    }
    writes.push(
      ...CALENDAR_SEED.map(async (year) => {
        const present = await platform.evaluateTransaction('GetCalendarYear', String(year.year)).then(
          () => true,
          () => false,
        );
        if (present) return;
        ctx.log(`  working-day calendar ${year.year}`);
        await platform.submitTransaction('SetCalendarYear', JSON.stringify(year));
      }),
    );
    writes.push(registerGatewayWith(ctx, contract('audit'), GATEWAY_ID));
    writes.push(indexDueDates(ctx, contract('agreement')));
    await Promise.all(writes);
  } finally {
    bureau.close();
  }
}

/**
 * A ledger from before the due-date index (chaincode models/due-index.ts) gets it once: every agreement id, a
 * page at a time, written by the bureau; the last page marks it complete. Listed after the chaincode that keeps
 * the index is in use, so an agreement written meanwhile keeps its entry itself. A new ledger: one empty page.
 */
async function indexDueDates(ctx: Pick<NetworkContext, 'log'>, agreement: LedgerContract): Promise<void> {
  if (decodeJson(await agreement.evaluateTransaction('DueIndexReady')) === true) return;
  let bookmark = '';
  let indexed = 0;
  do {
    const page = decodeJson(await agreement.evaluateTransaction('ListAgreementIds', '500', bookmark)) as {
      items: string[];
      bookmark: string;
    };
    bookmark = page.bookmark;
    await agreement.submitTransaction(
      'IndexDueDates',
      JSON.stringify({ ids: page.items }),
      bookmark ? 'false' : 'true',
    );
    indexed += page.items.length;
  } while (bookmark);
  ctx.log(`  agreements indexed by due date: ${indexed}`);
}
