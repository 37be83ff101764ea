/**
 * What the ledger needs before anyone can work on it, done by the bureau's admin at every start and only
 * where missing: the opening bodies registered, and the working-day calendar seeded (2025–2027).
 */
import { CALENDAR_SEED } from '@rdx/chaincode';
import type { NetworkContext } from './context.js';
import { connectAs } from './ledger-client.js';
import { peerOrgs } from './topology.js';

export async function setUpLedger(ctx: NetworkContext): Promise<void> {
  const bureau = connectAs(ctx.paths, ctx.topology, 'BureauMSP', 'admin');
  try {
    const platform = bureau.contract('platform');
    const bodies = JSON.parse(Buffer.from(await platform.evaluateTransaction('ListBodies')).toString()) as {
      mspId: string;
    }[];
    for (const org of peerOrgs(ctx.topology)) {
      if (org.mspId === 'BureauMSP' || bodies.some((b) => b.mspId === org.mspId)) continue;
      ctx.log(`  register opening body ${org.mspId}`);
      await platform.submitTransaction('RegisterBody', org.mspId, org.displayName);
    }
    for (const year of CALENDAR_SEED) {
      const present = await platform.evaluateTransaction('GetCalendarYear', String(year.year)).then(
        () => true,
        () => false,
      );
      if (present) continue;
      ctx.log(`  working-day calendar ${year.year}`);
      await platform.submitTransaction('SetCalendarYear', JSON.stringify(year));
    }
  } finally {
    bureau.close();
  }
}
