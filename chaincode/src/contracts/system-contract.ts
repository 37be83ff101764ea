/**
 * The first slice of RDX on the ledger: the chaincode's version, and probes — small records any member can
 * write and read back to prove the whole path (client → gateway → peers → orderers → every peer's state).
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { requireRole } from '../lib/access';
import { RdxContext } from '../lib/context';
import { RdxContract } from '../lib/rdx-contract';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { getJson, putJson } from '../lib/state';
import { parseProbe, probeKey, validateProbeInput, type Probe } from '../models/probe';

export const CHAINCODE_VERSION = '0.1.0';

export interface VersionInfo {
  chaincode: string;
  version: string;
}

@Info({ title: 'SystemContract', description: 'Version and ledger probes' })
export class SystemContract extends RdxContract {
  constructor() {
    super('system');
  }

  @Transaction(false)
  @Returns('string')
  public GetVersion(): Promise<string> {
    const info: VersionInfo = { chaincode: 'rdx', version: CHAINCODE_VERSION };
    return Promise.resolve(JSON.stringify(info));
  }

  /**
   * Records a probe once; a second probe with the same id is rejected so a probe is never rewritten. Only a
   * dedicated prober identity (certificate `role=probe`) may: staff, regulators, the gateway and nodes write
   * nothing here, and a production channel whose orgs enrol no prober has no probes at all.
   */
  @Transaction()
  @Returns('string')
  public async RecordProbe(ctx: RdxContext, id: string, note: string): Promise<string> {
    await requireRole(ctx, ['prober'], 'record ledger probes');
    validateProbeInput(id, note);
    const key = probeKey(ctx, id);
    if ((await getJson(ctx, key)) !== undefined) {
      throw new RdxError(ErrorCode.ALREADY_EXISTS, `probe ${id} already exists`);
    }
    const probe: Probe = {
      id,
      note,
      recordedBy: ctx.clientIdentity.getMSPID(),
      txId: ctx.stub.getTxID(),
      recordedAt: ctx.now(),
    };
    await putJson(ctx, key, probe);
    ctx.changed(EVENTS.PROBE_RECORDED, { type: 'probe', id });
    return JSON.stringify(probe);
  }

  @Transaction(false)
  @Returns('string')
  public async ReadProbe(ctx: RdxContext, id: string): Promise<string> {
    validateProbeInput(id, '');
    const raw = await getJson(ctx, probeKey(ctx, id));
    if (raw === undefined) throw new RdxError(ErrorCode.NOT_FOUND, `probe ${id} does not exist`);
    return JSON.stringify(parseProbe(raw));
  }
}
