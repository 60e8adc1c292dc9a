import { matchesGroupMask, MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { groupRecord, upsertGroup } from './group-config';
import { symbolRecord, upsertSymbol } from './symbol-config';
import { type CommandHandler, done, fail } from './webapi-command';

/** A mask read answers at most this many records; more is an error (14), so the caller narrows the mask. */
const MASK_ANSWER_MAX = 5000;

/** group=NAME for one record (13 if unknown), or mask=pattern (`*`, `!`, commas) for an array. */
const groupGet: CommandHandler = (input, { state }) => {
  const name = input.query.get('group');
  if (name !== null) {
    const group = state.groups.get(name);
    return group ? done(groupRecord(group)) : fail(MtRetcode.ERR_NOTFOUND);
  }
  const mask = input.query.get('mask');
  if (mask === null) return fail(MtRetcode.ERR_PARAMS);
  const groups = [...state.groups.values()].filter((group) => matchesGroupMask(mask, group.group));
  return groups.length > MASK_ANSWER_MAX ? fail(MtRetcode.ERR_PARTIAL) : done(groups.map(groupRecord));
};

/** symbol=NAME for one record, or mask=pattern (on the symbol name or path) for an array. */
const symbolGet: CommandHandler = (input, { state }) => {
  const name = input.query.get('symbol');
  if (name !== null) {
    const symbol = state.symbols.get(name);
    return symbol ? done(symbolRecord(symbol)) : fail(MtRetcode.ERR_NOTFOUND);
  }
  const mask = input.query.get('mask');
  if (mask === null) return fail(MtRetcode.ERR_PARAMS);
  const symbols = [...state.symbols.values()].filter((symbol) => matchesGroupMask(mask, symbol.symbol) || matchesGroupMask(mask, symbol.path));
  return symbols.length > MASK_ANSWER_MAX ? fail(MtRetcode.ERR_PARTIAL) : done(symbols.map(symbolRecord));
};

// Configuration belongs to the main server; trade servers read it but refuse to change it (12001).
const groupAdd: CommandHandler = (input, { state, server }) => (server.main ? upsertGroup(state.groups, input.bodyObject) : fail(MtRetcode.API_MAIN_SERVER_ONLY));

const symbolAdd: CommandHandler = (input, { state, server }) =>
  server.main ? upsertSymbol(state.symbols, input.bodyObject) : fail(MtRetcode.API_MAIN_SERVER_ONLY);

export const CONFIG_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  '/api/group/get': groupGet,
  '/api/group/add': groupAdd,
  '/api/symbol/get': symbolGet,
  '/api/symbol/add': symbolAdd,
};
