/**
 * The `rdx` program: commander wiring of the registry's handlers, the global options, and the one place that
 * turns outcomes into exit codes (0 ok, 1 the user's to fix, 2 the platform failed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { CommandSpec, Role } from './command.js';
import { CliContext, DEFAULT_GATEWAY, type GlobalOptions } from './context.js';
import { CliError, EXIT, reportFailure } from './failure.js';
import { Output, type Io } from './output.js';
import { COMMANDS, GROUPS } from './registry.js';
import { RecordedEarlierError } from '../sdk/errors.js';

const ROLE_NAMES: Record<Role, string> = {
  bureau: '市大数据局 bureau',
  body: '开放主体 opening body',
  enterprise: '利用主体 enterprise',
  regulator: '监管 regulator',
  anyone: '任何人 anyone',
};

function version(): string {
  try {
    const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function roleOverview(): string {
  const lines = [
    '',
    'Commands by role (--as <identity> acts on the ledger; enterprises go through the gateway):',
  ];
  for (const role of Object.keys(ROLE_NAMES) as Role[]) {
    const mine = COMMANDS.filter((c) => c.roles.includes(role))
      .map((c) => c.path.join(' '))
      .sort();
    if (mine.length)
      lines.push(...wrap(`${ROLE_NAMES[role]}: ${mine.join(', ')}`, 98, '    ').map((l) => `  ${l}`));
  }
  lines.push(
    '',
    'Exit codes: 0 ok, 1 bad input or refused by the rules (the stable code and a hint are printed), 2 failure.',
    'Environment: RDX_WALLET, RDX_GATEWAY_URL, RDX_GATEWAY_CA, RDX_CLIENT_ID, RDX_CLIENT_SECRET, RDX_KEY_FILE, RDX_AS, RDX_DEBUG.',
    'rdx --version prints the version; docs/CLI.md walks through the whole process.',
  );
  return lines.join('\n');
}

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width && line.trim()) {
      out.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line.trim()) out.push(line);
  return out;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Builds the program; `outcome.code` receives the exit code of the command that ran. */
function build(io: Io, env: NodeJS.ProcessEnv, outcome: { code: number; message?: string }): Command {
  const program = new Command('rdx');
  program
    .description(
      'RDX 丽水市公共数据受限开放 — restricted public-data exchange: ledger, gateway and audit from the command line',
    )
    .option('--as <identity>', 'act as this wallet identity on the ledger, e.g. admin.market')
    .option('--wallet <dir>', 'wallet folder (default RDX_WALLET, else <repo>/.rdx/wallet)')
    .option('--gateway <url>', `gateway address (default RDX_GATEWAY_URL, else ${DEFAULT_GATEWAY})`)
    .option(
      '--gateway-ca <pem>',
      "the gateway root certificate (the bureau's gateway CA's), trusted for the gateway's HTTPS only (or RDX_GATEWAY_CA)",
    )
    .option('--json', 'machine output: only JSON on stdout')
    .option(
      '--client-id <id>',
      "gateway client: an enterprise's credit code, or a regulator client (or RDX_CLIENT_ID)",
    )
    .option(
      '--client-secret <secret>',
      'gateway client secret (prefer RDX_CLIENT_SECRET: arguments are visible to other users)',
    )
    .option(
      '--key-file <pem>',
      'enterprise: ES256 private key, for private_key_jwt and signing (or RDX_KEY_FILE)',
    )
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Kept for the failure report, which prints it in the chosen mode with a stable code.
      outputError: (s) => (outcome.message = s.replace(/^error: /, '').trim()),
    })
    .addHelpText('after', roleOverview());

  const groups = new Map<string, Command>();
  // A group's help lists its commands as the registry has them: a list written by hand fell behind.
  const members = new Map<string, string[]>();
  for (const spec of COMMANDS)
    for (let i = 1; i < spec.path.length; i++) {
      const key = spec.path.slice(0, i).join(' ');
      const word = spec.path[i]!;
      const list = members.get(key) ?? [];
      if (!list.includes(word)) members.set(key, [...list, word]);
    }
  for (const spec of COMMANDS) {
    let parent = program;
    for (const [i, word] of spec.path.slice(0, -1).entries()) {
      const key = spec.path.slice(0, i + 1).join(' ');
      let group = groups.get(key);
      if (!group) {
        group = parent.command(word).description(`${GROUPS[key] ?? word}: ${members.get(key)!.join(', ')}`);
        groups.set(key, group);
      }
      parent = group;
    }
    addLeaf(parent, spec, io, env, outcome);
  }
  return program;
}

function addLeaf(
  parent: Command,
  spec: CommandSpec,
  io: Io,
  env: NodeJS.ProcessEnv,
  outcome: { code: number },
): void {
  const cmd = parent.command(spec.path[spec.path.length - 1]!);
  cmd.description(`[${spec.roles.join(', ')}] ${spec.summary}`);
  for (const a of spec.args ?? []) cmd.argument(a);
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.required ? `${o.description} (required)` : o.description);
    if (o.choices) option.choices(o.choices);
    if (o.repeatable) option.argParser(collect);
    if (o.defaultValue !== undefined) option.default(o.defaultValue);
    if (o.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  if (spec.help) cmd.addHelpText('after', `\n${spec.help}`);
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const ctx = new CliContext(globals, io, env);
    try {
      const result = await spec.run(ctx, {
        args: params.slice(0, (spec.args ?? []).length) as (string | undefined)[],
        opts: command.opts(),
      });
      if (result) ctx.out.result(result.data, result.lines);
      outcome.code = EXIT.OK;
    } catch (err) {
      if (err instanceof RecordedEarlierError) {
        // Done, by the attempt whose answer was lost: a user told to retry would record it twice.
        ctx.out.result({ recordedEarlier: true, txId: err.txId, ...err.made }, [
          `已记录 recorded: ${err.message}`,
          ...(err.txId ? [`  交易 transaction ${err.txId}`] : []),
          ...Object.entries(err.made).map(([k, v]) => `  保留 keep ${k}: ${JSON.stringify(v)}`),
        ]);
        outcome.code = EXIT.OK;
      } else outcome.code = reportFailure(err, ctx.out);
    } finally {
      ctx.close();
    }
  });
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, …) and returns the exit code; never throws.
 * @param io where to write (process streams by default).
 */
export async function runCli(
  argv: readonly string[],
  io: Io = process,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const outcome: { code: number; message?: string } = { code: EXIT.OK };
  // Only as the first word: `--version` after a command is that command's own option (dataset load --version v2).
  if (argv[2] === '--version' || argv[2] === '-V') {
    io.stdout.write(`${version()}\n`);
    return EXIT.OK;
  }
  const program = build(io, env, outcome);
  try {
    await program.parseAsync([...argv]);
    return outcome.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed') return EXIT.OK;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return EXIT.USER;
      const code = err.code === 'commander.invalidArgument' ? 'INVALID_ARGUMENT' : 'USAGE';
      const json = argv.includes('--json');
      return reportFailure(new CliError(code, outcome.message ?? err.message), new Output(io, json));
    }
    return reportFailure(err, new Output(io, argv.includes('--json')));
  }
}
