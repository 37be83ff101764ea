/**
 * The revocation lists the channel's configuration holds for each member org: what every peer and orderer checks
 * certificates against, and, through {@link MspRoots}, what the gateway checks signed admin requests against. An
 * org that revokes a certificate (`rdx-network certs revoke`) puts its CA's list there; the gateway reads the
 * configuration again every {@link EVERY_MS}, so the revocation reaches it on every host without a file being
 * carried to it; until it can read them, it goes by the lists it read last (kept in its data folder).
 */
import fs from 'node:fs';
import { common, msp } from '@hyperledger/fabric-protos';
import { writeFileAtomic } from '@rdx/client';
import type { Ledger } from '../ledger/ledger.js';
import type { MspRoots } from './admin-signature.js';

const EVERY_MS = 15_000;

/** jspb's Map, through the methods used (its type does not resolve here). */
interface ProtoMap<T> {
  get(key: string): T | undefined;
  forEach(visit: (value: T, key: string) => void): void;
}

/** Each application org's revocation lists (PEM) in a channel configuration (`common.Config`, raw). */
export function revocationListsOf(config: Uint8Array): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const groups = (config: common.ConfigGroup | undefined): ProtoMap<common.ConfigGroup> | undefined =>
    config?.getGroupsMap() as ProtoMap<common.ConfigGroup> | undefined;
  const application = groups(common.Config.deserializeBinary(config).getChannelGroup())?.get('Application');
  groups(application)?.forEach((group, mspId) => {
    const value = (group.getValuesMap() as ProtoMap<common.ConfigValue>).get('MSP')?.getValue_asU8();
    if (!value) return;
    const config = msp.MSPConfig.deserializeBinary(value);
    if (config.getType() !== 0) return; // not an X.509 MSP (idemix): no certificates of it to check here
    const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
    out.set(
      mspId,
      fabric.getRevocationListList_asU8().map((pem) => Buffer.from(pem).toString('utf8')),
    );
  });
  return out;
}

/**
 * Keeps `roots` given the channel's revocation lists: read at once, then every 15 s, one read at a time. The
 * lists last read are kept in `file` and given to `roots` on construction, before the gateway listens: a gateway
 * that starts while its peer cannot be reached still refuses what was revoked by then. A read that fails keeps
 * the lists read before and is logged once until one succeeds again.
 */
export class ChannelRevocations {
  private timer?: NodeJS.Timeout;
  private failing = false;
  private reading?: Promise<void>;

  constructor(
    private readonly ledger: Ledger,
    private readonly roots: MspRoots,
    private readonly file: string,
    private readonly log: (line: string) => void,
  ) {
    if (fs.existsSync(file))
      roots.setChannelLists(new Map(JSON.parse(fs.readFileSync(file, 'utf8')) as [string, string[]][]));
  }

  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    if (!this.ledger.channelConfig) return;
    try {
      const lists = revocationListsOf(await this.ledger.channelConfig());
      this.roots.setChannelLists(lists);
      writeFileAtomic(this.file, JSON.stringify([...lists]));
      if (this.failing) this.log('channel revocation lists read again');
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.log(`channel revocation lists not read (the last ones read still hold): ${String(err)}`);
      this.failing = true;
    }
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
