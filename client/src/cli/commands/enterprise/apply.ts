/**
 * `rdx apply`: the enterprise files a demand application (需求申请), signed with its key. For convenience the
 * file may name document files instead of their hashes, and give the contact in clear under `form.contact`:
 * the CLI hashes both locally, so only hashes ever leave the machine (personal data never goes on the ledger).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { defineCommand, reqString } from '../../command.js';
import { applicationLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { personalDataHash } from '../../../enterprise-signer.js';
import { InputError } from '../../../sdk/errors.js';
import { readJsonFile, sha256OfFile } from '../../../sdk/inputs.js';
import type { ApplicationInput } from '../../../sdk/types.js';

interface ApplicationFile extends Omit<ApplicationInput, 'form' | 'documents'> {
  form: ApplicationInput['form'] & {
    contact?: { name: string; idNumber: string; phone: string; salt?: string };
  };
  documents: Record<keyof ApplicationInput['documents'], string>;
}

/** The application to sign, with files hashed and the contact replaced by salted hashes. */
export function prepareApplication(file: string): { application: ApplicationInput; contactSalt?: string } {
  // Signed, the application is the body of the request the ledger reads: one level down.
  const raw = readJsonFile<ApplicationFile>(file, 'application', 1);
  if (
    typeof raw !== 'object' ||
    raw === null ||
    typeof raw.form !== 'object' ||
    typeof raw.documents !== 'object'
  )
    throw new InputError(
      'INVALID_ARGUMENT',
      `${file} must be { id, form, demands, documents } (see docs/CLI.md)`,
    );
  const dir = path.dirname(path.resolve(file));
  const documents = Object.fromEntries(
    Object.entries(raw.documents).map(([k, v]) => [
      k,
      /^[0-9a-f]{64}$/.test(v) ? v : sha256OfFile(path.resolve(dir, v), `document ${k}`),
    ]),
  ) as unknown as ApplicationInput['documents'];
  const { contact, ...form } = raw.form;
  let contactSalt: string | undefined;
  if (contact) {
    contactSalt = contact.salt ?? crypto.randomBytes(16).toString('hex');
    form.contactNameHash = personalDataHash(contact.name, contactSalt);
    form.contactIdHash = personalDataHash(contact.idNumber, contactSalt);
    form.contactPhoneHash = personalDataHash(contact.phone, contactSalt);
  }
  return { application: { id: raw.id, form, demands: raw.demands, documents }, contactSalt };
}

export default defineCommand({
  path: ['apply'],
  roles: ['enterprise'],
  summary:
    '需求申请 file a demand application (or --resubmit one returned for correction), signed with --key-file',
  options: [
    {
      flags: '--file <json>',
      description: '{ id, form, demands[], documents } — see docs/CLI.md',
      required: true,
    },
    { flags: '--resubmit', description: '补正后重新提交 resubmit an application returned for correction' },
  ],
  async run(ctx, { opts }) {
    const { application, contactSalt } = prepareApplication(reqString(opts, 'file'));
    const session = ctx.enterprise(true);
    const w = opts.resubmit === true ? await session.resubmit(application) : await session.apply(application);
    const lines = [`${TERMS.application} ${w.data.id} 已提交 submitted`, ...applicationLines(w.data)];
    if (contactSalt) lines.push(`  盐 salt of the contact hashes (keep off-chain): ${contactSalt}`);
    lines.push(txLine({ txId: w.txId, blockNumber: w.blockNumber }));
    return {
      data: {
        txId: w.txId,
        blockNumber: w.blockNumber,
        application: w.data,
        ...(contactSalt ? { contactSalt } : {}),
      },
      lines,
    };
  },
});
