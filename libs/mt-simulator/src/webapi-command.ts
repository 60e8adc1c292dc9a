import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import type { DealerQueue } from './dealer-queue';
import type { SimulatorState } from './simulator-state';
import type { ServerPlacement } from './server-placement';

export type JsonObject = Record<string, unknown>;

/** What a command answers: the retcode, the `answer` payload, and fields beside it (e.g. `login` on user/add). */
export interface Answer {
  retcode: MtRetcode;
  answer?: unknown;
  extra?: Record<string, string>;
}

/** What a command runs against: this server's data, its place in the cluster, its dealer queue, the caller's session. */
export interface CommandContext {
  state: SimulatorState;
  server: ServerPlacement;
  dealer: DealerQueue;
  sessionId: string;
}

export type CommandHandler = (input: CommandInput, context: CommandContext) => Answer;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON scalar as the text the Web API would carry (clients send strings, some send numbers); undefined otherwise. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * One command's parameters: the query string, and the optional JSON body ("additional body"), whose fields beat the
 * query's. Body fields have the record's JSON names (`Leverage`), query parameters lower-case names (`leverage`).
 */
export class CommandInput {
  constructor(
    readonly query: URLSearchParams,
    readonly body: unknown,
  ) {}

  /** The body when it is a JSON object. */
  get bodyObject(): JsonObject | undefined {
    return isJsonObject(this.body) ? this.body : undefined;
  }

  /** Whether the body or the query names the field (even with a value that is not valid). */
  has(bodyName: string, queryName = bodyName.toLowerCase()): boolean {
    return (this.bodyObject !== undefined && bodyName in this.bodyObject) || this.query.has(queryName);
  }

  /** The field as text: from the body if it has it, else from the query; undefined when absent or not a scalar. */
  text(bodyName: string, queryName = bodyName.toLowerCase()): string | undefined {
    const body = this.bodyObject;
    if (body !== undefined && bodyName in body) return scalarText(body[bodyName]);
    return this.query.get(queryName) ?? undefined;
  }
}

/** An integer from min to max, or undefined. */
export function parseInteger(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** A finite decimal number, or undefined. */
export function parseDecimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** A login or ticket (UINT64), or undefined. */
export function parseTicket(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^\d{1,20}$/.test(text.trim())) return undefined;
  const value = BigInt(text.trim());
  return value <= 0xffff_ffff_ffff_ffffn ? value : undefined;
}

/** A comma-separated list of tickets, or undefined when any is malformed. */
export function parseTicketList(text: string | undefined): bigint[] | undefined {
  if (!text) return undefined;
  const tickets = text.split(',').map((item) => parseTicket(item));
  return tickets.every((ticket): ticket is bigint => ticket !== undefined) ? tickets : undefined;
}

export const done = (answer?: unknown, extra?: Record<string, string>): Answer => ({ retcode: MtRetcode.OK, answer, extra });
export const fail = (retcode: MtRetcode): Answer => ({ retcode });
