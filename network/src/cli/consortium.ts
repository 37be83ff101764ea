/**
 * The commands an organization's administrator runs on its own host to take part in a consortium spread over
 * machines (docs/DEPLOY.md walks through them in order):
 *
 *   org init --org <MSP>            its CA and identities here; writes export/<MSP>.org.json (public)
 *   org import <file>… --fingerprint <MSP>=<fp>…  another org's public definition; the first time, with its
 *                                   root's fingerprint as its administrators gave it (not from the file)
 *   channel add-org <MSP> --out f   (bureau) the update adding an imported org, signed here
 *   channel remove-org <MSP> --out f
 *   channel sign <file> [--org M]   adds this host's admin signature to an update, if it is the one this
 *                                   host builds for adding or removing that body (nothing else is signed)
 *   channel submit <file> [--org M] sends an update signed by a majority of members, the bureau among them (checked)
 *   channel members                 the channel's organizations now
 *   chaincode approve               installs and approves the definition for the current members
 *   chaincode commit                (bureau) commits it once a majority of members approved, the bureau among them
 *   ledger setup                    (bureau) registers new opening bodies and the gateway
 *   certs status                    when each of this home's certificates expires
 *   certs renew --org <MSP>         renews them all (same keys), restarting the org's processes one by one
 *   certs revoke <name> --org <MSP> new keys for a person or client, its old certificates revoked in the channel
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandForThisNetwork } from '../config.js';
import type { NetworkContext } from '../context.js';
import { deployChaincode } from '../chaincode-deploy.js';
import {
  channelMembers,
  localAdminOrg,
  prepareAddOrg,
  prepareRemoveOrg,
  checkMembershipUpdate,
  signUpdate,
  submitUpdate,
} from '../consortium/channel-config.js';
import {
  definitionFile,
  exportOrg,
  importOrg,
  normalFingerprint,
  OrgDefinitionError,
  readDefinition,
  rootFingerprint,
  type OrgDefinition,
} from '../consortium/org-definition.js';
import { expiries, renewOrg } from '../certificates.js';
import { waitPeerKnows } from '../channel.js';
import { setUpLedger } from '../ledger-setup.js';
import { nodesOf, orgOf } from '../topology.js';
import { revokeIdentity } from '../revocation.js';
import { initOrg, PlatformError, runsGatewayHere, writeMspRoots } from '../platform.js';
import type { CommandLine } from './arguments.js';

function required(line: CommandLine, name: string, what: string): string {
  const value = line.option(name);
  if (!value) throw new PlatformError(`${name} <${what}> is required`);
  return value;
}

/**
 * `org import`'s files and its `--fingerprint <MSP>=<fingerprint>` options (repeated, or comma-separated; also
 * `--fingerprint=…`), each fingerprint for the org it names: a file is checked against its own org's alone.
 */
function importArguments(line: CommandLine): { files: string[]; fingerprints: Map<string, string> } {
  const files = [...line.positionals];
  const fingerprints = new Map<string, string>();
  // A second pair after a space reads as a file: say what it looks like rather than "no such file".
  const stray = files.find((file) => /^[A-Za-z0-9]+MSP=/.test(file));
  if (stray)
    throw new PlatformError(
      `${stray} looks like a fingerprint: give each after --fingerprint, or join them with commas`,
    );
  for (const value of line.values('--fingerprint')) {
    for (const pair of value.split(',').filter((p) => p.trim())) {
      // At the first '=' only: openssl's own output (`sha256 Fingerprint=AB:…`) may follow it.
      const [mspId, fingerprint] = pair.split(/=(.*)/s).map((p) => p.trim());
      if (!mspId || !fingerprint || !/^[A-Za-z0-9]+MSP$/.test(mspId))
        throw new PlatformError(
          `--fingerprint ${JSON.stringify(pair)}: give it as <MSP>=<fingerprint> (MarketMSP=AB:CD:…): each file is checked against its own org's fingerprint`,
        );
      if (fingerprints.has(mspId) && fingerprints.get(mspId) !== normalFingerprint(fingerprint))
        throw new PlatformError(`--fingerprint gives two fingerprints for ${mspId}`);
      fingerprints.set(mspId, normalFingerprint(fingerprint));
    }
  }
  if (!files.length)
    throw new PlatformError('org import needs the definition files to import (export/<MSP>.org.json)');
  return { files, fingerprints };
}

/** What an org's administrators read out to the others' (a call, a letter), for `org import --fingerprint`. */
function fingerprintLine(definition: OrgDefinition): string {
  return `Its root's fingerprint, for the other organizations' administrators to be given by another way than the file (they import it with --fingerprint ${definition.mspId}=<it>): ${rootFingerprint(definition.rootCertPem)}`;
}

/**
 * Runs `work` on a copy of `file` in a folder of this user's own: what is checked is what is signed or sent,
 * even where the file lies in a folder others can write (a courier's), and could be swapped between the two.
 */
async function onPrivateCopy<T>(file: string, work: (copy: string) => Promise<T>): Promise<T> {
  if (!fs.existsSync(file)) throw new PlatformError(`${file}: no such file`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-update-'));
  try {
    const copy = path.join(dir, 'update.pb');
    fs.copyFileSync(file, copy);
    return await work(copy);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A command of the groups `org`, `channel`, `chaincode`, `ledger` and `certs`, its line checked. */
export async function consortiumCommand(ctx: NetworkContext, line: CommandLine): Promise<void> {
  const [group, action = ''] = line.command.split(' ');
  const signer = (): ReturnType<typeof localAdminOrg> =>
    localAdminOrg(ctx, line.option('--org') ?? 'BureauMSP');
  switch (line.command) {
    case 'org init': {
      const mspId = required(line, '--org', 'MSP ID');
      // Ctrl-C while the CA enrols the org's identities: what is made is kept and the same init goes on from it
      // (tried at every second of one); without a word, the operator did not know that, nor that the CA runs on.
      const interrupted = (): void => {
        console.error(
          `\nrdx: org init interrupted (Ctrl-C). What it made is kept: ${commandForThisNetwork(`rdx-network org init --org ${mspId}`)} goes on from here. The org's CA keeps running, as after an init (${commandForThisNetwork('npm stop')} stops it).`,
        );
        process.exit(130);
      };
      process.once('SIGINT', interrupted);
      let file: string;
      try {
        file = await initOrg(ctx, mspId);
      } finally {
        process.off('SIGINT', interrupted);
      }
      console.log(`Initialised. Give the other organizations ${file} (public: no key in it).`);
      console.log(fingerprintLine(readDefinition(file)));
      return;
    }
    case 'org export': {
      const { file, definition } = exportOrg(ctx, required(line, '--org', 'MSP ID'));
      console.log(file);
      console.log(fingerprintLine(definition));
      return;
    }
    case 'org import': {
      const { files, fingerprints } = importArguments(line);
      // Every file read and every fingerprint matched to one before anything is imported.
      const definitions = files.map((file) => ({ file, definition: readDefinition(file) }));
      const unmatched = [...fingerprints.keys()].filter(
        (m) => !definitions.some((d) => d.definition.mspId === m),
      );
      if (unmatched.length)
        throw new PlatformError(
          `--fingerprint names ${unmatched.join(', ')}, but no file given is its definition`,
        );
      try {
        for (const { file, definition } of definitions) {
          let outcome;
          try {
            outcome = importOrg(ctx, definition, fingerprints.get(definition.mspId));
          } catch (err) {
            if (err instanceof OrgDefinitionError) throw new OrgDefinitionError(`${file}: ${err.message}`);
            throw err;
          }
          console.log(`${definition.mspId}: ${outcome} (root ${rootFingerprint(definition.rootCertPem)})`);
        }
      } finally {
        // The gateway's folder of roots and revocation lists, on the host that runs it (read within 10 s): also
        // after a failed file, and when all was unchanged here, in case a run before stopped short of it.
        if (runsGatewayHere(ctx)) writeMspRoots(ctx);
      }
      return;
    }
    case 'channel members':
      console.log((await channelMembers(ctx)).join('\n'));
      return;
    case 'channel add-org':
    case 'channel remove-org': {
      const mspId = line.positionals[0];
      if (!mspId) throw new PlatformError(`channel ${action} <MSP ID> --out <file>`);
      const out = required(line, '--out', 'file');
      const members =
        action === 'add-org' ? await prepareAddOrg(ctx, mspId, out) : await prepareRemoveOrg(ctx, mspId, out);
      console.log(
        `Wrote ${out}, signed by ${signer().mspId}. Members now: ${members.join(', ')}. ` +
          `A majority of their admins, the bureau's among them, sign it (rdx-network channel sign ${out}, each on its host), then one submits it.`,
      );
      return;
    }
    case 'channel sign': {
      const file = line.positionals[0] ?? required(line, '--file', 'update file');
      const what = await onPrivateCopy(file, async (copy) => {
        const checked = await checkMembershipUpdate(ctx, copy, signer());
        await signUpdate(ctx, copy, signer());
        fs.copyFileSync(copy, file);
        return checked;
      });
      console.log(
        `Checked ${file}: it ${what} and changes nothing else. Signed as ${signer().mspId}'s admin.`,
      );
      return;
    }
    case 'channel submit': {
      const file = line.positionals[0] ?? required(line, '--file', 'update file');
      const what = await onPrivateCopy(file, async (copy) => {
        const checked = await checkMembershipUpdate(ctx, copy, signer());
        await submitUpdate(ctx, copy, signer());
        return checked;
      });
      console.log(`Submitted ${file}: it ${what}; the channel configuration changed.`);
      return;
    }
    case 'chaincode approve':
    case 'chaincode commit': {
      const result = await deployChaincode(ctx, { commit: action === 'commit' });
      const pending = result.waitingFor.length ? ` Not approved yet by ${result.waitingFor.join(', ')}.` : '';
      console.log(
        result.committed
          ? `Chaincode ${result.version} is committed at sequence ${result.sequence}.${pending}`
          : `Approved ${result.version} (sequence ${result.sequence}) here; a majority of members, the bureau among them, must approve before the bureau commits.${pending}`,
      );
      return;
    }
    case 'certs status': {
      for (const e of expiries(ctx.paths, ctx.topology))
        console.log(
          `${e.notAfter.toISOString().slice(0, 10)}  ${String(e.daysLeft).padStart(4)} days  ${e.kind.padEnd(13)}  ${e.identity} (${e.org})`,
        );
      return;
    }
    case 'certs renew': {
      const mspId = required(line, '--org', 'MSP ID');
      const renewed = await renewOrg(ctx, mspId);
      console.log(`Renewed ${renewed} certificates of ${mspId}; its processes run on them.`);
      return;
    }
    case 'certs revoke': {
      const mspId = required(line, '--org', 'MSP ID');
      const name = line.positionals[0];
      if (!name) throw new PlatformError('certs revoke <identity> --org <MSP ID>');
      const { serials, resumed } = await revokeIdentity(ctx, mspId, name);
      console.log(
        `${resumed ? `Finished the revocation begun ${resumed}. ` : ''}Revoked ${serials.length} certificates of ${name} (${mspId})${serials.length ? `: ${serials.join(', ')}` : ''}. ` +
          `Its new pair is in ${ctx.paths.identityDir(orgOf(ctx.topology, mspId).short, name)}. ` +
          `Every member's peers and the gateway refuse the revoked certificates from the channel's configuration; ${definitionFile(ctx.paths, mspId)} carries the list to the hosts that import it.`,
      );
      return;
    }
    case 'ledger setup': {
      // A body that just joined: the bureau's peer must know its peer before transactions can need it.
      const others = (await channelMembers(ctx)).length - 1;
      const bureauPeer = nodesOf(ctx.topology, 'peer', 'BureauMSP')[0]!;
      await waitPeerKnows(ctx, bureauPeer, others);
      await setUpLedger(ctx);
      // A body that joined signs its uploads to the gateway: the gateway learns its root from this folder.
      writeMspRoots(ctx);
      return;
    }
    default:
      throw new PlatformError(
        `unknown command: ${group} ${action}. See network/src/cli/consortium.ts or docs/DEPLOY.md.`,
      );
  }
}
