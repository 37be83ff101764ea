/** `rdx identities`: the Fabric identities in the wallet, for --as. */
import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { listWallet } from '../../../ledger/fabric-connection.js';

export default defineCommand({
  path: ['identities'],
  roles: ['anyone'],
  summary: '身份 list the wallet identities usable with --as',
  run(ctx) {
    const names = listWallet(ctx.walletDir);
    const rows = names.map((name) => {
      const meta = JSON.parse(fs.readFileSync(path.join(ctx.walletDir, name, 'identity.json'), 'utf8')) as {
        mspId: string;
        peerEndpoint: string;
      };
      return { name, mspId: meta.mspId, peerEndpoint: meta.peerEndpoint };
    });
    return Promise.resolve({
      data: { wallet: ctx.walletDir, identities: rows },
      lines: rows.length
        ? [
            `wallet ${ctx.walletDir}`,
            ...table(
              ['identity', 'MSP', 'peer'],
              rows.map((r) => [r.name, r.mspId, r.peerEndpoint]),
            ),
          ]
        : [`wallet ${ctx.walletDir} holds no identity (npm start writes one per enrolled user)`],
    });
  },
});
