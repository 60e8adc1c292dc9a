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
