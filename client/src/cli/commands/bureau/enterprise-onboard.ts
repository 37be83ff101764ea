/**
 * `rdx enterprise onboard`: the bureau registers a user with its public key and first rating — an enterprise by
 * its credit code, or a natural person by their ID-card number, which this command turns into a person code and
 * never sends (their name goes masked).
 */
import crypto from 'node:crypto';
import { defineCommand, optString, reqString } from '../../command.js';
import { committedData, enterpriseLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import { readInputFile, requireCreditCode } from '../../../sdk/inputs.js';
import { maskPersonName, personCode } from '../../../sdk/person.js';
import { ENTERPRISE_NATURES, type EnterpriseNature } from '../../../sdk/types.js';
import type { CliContext } from '../../context.js';
import { PERSON_KEY_OPTION, personKeyOf } from './person.js';
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

/** Who is onboarded: `--credit-code` for an organisation, `--id-number` for a natural person (never both). */
function userOf(
  ctx: CliContext,
  opts: Record<string, unknown>,
): { creditCode: string; name: string; nature: EnterpriseNature } {
  const [creditCode, idNumber] = [optString(opts, 'creditCode'), optString(opts, 'idNumber')];
  const nature = optString(opts, 'nature') as EnterpriseNature | undefined;
  if ((creditCode === undefined) === (idNumber === undefined))
    throw new InputError(
      'INVALID_ARGUMENT',
      'give --credit-code for an enterprise or --id-number for a natural person (one of the two)',
    );
  if (idNumber !== undefined) {
    if (nature !== undefined && nature !== 'natural-person')
      throw new InputError(
        'INVALID_ARGUMENT',
        `a person onboarded by --id-number has nature natural-person, not ${nature}`,
      );
    return {
      creditCode: personCode(idNumber, personKeyOf(ctx, opts)),
      name: maskPersonName(reqString(opts, 'name')),
      nature: 'natural-person',
    };
  }
  if (nature === undefined) throw new InputError('INVALID_ARGUMENT', 'give --nature for an enterprise');
  if (nature === 'natural-person')
    throw new InputError(
      'INVALID_ARGUMENT',
      'a natural person is onboarded by --id-number, not --credit-code',
    );
  return {
    creditCode: requireCreditCode(creditCode!, '--credit-code'),
    name: reqString(opts, 'name'),
    nature,
  };
}

export default defineCommand({
  path: ['enterprise', 'onboard'],
  roles: ['bureau'],
  summary:
    '登记利用主体 onboard an enterprise (credit code) or a natural person (ID-card number) with its ES256 public key and first rating (L10)',
  options: [
    {
      flags: '--credit-code <code>',
      description: "统一社会信用代码 an enterprise's 18-character credit code",
    },
    {
      flags: '--id-number <number>',
      description: "身份证号 a natural person's ID-card number: only its person code goes to the ledger",
    },
    PERSON_KEY_OPTION,
    {
      flags: '--name <name>',
      description: "名称 registered name; a person's goes masked (张**)",
      required: true,
    },
    {
      flags: '--nature <nature>',
      description: '性质 nature (natural-person by --id-number)',
      choices: ENTERPRISE_NATURES,
    },
    {
      flags: '--public-key-file <pem>',
      description: "the user's ES256 public key (SPKI PEM)",
      required: true,
    },
    ...RATING_OPTIONS,
  ],
  async run(ctx, { opts }) {
    const input = {
      ...userOf(ctx, opts),
      publicKey: readPublicKey(reqString(opts, 'publicKeyFile')),
      rating: ratingFrom(opts),
    };
    const c = await ctx.ledger().enterprise.onboard(input);
    const person = input.nature === 'natural-person';
    return {
      data: committedData('enterprise', c),
      lines: [
        `${person ? TERMS.person : TERMS.enterprise} ${c.value.creditCode} 已登记 onboarded, ${TERMS.rating} ${c.value.rating.level}`,
        ...(person
          ? [
              '身份证号未上链 the ID-card number stayed here: the ledger has the person code and the masked name',
            ]
          : []),
        ...enterpriseLines(c.value),
        txLine(c),
      ],
    };
  },
});
