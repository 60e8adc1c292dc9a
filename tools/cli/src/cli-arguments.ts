import { UsageError } from './exit-codes';

export type FlagKind = 'string' | 'boolean' | 'list';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

type FlagValue<K extends FlagKind> = K extends 'boolean' ? boolean : K extends 'list' ? string[] : string;
export type ParsedFlags<F extends FlagSpec> = { readonly [Name in keyof F]?: FlagValue<F[Name]> };

/** Flags every command takes: output mode and where the platform is. */
export const GLOBAL_FLAGS = {
  json: 'boolean',
  intake: 'string',
  approval: 'string',
  gateway: 'string',
  audit: 'string',
  keycloak: 'string',
  realm: 'string',
} as const satisfies FlagSpec;

export interface CommandSyntax<F extends FlagSpec> {
  /** e.g. "ops show <operation-id>", for the usage message. */
  usage: string;
  flags: F;
  /** Names of the positional arguments, all required. */
  positionals: readonly string[];
}

export interface ParsedArguments<F extends FlagSpec> {
  flags: ParsedFlags<F & typeof GLOBAL_FLAGS>;
  positionals: string[];
}

/**
 * `--name value`, `--name=value`, boolean `--name`, repeatable list flags, and positionals. Anything unknown, a
 * missing value or a wrong number of positionals is a UsageError (exit code 2) naming it.
 */
export function parseArguments<F extends FlagSpec>(args: readonly string[], syntax: CommandSyntax<F>): ParsedArguments<F> {
  const spec: FlagSpec = { ...GLOBAL_FLAGS, ...syntax.flags };
  const flags: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const usage = `usage: tradewarden ${syntax.usage}`;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown option --${name}\n${usage}`);
    if (kind === 'boolean') {
      if (equals >= 0) throw new UsageError(`--${name} takes no value\n${usage}`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = arg.slice(equals + 1);
    else {
      value = args[index + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value\n${usage}`);
      index++;
    }
    if (kind === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (name in flags) throw new UsageError(`--${name} given twice\n${usage}`);
    else flags[name] = value;
  }
  if (positionals.length !== syntax.positionals.length) {
    const expected = syntax.positionals.length === 0 ? 'no arguments' : syntax.positionals.map((name) => `<${name}>`).join(' ');
    throw new UsageError(`${positionals.length < syntax.positionals.length ? 'missing' : 'too many'} arguments (expected ${expected})\n${usage}`);
  }
  return { flags: flags as ParsedFlags<F & typeof GLOBAL_FLAGS>, positionals };
}

/** A non-negative integer flag value, or a UsageError naming the flag. */
export function integerFlag(name: string, value: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name}: "${value}" is not a whole number from ${min} to ${max}`);
  return Number(value);
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An ISO 8601 time with its zone ("2026-12-01T22:00:00Z", "2026-12-01T23:00+01:00"); undefined when the flag is
 * absent, a UsageError naming the flag otherwise. The fields are checked against the calendar first: Date reads
 * "2026-02-30" as March 2 and "24:00" as the next day, which would silently move a deadline.
 */
export function timeFlag(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const refuse = () => new UsageError(`--${name}: "${value}" is not an ISO 8601 time with its zone, e.g. 2026-12-01T22:00:00Z`);
  const match = ISO_TIME.exec(value);
  if (!match) throw refuse();
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((group) => Number(match[group]));
  const second = Number(match[6] ?? 0);
  const wallClock = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second));
  const sameFields =
    wallClock.getUTCFullYear() === year &&
    wallClock.getUTCMonth() === month! - 1 &&
    wallClock.getUTCDate() === day &&
    wallClock.getUTCHours() === hour &&
    wallClock.getUTCMinutes() === minute &&
    wallClock.getUTCSeconds() === second;
  const offsetValid = match[7] === undefined || (Number(match[8]) <= 23 && Number(match[9]) <= 59);
  const time = new Date(value);
  if (!sameFields || !offsetValid || Number.isNaN(time.getTime())) throw refuse();
  return time;
}
