/** `rdx keygen`: a new ES256 key pair for an enterprise; the public key goes to the bureau, the private stays. */
import fs from 'node:fs';
import path from 'node:path';
import { defineCommand, reqString } from '../../command.js';
import { EnterpriseSigner } from '../../../enterprise-signer.js';
import { InputError } from '../../../sdk/errors.js';

export default defineCommand({
  path: ['keygen'],
  roles: ['enterprise'],
  summary:
    '生成密钥 create an ES256 key pair: <out>.key.pem (private, 0600) and <out>.pub.pem (for the bureau)',
  options: [
    { flags: '--out <prefix>', description: 'path prefix of the two files, e.g. ./acme', required: true },
  ],
  async run(_ctx, { opts }) {
    const prefix = reqString(opts, 'out');
    const privateFile = `${prefix}.key.pem`;
    const publicFile = `${prefix}.pub.pem`;
    for (const f of [privateFile, publicFile])
      if (fs.existsSync(f))
        throw new InputError(
          'ALREADY_EXISTS',
          `${f} exists: a key is never overwritten; choose another --out`,
        );
    const { privateKeyPem, publicKeyPem } = EnterpriseSigner.generateKeyPair();
    fs.mkdirSync(path.dirname(path.resolve(privateFile)), { recursive: true });
    fs.writeFileSync(privateFile, privateKeyPem, { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(publicFile, publicKeyPem, { flag: 'wx' });
    return Promise.resolve({
      data: { privateKeyFile: path.resolve(privateFile), publicKeyFile: path.resolve(publicFile) },
      lines: [
        `私钥 private key: ${path.resolve(privateFile)} (keep it; it signs your agreements)`,
        `公钥 public key:  ${path.resolve(publicFile)} (give it to the bureau for rdx enterprise onboard)`,
      ],
    });
  },
});
