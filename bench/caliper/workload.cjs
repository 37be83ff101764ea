/**
 * The Caliper workload of `npm run bench -- --caliper` (docs/PERFORMANCE.md, figure 5b): each round sends one
 * kind of transaction of our chaincode through Caliper's Fabric connector. The bench prepares what cannot be
 * made inside a transaction stream (agreements drafted and signed by the body, the enterprise's ES256
 * signatures) and passes it in `work.json`; the rounds are:
 *
 *   grant  agreement:SignAgreementAsEnterprise — one per prepared agreement; brings it into force and issues
 *          its grant (endorsed by the owning body and the bureau, as the grant's key-level policy needs);
 *   probe  system:RecordProbe — one put-state, the same baseline as our own figure 5;
 *   read   grant:GetGrant — evaluated on one peer, no ordering (as the gateway identity, like figure 2's baseline).
 *
 * Caliper calls the methods below on the object createWorkloadModule() returns (the shape of its
 * WorkloadModuleBase, which lives in Caliper's own install and is not importable from here).
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');

class RdxWorkload {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter) {
    this.adapter = sutAdapter;
    this.args = roundArguments;
    this.work = JSON.parse(fs.readFileSync(roundArguments.work, 'utf8'));
    // Each worker its own share of the prepared items, so no two send the same transaction.
    this.items = (roundArguments.kind === 'grant' ? this.work.signed : this.work.probes).filter(
      (_, i) => i % totalWorkers === workerIndex,
    );
    this.next = 0;
  }

  request(fn, fields) {
    return {
      contractId: this.work.chaincode,
      channel: this.work.channel,
      invokerIdentity: this.work.identity,
      invokerMspId: this.work.mspId,
      contractFunction: fn,
      contractArguments: [],
      // Like our own client, a random salt for the private records a transaction may write.
      transientMap: { salt: crypto.randomBytes(32) },
      ...fields,
    };
  }

  async submitTransaction() {
    const { kind } = this.args;
    if (kind === 'read') {
      return this.adapter.sendRequests(
        this.request('grant:GetGrant', {
          contractArguments: [this.work.grantId],
          invokerIdentity: this.work.readIdentity,
          readOnly: true,
        }),
      );
    }
    const item = this.items[this.next++ % this.items.length];
    if (kind === 'grant') {
      return this.adapter.sendRequests(
        this.request('agreement:SignAgreementAsEnterprise', {
          transientMap: { salt: crypto.randomBytes(32), request: item.request, signature: item.signature },
          targetOrganizations: this.work.grantEndorsers,
        }),
      );
    }
    return this.adapter.sendRequests(
      this.request('system:RecordProbe', {
        contractArguments: [item, '压测'],
        invokerIdentity: this.work.probeIdentity,
      }),
    );
  }

  async cleanupWorkloadModule() {}
}

module.exports.createWorkloadModule = () => new RdxWorkload();
