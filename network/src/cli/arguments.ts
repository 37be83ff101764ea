/**
 * What each `rdx-network` command takes, checked before it does anything. The commands read their options by
 * name and ignored the rest: `reset --help` removed the home (an org's CA keys on its own host), `stop --help`
 * stopped everything, and `start --nodemo` seeded the demo's enterprises and their known secrets on a host
 * meant for production (found by a review, 2026-12-07).
 */

/** A command's arguments: switches (no value), options (each with a value), and how many positionals. */
interface Takes {
  switches?: readonly string[];
  options?: readonly string[];
  positionals?: number;
  /** What its positionals are, for the usage line. */
  positional?: string;
  /** What an option's value looks like, where a bare "needs a value" would leave the user guessing. */
  valueLooks?: Readonly<Record<string, string>>;
}

const ORG = ['--org'];
const UPDATE: Takes = { options: ['--org', '--file'], positionals: 1, positional: '<update file>' };
const MEMBERSHIP: Takes = { options: ['--out', '--org'], positionals: 1, positional: '<MSP>' };

/** Every command, as `main.ts` and `consortium.ts` run it. */
const COMMANDS: Readonly<Record<string, Takes>> = {
  start: { switches: ['--detach', '--no-demo'], options: ORG },
  stop: {},
  reset: {},
  status: {},
  deploy: {},
  binaries: {},
  processes: {},
  supervise: { options: ORG },
  help: {},
  'org init': { options: ORG },
  'org export': { options: ORG },
  'org import': {
    options: ['--fingerprint'],
    positionals: Infinity,
    positional: '<file>…',
    valueLooks: { '--fingerprint': '<MSP>=<fingerprint> (MarketMSP=AB:CD:…)' },
  },
  'channel add-org': MEMBERSHIP,
  'channel remove-org': MEMBERSHIP,
  'channel sign': UPDATE,
  'channel submit': UPDATE,
  'channel members': {},
  'chaincode approve': {},
  'chaincode commit': {},
  'ledger setup': {},
  'certs status': {},
  'certs renew': { options: ORG },
  'certs revoke': { options: ORG, positionals: 1, positional: '<identity>' },
};

/** Commands of two words: the group. */
const GROUPS = new Set(['org', 'channel', 'chaincode', 'ledger', 'certs']);

/** A command line that is not one: exit 1, nothing done. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE =
  'usage: rdx-network start [--detach] [--no-demo] [--org MSPID[,MSPID]] | stop | status | reset | deploy | binaries\n' +
  '       rdx-network org init --org <MSP> | org export --org <MSP> | org import <file>… --fingerprint <MSP>=<fp>\n' +
  '       rdx-network channel add-org|remove-org <MSP> --out <file> | channel sign|submit <file> [--org <MSP>] |\n' +
  '                   channel members | chaincode approve|commit | ledger setup |\n' +
  '                   certs status | certs renew --org <MSP> | certs revoke <identity> --org <MSP>   (docs/DEPLOY.md)';

/**
 * A command line checked against its command's table, read by the command: what it holds is all it was given, so a
 * command cannot read an option the check did not know.
 */
export class CommandLine {
  constructor(
    /** The command (`start`, `channel sign`), or `help`. */
    readonly command: string,
    /** Its positionals, in order. */
    readonly positionals: readonly string[] = [],
    private readonly switches: ReadonlySet<string> = new Set(),
    private readonly given: ReadonlyMap<string, readonly string[]> = new Map(),
  ) {}

  /** Whether the switch was given. */
  has(name: string): boolean {
    return this.switches.has(name);
  }

  /** Every value the option was given, in order (`--fingerprint` may be given more than once). */
  values(name: string): readonly string[] {
    return this.given.get(name) ?? [];
  }

  /** The option's value, the first if given more than once. */
  option(name: string): string | undefined {
    return this.values(name)[0];
  }
}

/**
 * Checks `argv` (after the program's name) before anything runs, and reads it. Its command is `help` when it asks
 * for help (`--help` or `-h` anywhere, or `help`).
 * @throws UsageError naming an unknown command or option, a missing value, or a positional too many.
 */
export function checkCommandLine(argv: readonly string[]): CommandLine {
  const [first = 'help', ...rest] = argv;
  if (argv.includes('--help') || argv.includes('-h') || first === 'help') return new CommandLine('help');
  const name = GROUPS.has(first) ? `${first} ${rest[0] ?? ''}`.trim() : first;
  const takes = COMMANDS[name];
  if (!takes)
    throw new UsageError(
      GROUPS.has(first)
        ? `unknown command: ${name}; ${first} takes ${Object.keys(COMMANDS)
            .filter((c) => c.startsWith(`${first} `))
            .map((c) => c.slice(first.length + 1))
            .join(', ')}`
        : `unknown command: ${name}`,
    );
  const args = GROUPS.has(first) ? rest.slice(1) : rest;
  const positionals: string[] = [];
  const switches = new Set<string>();
  const given = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (positionals.push(arg) > (takes.positionals ?? 0))
        throw new UsageError(
          takes.positionals
            ? `${name} takes ${takes.positional ?? 'one argument'}; ${JSON.stringify(arg)} is one too many`
            : `${name} takes no argument such as ${JSON.stringify(arg)}`,
        );
      continue;
    }
    const [option, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
    // The commands read `--org X`, not `--org=X`: taken here, `start --org=MarketMSP` ran as a whole network's
    // start on Market's host. `org import` alone reads `--fingerprint=…`.
    if (inline !== undefined && option !== '--fingerprint' && takes.options?.includes(option))
      throw new UsageError(`write ${option} and its value apart: ${option} ${inline}`);
    if (takes.switches?.includes(option) && inline === undefined) {
      switches.add(option);
      continue;
    }
    if (takes.options?.includes(option)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || value.startsWith('-')) {
        const looks = takes.valueLooks?.[option];
        throw new UsageError(`${option} needs a value${looks ? `: ${looks}` : ''}`);
      }
      // Read once, a second value was ignored: `start --org MarketMSP --org HealthMSP` started Market alone.
      if (given.has(option) && option !== '--fingerprint')
        throw new UsageError(
          `${option} is given twice; give it once${option === '--org' ? ' (MSPs joined by commas)' : ''}`,
        );
      given.set(option, [...(given.get(option) ?? []), value]);
      continue;
    }
    const known = [...(takes.switches ?? []), ...(takes.options ?? []).map((o) => `${o} <value>`)];
    throw new UsageError(
      `${name}: unknown option ${option}; ${known.length ? `it takes ${known.join(', ')}` : 'it takes none'}`,
    );
  }
  return new CommandLine(name, positionals, switches, given);
}
