/**
 * Natural persons (L10): `rdx person key` makes the bureau's person key once; `rdx person code` tells the person
 * code of an ID-card number under it (to rate, read or look up a person the bureau has onboarded). The number is
 * read from the command line and never sent anywhere.
 */
import { defineCommand, optString, reqString } from '../../command.js';
import { InputError } from '../../../sdk/errors.js';
import { personCode, readPersonKey, writePersonKey } from '../../../sdk/person.js';
import type { CliContext } from '../../context.js';

/** The option naming the bureau's person key, for every command that turns an ID-card number into a code. */
export const PERSON_KEY_OPTION = {
  flags: '--person-key-file <file>',
  description: "the bureau's person key (default RDX_PERSON_KEY_FILE), made once by rdx person key",
};

/** The person key named by --person-key-file or RDX_PERSON_KEY_FILE. */
export function personKeyOf(ctx: CliContext, opts: Record<string, unknown>): Buffer {
  const file = optString(opts, 'personKeyFile') ?? ctx.env.RDX_PERSON_KEY_FILE;
  if (!file)
    throw new InputError(
      'INVALID_ARGUMENT',
      "a natural person's code is made with the bureau's person key: give --person-key-file or set RDX_PERSON_KEY_FILE",
    );
  return readPersonKey(file);
}

export const personKey = defineCommand({
  path: ['person', 'key'],
  roles: ['bureau'],
  summary:
    "个人编码密钥 make the bureau's person key (32 random bytes, 0600): every person code is made with it, so keep it and back it up",
  options: [{ flags: '--out <file>', description: 'where to write it; never overwritten', required: true }],
  run(_ctx, { opts }) {
    const file = writePersonKey(reqString(opts, 'out'));
    return Promise.resolve({
      data: { personKeyFile: file },
      lines: [
        `个人编码密钥 person key: ${file}`,
        'keep it with the bureau and back it up: a lost key cannot give a person their code again',
      ],
    });
  },
});

export const personCodeCommand = defineCommand({
  path: ['person', 'code'],
  roles: ['bureau'],
  summary: '个人编码 the person code of an ID-card number (身份证号), which never leaves this machine',
  options: [
    { flags: '--id-number <number>', description: '18-character resident ID-card number', required: true },
    PERSON_KEY_OPTION,
  ],
  run(ctx, { opts }) {
    const code = personCode(reqString(opts, 'idNumber'), personKeyOf(ctx, opts));
    return Promise.resolve({ data: { creditCode: code }, lines: [code] });
  },
});
