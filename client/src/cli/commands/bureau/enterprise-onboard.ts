/** `rdx enterprise onboard`: the bureau registers an enterprise with its public key and first rating. */
import crypto from 'node:crypto';
import { defineCommand, reqString } from '../../command.js';
import { committedData, enterpriseLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import { readInputFile, requireCreditCode } from '../../../sdk/inputs.js';
import type { EnterpriseNature } from '../../../sdk/types.js';
import { RATING_OPTIONS, ratingFrom } from './rating-options.js';

/** Reads an enterprise's ES256 public key; refuses a private key, which must never leave the enterprise. */
export function readPublicKey(file: string): string {
  const pem = readInputFile(file, 'public key').toString('utf8');
  if (pem.includes('PRIVATE KEY'))
    throw new InputError(
      'INVALID_ARGUMENT',
      `${file} holds a private key: give the public key (rdx keygen writes <name>.pub.pem)`,
    );
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch (err) {
    throw new InputError('INVALID_ARGUMENT', `${file} is not a PEM public key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new InputError('INVALID_ARGUMENT', `${file} is not an EC P-256 (ES256) key`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export default defineCommand({
  path: ['enterprise', 'onboard'],
  roles: ['bureau'],
  summary: '登记利用主体 onboard an enterprise with its ES256 public key and first rating (L10)',
  options: [
    {
      flags: '--credit-code <code>',
      description: '统一社会信用代码 18-character credit code',
      required: true,
    },
    { flags: '--name <name>', description: '企业名称 registered name', required: true },
    {
      flags: '--nature <nature>',
      description: '企业性质 enterprise nature',
      choices: ['state-owned', 'private', 'foreign-invested', 'collective', 'public-institution', 'other'],
      required: true,
    },
    {
      flags: '--public-key-file <pem>',
      description: "the enterprise's ES256 public key (SPKI PEM)",
      required: true,
    },
    ...RATING_OPTIONS,
  ],
  async run(ctx, { opts }) {
    const input = {
      creditCode: requireCreditCode(reqString(opts, 'creditCode'), '--credit-code'),
      name: reqString(opts, 'name'),
      nature: reqString(opts, 'nature') as EnterpriseNature,
      publicKey: readPublicKey(reqString(opts, 'publicKeyFile')),
      rating: ratingFrom(opts),
    };
    const c = await ctx.ledger().enterprise.onboard(input);
    return {
      data: committedData('enterprise', c),
      lines: [
        `${TERMS.enterprise} ${c.value.creditCode} 已登记 onboarded, ${TERMS.rating} ${c.value.rating.level}`,
        ...enterpriseLines(c.value),
        txLine(c),
      ],
    };
  },
});
